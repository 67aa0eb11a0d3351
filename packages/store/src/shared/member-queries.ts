/**
 * Members, their tokens and invitations (MemberStore) for either adapter.
 *
 * The last owner is protected inside the statement itself: the UPDATE or DELETE carries the
 * condition "not an owner, or another owner remains", so a workspace never ends up without one.
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
import { TOKEN_COLUMNS, USER_COLUMNS } from './user-queries.js';

const INVITATION_COLUMNS = `id, email, role, token_hash as "tokenHash", invited_by as "invitedBy",
  created_at as "createdAt", expires_at as "expiresAt", accepted_at as "acceptedAt", revoked_at as "revokedAt"`;
export function memberQueries(d: SqlDialect) {
  const p = d.param;
  const ANOTHER_OWNER = `(select count(*) from (select id from users where role = 'owner'${d.rowLock}) owners) > 1`;
  const LIST_USERS = `select ${USER_COLUMNS} from users order by created_at, id`;
  const USER_BY_ID = `select ${USER_COLUMNS} from users where id = ${p(1)}`;
  const SET_ROLE = `update users set role = ${p(1)}
  where id = ${p(2)} and (role <> 'owner' or ${p(3)} = 'owner' or ${ANOTHER_OWNER})`;
  const DELETE_USER = `delete from users where id = ${p(1)} and (role <> 'owner' or ${ANOTHER_OWNER})`;
  const ALL_TOKENS = `select ${TOKEN_COLUMNS} from api_tokens t order by t.created_at desc, t.id desc`;
  const USER_TOKENS = `select ${TOKEN_COLUMNS} from api_tokens t where t.user_id = ${p(1)}
  order by t.created_at desc, t.id desc`;
  const TOKEN_BY_ID = `select ${TOKEN_COLUMNS} from api_tokens t where t.id = ${p(1)}`;
  const REVOKE_TOKEN = `update api_tokens set revoked_at = ${p(1)} where id = ${p(2)} and revoked_at is null`;
  const CREATE_INVITATION = `insert into invitations
  (id, email, email_key, role, token_hash, invited_by, created_at, expires_at, accepted_at, revoked_at)
  values ${paramList(d, 10)}`;
  const FIND_INVITATION = `select ${INVITATION_COLUMNS} from invitations where token_hash = ${p(1)}`;
  const LIST_INVITATIONS = `select ${INVITATION_COLUMNS} from invitations order by created_at desc, id desc`;
  const OPEN = 'accepted_at is null and revoked_at is null';
  const REVOKE_INVITATION = `update invitations set revoked_at = ${p(1)} where id = ${p(2)} and ${OPEN}`;
  const ACCEPT_INVITATION = `update invitations set accepted_at = ${p(1)}
  where id = ${p(2)} and ${OPEN} and expires_at > ${p(3)}`;

  async function why(exec: SqlExecutor, id: string, changed: number): Promise<MemberChange> {
    if (changed > 0) return 'changed';
    const [user] = await exec.all<UserRecord>(USER_BY_ID, [id]);
    return user === undefined ? 'not-found' : 'last-owner';
  }

  return {
    listUsers: (exec: SqlExecutor) => exec.all<UserRecord>(LIST_USERS),
    async setUserRole(exec: SqlExecutor, id: string, role: UserRole): Promise<MemberChange> {
      return why(exec, id, await exec.run(SET_ROLE, [role, id, role]));
    },
    async deleteUser(exec: SqlExecutor, id: string): Promise<MemberChange> {
      return why(exec, id, await exec.run(DELETE_USER, [id]));
    },
    listApiTokens: (exec: SqlExecutor, userId?: string) =>
      userId === undefined ? exec.all<ApiTokenRecord>(ALL_TOKENS) : exec.all<ApiTokenRecord>(USER_TOKENS, [userId]),
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
    listInvitations: (exec: SqlExecutor) => exec.all<InvitationRecord>(LIST_INVITATIONS),
    async revokeInvitation(exec: SqlExecutor, id: string, now: number): Promise<boolean> {
      return (await exec.run(REVOKE_INVITATION, [now, id])) > 0;
    },
    async markInvitationAccepted(exec: SqlExecutor, id: string, now: number): Promise<boolean> {
      return (await exec.run(ACCEPT_INVITATION, [now, id, now])) > 0;
    },
  };
}
