/**
 * Users and API tokens (ControlStore) for either adapter.
 *
 * Emails are unique case-insensitively: each user row keeps `email_key`, the email lower-cased here
 * (the databases' lower() disagree beyond ASCII), under a unique constraint. A taken email is found
 * by `on conflict (email_key) do nothing` changing no row, so a duplicate never aborts anything and
 * a duplicate user id still fails loudly. Tokens are found by the SHA-256 of the token, with their user.
 *
 * In: a SqlDialect, then UserRecord / ApiTokenRecord. Out: the same records read back.
 */
import { AtomError } from '@atom/errors';
import type { ApiTokenRecord, UserRecord, UserRole } from '../control/control-store.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

/**
 * The role of the user `alias` in the first workspace they joined (ADR 0015: what a session opens by
 * default); 'viewer' only if a user was left in none, which deleteUser does not allow to last.
 */
export function firstRole(alias: string): string {
  return `coalesce((select m.role from memberships m where m.user_id = ${alias}.id
    order by m.created_at, m.workspace_id limit 1), 'viewer')`;
}
export const USER_COLUMNS = `u.id, u.email, ${firstRole('u')} as role, u.password_hash as "passwordHash",
  u.created_at as "createdAt"`;
export const TOKEN_COLUMNS = `t.id, t.user_id as "userId", t.workspace_id as "workspaceId", t.name,
  t.token_hash as "tokenHash", t.role,
  t.created_at as "createdAt",
  t.expires_at as "expiresAt", t.last_used_at as "lastUsedAt", t.revoked_at as "revokedAt"`;
const TOKEN_USER_COLUMNS = `u.email as "u_email", m.role as "u_role", u.password_hash as "u_passwordHash",
  u.created_at as "u_createdAt"`;

type TokenRow = ApiTokenRecord & {
  u_email: string;
  u_role: UserRecord['role'] | null;
  u_passwordHash: string | null;
  u_createdAt: number;
};

function emailKey(email: string): string {
  return email.toLowerCase();
}

/** The user and token queries with their SQL written once for `d`. */
export function userQueries(d: SqlDialect) {
  const p = d.param;
  const CREATE_USER = `insert into users (id, email, email_key, password_hash, created_at) values ${paramList(d, 5)}
  on conflict (email_key) do nothing`;
  const JOIN = `insert into memberships (workspace_id, user_id, role, created_at) values ${paramList(d, 4)}`;
  const USER_BY_EMAIL = `select ${USER_COLUMNS} from users u where u.email_key = ${p(1)}`;
  const USER_BY_ID = `select ${USER_COLUMNS} from users u where u.id = ${p(1)}`;
  const COUNT_USERS = 'select count(*) as n from users';
  const CREATE_TOKEN = `insert into api_tokens
  (id, user_id, workspace_id, name, token_hash, role, created_at, expires_at, last_used_at, revoked_at)
  values ${paramList(d, 10)}`;
  const FIND_TOKEN = `select ${TOKEN_COLUMNS}, ${TOKEN_USER_COLUMNS}
  from api_tokens t join users u on u.id = t.user_id
  left join memberships m on m.workspace_id = t.workspace_id and m.user_id = t.user_id
  where t.token_hash = ${p(1)}`;
  const TOUCH_TOKEN = `update api_tokens set last_used_at = ${p(1)} where id = ${p(2)}`;

  return {
    /** Two statements: run it in a unit. */
    async createUser(exec: SqlExecutor, user: UserRecord, workspaceId: string): Promise<void> {
      const { id, email, role, passwordHash, createdAt } = user;
      const inserted = await exec.run(CREATE_USER, [id, email, emailKey(email), passwordHash ?? null, createdAt]);
      if (inserted === 0) throw new AtomError('ATOM_ERR_USER_EXISTS', `a user with the email ${email} already exists`);
      await exec.run(JOIN, [workspaceId, id, role, createdAt]);
    },
    async getUserByEmail(exec: SqlExecutor, email: string): Promise<UserRecord | undefined> {
      const [row] = await exec.all<UserRecord>(USER_BY_EMAIL, [emailKey(email)]);
      return row;
    },
    async getUser(exec: SqlExecutor, id: string): Promise<UserRecord | undefined> {
      const [row] = await exec.all<UserRecord>(USER_BY_ID, [id]);
      return row;
    },
    async countUsers(exec: SqlExecutor): Promise<number> {
      const [row] = await exec.all<{ n: number }>(COUNT_USERS);
      return row?.n ?? 0;
    },
    async createApiToken(exec: SqlExecutor, token: ApiTokenRecord): Promise<void> {
      const { id, userId, workspaceId, name, tokenHash, role, createdAt, expiresAt, lastUsedAt, revokedAt } = token;
      await exec.run(CREATE_TOKEN, [
        id,
        userId,
        workspaceId,
        name,
        tokenHash,
        role ?? null,
        createdAt,
        expiresAt ?? null,
        lastUsedAt ?? null,
        revokedAt ?? null,
      ]);
    },
    async findApiToken(
      exec: SqlExecutor,
      tokenHash: string,
    ): Promise<{ token: ApiTokenRecord; user: Omit<UserRecord, 'role'> & { role: UserRole | null } } | undefined> {
      const [row] = await exec.all<TokenRow>(FIND_TOKEN, [tokenHash]);
      if (row === undefined) return undefined;
      const { u_email, u_role, u_passwordHash, u_createdAt, ...token } = row;
      const user = {
        id: token.userId,
        email: u_email,
        role: u_role,
        passwordHash: u_passwordHash,
        createdAt: u_createdAt,
      };
      return { token, user };
    },
    async touchApiToken(exec: SqlExecutor, id: string, now: number): Promise<void> {
      await exec.run(TOUCH_TOKEN, [now, id]);
    },
  };
}
