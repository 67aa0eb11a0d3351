/** Members and their roles (change, remove), and invitations (create: the link is shown once; revoke). */
import { type FormEvent, useState } from 'react';
import { post, request } from '../api/client';
import type { UserRole } from '../api/types';
import { useRoleAtLeast, useSession } from '../session';
import { ProblemText } from '../shell/problem-text';
import { RowAction, SimpleTable } from './simple-table';
import { change, useList, when } from './use-list';

export const ROLES: UserRole[] = ['owner', 'admin', 'editor', 'operator', 'viewer'];

interface Member {
  id: string;
  email: string;
  role: UserRole;
  sso: boolean;
  createdAt: string;
}

interface Invitation {
  id: string;
  email: string;
  role: UserRole;
  status: string;
  createdAt: string;
  expiresAt: string;
}

export function MembersSection() {
  const manage = useRoleAtLeast('admin');
  const { state } = useSession();
  const me = state.status === 'signed-in' ? state.user.id : null;
  const members = useList<Member>('/api/v1/members');
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <ProblemText error={members.error} />
      <SimpleTable
        columns={['Email', 'Role', 'Since', ...(manage ? ['Actions'] : [])]}
        rows={(members.items ?? []).map((m) => ({
          key: m.id,
          cells: [
            <span key="email">
              {m.email} {m.sso && <span className="badge">SSO</span>}{' '}
              {m.id === me && <span className="badge">you</span>}
            </span>,
            manage ? (
              <select
                key="role"
                aria-label={`Role of ${m.email}`}
                value={m.role}
                onChange={(e) =>
                  void change(
                    () => request(`/api/v1/members/${m.id}`, { method: 'PATCH', body: { role: e.target.value } }),
                    members.reload,
                    members.setError,
                  )
                }
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            ) : (
              m.role
            ),
            when(m.createdAt),
            ...(manage
              ? [
                  <RowAction
                    key="remove"
                    text="Remove"
                    label={`Remove ${m.email}`}
                    danger
                    onClick={() => {
                      if (!window.confirm(`Remove ${m.email}? Their tokens and sessions end at once.`)) return;
                      void change(
                        () => request(`/api/v1/members/${m.id}`, { method: 'DELETE' }),
                        members.reload,
                        members.setError,
                      );
                    }}
                  />,
                ]
              : []),
          ],
        }))}
      />
      {manage && <InvitationsPart />}
    </section>
  );
}

function InvitationsPart() {
  const invitations = useList<Invitation>('/api/v1/invitations');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<UserRole>('editor');
  const [link, setLink] = useState<string | null>(null);
  const invite = (event: FormEvent) => {
    event.preventDefault();
    void change(
      async () => {
        const made = await post<{ path: string }>('/api/v1/invitations', { email, role });
        setLink(`${window.location.origin}${made.path}`);
        setEmail('');
      },
      invitations.reload,
      invitations.setError,
    );
  };
  return (
    <>
      <h3>Invitations</h3>
      <form className="inline-form" onSubmit={invite}>
        <label>
          Email
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as UserRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button primary">
          Invite
        </button>
      </form>
      {link && (
        <div className="shown-once" role="status">
          <p>
            Send this link to the new member. It is shown only now and works once:{' '}
            <code data-testid="invitation-link">{link}</code>
          </p>
        </div>
      )}
      <ProblemText error={invitations.error} />
      <SimpleTable
        columns={['Email', 'Role', 'Status', 'Expires', 'Actions']}
        rows={(invitations.items ?? []).map((i) => ({
          key: i.id,
          cells: [
            i.email,
            i.role,
            i.status,
            when(i.expiresAt),
            i.status === 'open' && (
              <RowAction
                key="revoke"
                text="Revoke"
                label={`Revoke the invitation of ${i.email}`}
                onClick={() =>
                  void change(
                    () => request(`/api/v1/invitations/${i.id}`, { method: 'DELETE' }),
                    invitations.reload,
                    invitations.setError,
                  )
                }
              />
            ),
          ],
        }))}
      />
    </>
  );
}
