/** Log in with email and password; the session cookie is set by the server, the CSRF token kept in memory. */
import { post } from '../api/client';
import type { SessionAnswer } from '../api/types';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';
import { CredentialsForm } from './credentials-form';

export default function LoginPage() {
  const { state, signedIn } = useSession();
  const { search } = useLocation();
  const next = search.get('next');
  return (
    <main className="bare">
      <div className="card narrow">
        <h1>Log in to Atom</h1>
        {state.status === 'anonymous' && state.reason && <p role="status">{state.reason}</p>}
        <CredentialsForm
          submitLabel="Log in"
          busyLabel="Logging in…"
          newPassword={false}
          onSubmit={async (email, password) => {
            signedIn(await post<SessionAnswer>('/api/v1/auth/login', { email, password }));
            navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/workflows', { replace: true });
          }}
        />
      </div>
    </main>
  );
}
