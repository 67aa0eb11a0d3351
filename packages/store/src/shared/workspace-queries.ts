/**
 * Workspaces and memberships (WorkspaceStore) for either adapter. A slug is taken once: the unique
 * constraint decides, through `on conflict do nothing` changing no row, so a taken slug never aborts
 * a unit and a duplicate id still fails loudly.
 *
 * In: a SqlDialect, then WorkspaceRecord, ids and roles. Out: WorkspaceRecord, MembershipRecord, roles.
 */
import { AtomError } from '@atom/errors';
import type { UserRole } from '../control/control-store.js';
import type { MembershipRecord, WorkspaceRecord } from '../control/workspace-store.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

const WORKSPACE_COLUMNS = 'w.id, w.slug, w.name, w.created_at as "createdAt"';

export function workspaceQueries(d: SqlDialect) {
  const p = d.param;
  const CREATE = `insert into workspaces (id, slug, name, created_at) values ${paramList(d, 4)}
  on conflict (slug) do nothing`;
  const JOIN = `insert into memberships (workspace_id, user_id, role, created_at) values ${paramList(d, 4)}
  on conflict (workspace_id, user_id) do nothing`;
  const GET = `select ${WORKSPACE_COLUMNS} from workspaces w where w.id = ${p(1)} or w.slug = ${p(2)}
  order by w.id = ${p(3)} desc limit 1`;
  const LIST = `select ${WORKSPACE_COLUMNS} from workspaces w order by w.created_at, w.id`;
  const RENAME = `update workspaces set name = ${p(1)} where id = ${p(2)}`;
  const MEMBERSHIPS = `select ${WORKSPACE_COLUMNS}, m.role, m.created_at as "joinedAt"
  from memberships m join workspaces w on w.id = m.workspace_id where m.user_id = ${p(1)}
  order by m.created_at, m.workspace_id`;
  const MEMBERSHIP = `select role from memberships where workspace_id = ${p(1)} and user_id = ${p(2)}`;

  const numbers = (w: WorkspaceRecord): WorkspaceRecord => ({ ...w, createdAt: Number(w.createdAt) });

  return {
    /** Two statements: run it in a unit. */
    async createWorkspace(exec: SqlExecutor, w: WorkspaceRecord, ownerId: string): Promise<void> {
      if ((await exec.run(CREATE, [w.id, w.slug, w.name, w.createdAt])) === 0) {
        throw new AtomError('ATOM_ERR_WORKSPACE_EXISTS', `a workspace with the slug ${w.slug} already exists`);
      }
      await exec.run(JOIN, [w.id, ownerId, 'owner', w.createdAt]);
    },
    async getWorkspace(exec: SqlExecutor, idOrSlug: string): Promise<WorkspaceRecord | undefined> {
      const [row] = await exec.all<WorkspaceRecord>(GET, [idOrSlug, idOrSlug, idOrSlug]);
      return row === undefined ? undefined : numbers(row);
    },
    async listWorkspaces(exec: SqlExecutor): Promise<WorkspaceRecord[]> {
      return (await exec.all<WorkspaceRecord>(LIST)).map(numbers);
    },
    async renameWorkspace(exec: SqlExecutor, id: string, name: string): Promise<boolean> {
      return (await exec.run(RENAME, [name, id])) > 0;
    },
    async listMemberships(exec: SqlExecutor, userId: string): Promise<MembershipRecord[]> {
      const rows = await exec.all<MembershipRecord>(MEMBERSHIPS, [userId]);
      return rows.map((row) => ({ ...row, createdAt: Number(row.createdAt), joinedAt: Number(row.joinedAt) }));
    },
    async getMembership(exec: SqlExecutor, workspaceId: string, userId: string): Promise<UserRole | undefined> {
      const [row] = await exec.all<{ role: UserRole }>(MEMBERSHIP, [workspaceId, userId]);
      return row?.role;
    },
    async addMember(exec: SqlExecutor, workspaceId: string, userId: string, role: UserRole, now: number) {
      return (await exec.run(JOIN, [workspaceId, userId, role, now])) > 0;
    },
  };
}
