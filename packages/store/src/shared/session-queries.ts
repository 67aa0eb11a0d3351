/**
 * Login sessions (SessionStore) for either adapter: found by the hash of the cookie's token, with
 * their user, in one join.
 *
 * In: a SqlDialect, then SessionRecord fields. Out: SessionRecord and its UserRecord.
 */
import type { UserRecord } from '../control/control-store.js';
import type { SessionRecord } from '../control/session-store.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';
import { firstRole } from './user-queries.js';

const SESSION_COLUMNS = `s.id, s.user_id as "userId", s.token_hash as "tokenHash", s.created_at as "createdAt",
  s.last_seen_at as "lastSeenAt", s.revoked_at as "revokedAt", s.ip, s.user_agent as "userAgent"`;
const USER_COLUMNS = `u.email as "u_email", ${firstRole('u')} as "u_role", u.password_hash as "u_passwordHash",
  u.created_at as "u_createdAt"`;

type SessionRow = SessionRecord & {
  u_email: string;
  u_role: UserRecord['role'];
  u_passwordHash: string | null;
  u_createdAt: number;
};

export function sessionQueries(d: SqlDialect) {
  const p = d.param;
  const CREATE = `insert into sessions (id, user_id, token_hash, created_at, last_seen_at, revoked_at, ip, user_agent)
  values ${paramList(d, 8)}`;
  const FIND = `select ${SESSION_COLUMNS}, ${USER_COLUMNS} from sessions s join users u on u.id = s.user_id
  where s.token_hash = ${p(1)}`;
  const TOUCH = `update sessions set last_seen_at = ${p(1)} where id = ${p(2)} and last_seen_at < ${p(3)}`;
  const REVOKE = `update sessions set revoked_at = ${p(1)} where id = ${p(2)} and revoked_at is null`;
  const REVOKE_USER = `update sessions set revoked_at = ${p(1)} where user_id = ${p(2)} and revoked_at is null`;

  return {
    async createSession(exec: SqlExecutor, s: SessionRecord): Promise<void> {
      await exec.run(CREATE, [s.id, s.userId, s.tokenHash, s.createdAt, s.lastSeenAt, s.revokedAt, s.ip, s.userAgent]);
    },
    async findSession(
      exec: SqlExecutor,
      tokenHash: string,
    ): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
      const [row] = await exec.all<SessionRow>(FIND, [tokenHash]);
      if (row === undefined) return undefined;
      const { u_email, u_role, u_passwordHash, u_createdAt, ...session } = row;
      const user: UserRecord = {
        id: session.userId,
        email: u_email,
        role: u_role,
        passwordHash: u_passwordHash,
        createdAt: Number(u_createdAt),
      };
      const revokedAt = session.revokedAt === null ? null : Number(session.revokedAt);
      return {
        session: {
          ...session,
          createdAt: Number(session.createdAt),
          lastSeenAt: Number(session.lastSeenAt),
          revokedAt,
        },
        user,
      };
    },
    async touchSession(exec: SqlExecutor, id: string, now: number): Promise<void> {
      await exec.run(TOUCH, [now, id, now]);
    },
    async revokeSession(exec: SqlExecutor, id: string, now: number): Promise<boolean> {
      return (await exec.run(REVOKE, [now, id])) > 0;
    },
    async revokeUserSessions(exec: SqlExecutor, userId: string, now: number): Promise<number> {
      return exec.run(REVOKE_USER, [now, userId]);
    },
  };
}
