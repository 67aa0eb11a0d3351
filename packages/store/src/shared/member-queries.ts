/**
 * Members, their tokens and invitations (MemberStore) for either adapter.
 *
 * Members are memberships: a user's role in one workspace (ADR 0015). The last owner of a
 * workspace is protected inside the statement itself: the UPDATE or DELETE of the membership carries
 * the condition "not an owner, or another owner of this workspace remains", so a workspace never
 * ends up without one.
 * On PostgreSQL the owners it counts are locked first: of two statements demoting the last two
 * owners at the same instant, the second waits, counts again and finds one owner left (SQLite runs
 * one writer at a time). When nothing changed, the user row tells why.
 *
 * In: a SqlDialect, then ids, roles and InvitationRecord. Out: records and MemberChange.
 */
import type { ApiTokenRecord, UserRecord, UserRole } from '../control/control-store.js';
import type { InvitationRecord, MemberChange } from '../control/member-store.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';
import { TOKEN_COLUMNS } from './user-queries.js';

const INVITATION_COLUMNS = `id, workspace_id as "workspaceId", email, role, token_hash as "tokenHash",
  invited_by as "invitedBy", created_at as "createdAt", expires_at as "expiresAt", accepted_at as "acceptedAt",
  revoked_at as "revokedAt"`;
const MEMBER_COLUMNS = 'u.id, u.email, m.role, u.password_hash as "passwordHash", u.created_at as "createdAt"';

export function memberQueries(d: SqlDialect) {
  const p = d.param;
  // Another owner of the same workspace remains (its placeholder is number `n`: SQLite binds in text order).
  const anotherOwner = (n: number) => `(select count(*) from (select user_id from memberships
    where workspace_id = ${p(n)} and role = 'owner'${d.rowLock}) owners) > 1`;
  const LIST_USERS = `select ${MEMBER_COLUMNS} from memberships m join users u on u.id = m.user_id
  where m.workspace_id = ${p(1)} order by m.created_at, u.id`;
  const MEMBER = `select m.role from memberships m where m.workspace_id = ${p(1)} and m.user_id = ${p(2)}`;
  // Parameters: role, workspace, user, role, workspace.
  const SET_ROLE = `update memberships set role = ${p(1)} where workspace_id = ${p(2)} and user_id = ${p(3)}
  and (role <> 'owner' or ${p(4)} = 'owner' or ${anotherOwner(5)})`;
  // Parameters: workspace, user, workspace.
  const LEAVE = `delete from memberships where workspace_id = ${p(1)} and user_id = ${p(2)}
  and (role <> 'owner' or ${anotherOwner(3)})`;
  const DROP_TOKENS = `delete from api_tokens where workspace_id = ${p(1)} and user_id = ${p(2)}`;
  const DROP_HOMELESS = `delete from users where id = ${p(1)}
  and not exists (select 1 from memberships where user_id = ${p(2)})`;
  const ALL_TOKENS = `select ${TOKEN_COLUMNS} from api_tokens t where t.workspace_id = ${p(1)}
  order by t.created_at desc, t.id desc`;
  const USER_TOKENS = `select ${TOKEN_COLUMNS} from api_tokens t where t.workspace_id = ${p(1)} and t.user_id = ${p(2)}
  order by t.created_at desc, t.id desc`;
  const TOKEN_BY_ID = `select ${TOKEN_COLUMNS} from api_tokens t where t.id = ${p(1)}`;
  const REVOKE_TOKEN = `update api_tokens set revoked_at = ${p(1)} where id = ${p(2)} and revoked_at is null`;
  const CREATE_INVITATION = `insert into invitations
  (id, workspace_id, email, email_key, role, token_hash, invited_by, created_at, expires_at, accepted_at, revoked_at)
  values ${paramList(d, 11)}`;
  const FIND_INVITATION = `select ${INVITATION_COLUMNS} from invitations where token_hash = ${p(1)}`;
  const LIST_INVITATIONS = `select ${INVITATION_COLUMNS} from invitations where workspace_id = ${p(1)}
  order by created_at desc, id desc`;
  const OPEN = 'accepted_at is null and revoked_at is null';
  const REVOKE_INVITATION = `update invitations set revoked_at = ${p(1)}
  where workspace_id = ${p(2)} and id = ${p(3)} and ${OPEN}`;
  const ACCEPT_INVITATION = `update invitations set accepted_at = ${p(1)}
  where id = ${p(2)} and ${OPEN} and expires_at > ${p(3)}`;

  async function why(exec: SqlExecutor, workspaceId: string, id: string, changed: number): Promise<MemberChange> {
    if (changed > 0) return 'changed';
    const [member] = await exec.all<{ role: UserRole }>(MEMBER, [workspaceId, id]);
    return member === undefined ? 'not-found' : 'last-owner';
  }

  return {
    listUsers: (exec: SqlExecutor, workspaceId: string) => exec.all<UserRecord>(LIST_USERS, [workspaceId]),
    async setUserRole(exec: SqlExecutor, workspaceId: string, id: string, role: UserRole): Promise<MemberChange> {
      return why(exec, workspaceId, id, await exec.run(SET_ROLE, [role, workspaceId, id, role, workspaceId]));
    },
    /** Several statements: run it in a unit. */
    async deleteUser(exec: SqlExecutor, workspaceId: string, id: string): Promise<MemberChange> {
      const change = await why(exec, workspaceId, id, await exec.run(LEAVE, [workspaceId, id, workspaceId]));
      if (change !== 'changed') return change;
      await exec.run(DROP_TOKENS, [workspaceId, id]);
      await exec.run(DROP_HOMELESS, [id, id]);
      return change;
    },
    listApiTokens: (exec: SqlExecutor, workspaceId: string, userId?: string) =>
      userId === undefined
        ? exec.all<ApiTokenRecord>(ALL_TOKENS, [workspaceId])
        : exec.all<ApiTokenRecord>(USER_TOKENS, [workspaceId, userId]),
    async getApiToken(exec: SqlExecutor, id: string): Promise<ApiTokenRecord | undefined> {
      const [row] = await exec.all<ApiTokenRecord>(TOKEN_BY_ID, [id]);
      return row;
    },
    async revokeApiToken(exec: SqlExecutor, id: string, now: number): Promise<boolean> {
      return (await exec.run(REVOKE_TOKEN, [now, id])) > 0;
    },
    async createInvitation(exec: SqlExecutor, i: InvitationRecord): Promise<void> {
      await exec.run(CREATE_INVITATION, [
        i.id,
        i.workspaceId,
        i.email,
        i.email.toLowerCase(),
        i.role,
        i.tokenHash,
        i.invitedBy,
        i.createdAt,
        i.expiresAt,
        i.acceptedAt,
        i.revokedAt,
      ]);
    },
    async findInvitation(exec: SqlExecutor, tokenHash: string): Promise<InvitationRecord | undefined> {
      const [row] = await exec.all<InvitationRecord>(FIND_INVITATION, [tokenHash]);
      return row;
    },
    listInvitations: (exec: SqlExecutor, workspaceId: string) =>
      exec.all<InvitationRecord>(LIST_INVITATIONS, [workspaceId]),
    async revokeInvitation(exec: SqlExecutor, workspaceId: string, id: string, now: number): Promise<boolean> {
      return (await exec.run(REVOKE_INVITATION, [now, workspaceId, id])) > 0;
    },
    async markInvitationAccepted(exec: SqlExecutor, id: string, now: number): Promise<boolean> {
      return (await exec.run(ACCEPT_INVITATION, [now, id, now])) > 0;
    },
  };
}
