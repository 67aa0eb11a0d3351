/** Your API tokens: create one (its value is shown once, here, and never again), list, revoke. */
import { type FormEvent, useState } from 'react';
import { post, request } from '../api/client';
import { ProblemText } from '../shell/problem-text';
import { ROLES } from './members-section';
import { RowAction, SimpleTable } from './simple-table';
import { change, useList, when } from './use-list';

interface Token {
  id: string;
  name: string;
  role: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function TokensSection() {
  const tokens = useList<Token>('/api/v1/tokens');
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [days, setDays] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const create = (event: FormEvent) => {
    event.preventDefault();
    void change(
      async () => {
        const made = await post<{ token: string }>('/api/v1/tokens', {
          name,
          ...(role ? { role } : {}),
          ...(days ? { expiresInDays: Number(days) } : {}),
        });
        setShown(made.token);
        setName('');
      },
      tokens.reload,
      tokens.setError,
    );
  };
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <form className="inline-form" onSubmit={create}>
        <label>
          Name
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">my own</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires in days
          <input type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        <button type="submit" className="button primary">
          Create token
        </button>
      </form>
      {shown && (
        <div className="shown-once" role="status">
          <p>Copy this token now: it is shown only once and cannot be read again.</p>
          <code data-testid="new-token">{shown}</code>{' '}
          <button type="button" className="button small" onClick={() => void navigator.clipboard?.writeText(shown)}>
            Copy
          </button>{' '}
          <button type="button" className="button small ghost" onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      )}
      <ProblemText error={tokens.error} />
      <SimpleTable
        columns={['Name', 'Role', 'Created', 'Last used', 'Expires', 'Actions']}
        rows={(tokens.items ?? []).map((t) => ({
          key: t.id,
          cells: [
            t.name,
            t.role ?? 'my own',
            when(t.createdAt),
            when(t.lastUsedAt),
            when(t.expiresAt),
            t.revokedAt ? (
              `revoked ${when(t.revokedAt)}`
            ) : (
              <RowAction
                key="revoke"
                text="Revoke"
                label={`Revoke token ${t.name}`}
                danger
                onClick={() =>
                  void change(
                    () => request(`/api/v1/tokens/${t.id}`, { method: 'DELETE' }),
                    tokens.reload,
                    tokens.setError,
                  )
                }
              />
            ),
          ],
        }))}
      />
    </section>
  );
}
