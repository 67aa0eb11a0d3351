/** First run: no user exists yet, so the first person creates the owner account (and is logged in). */
import { post } from '../api/client';
import type { SessionAnswer } from '../api/types';
import { navigate } from '../router';
import { useSession } from '../session';
import { CredentialsForm } from './credentials-form';

export default function SetupPage() {
  const { signedIn, refresh } = useSession();
  return (
    <main className="bare">
      <div className="card narrow">
        <h1>Welcome to Atom</h1>
        <p>Create the owner account of this Atom. You can invite others later.</p>
        <CredentialsForm
          submitLabel="Create owner account"
          busyLabel="Creating…"
          newPassword
          onSubmit={async (email, password) => {
            try {
              signedIn(await post<SessionAnswer>('/api/v1/auth/setup', { email, password }));
              navigate('/workflows', { replace: true });
            } catch (error) {
              // Someone else finished the setup meanwhile: log in instead.
              if ((error as { code?: string }).code === 'ATOM_ERR_SETUP_DONE') await refresh();
              throw error;
            }
          }}
        />
      </div>
    </main>
  );
}
