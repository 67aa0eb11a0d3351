/**
 * `atom workspace create --slug S [--name N] --owner EMAIL` and `atom workspace list [--json]`:
 * the workspaces of the installation, on the database directly (like `atom users create`), so an
 * operator can make one before any server runs. The owner must be a user already; the creation is
 * audited in the new workspace's log.
 */
import { randomUUID } from 'node:crypto';
import { AtomError } from '@atom/errors';
import { AuditLog, NO_SOURCE, SYSTEM_ACTOR, WORKSPACE_SLUG_PATTERN } from '@atom/server';
import { reported, usingStore } from './command-frame.js';
import { ExitCode } from './exit-codes.js';

const BAD_INPUT = ['ATOM_ERR_USER_NOT_FOUND', 'ATOM_ERR_WORKSPACE_EXISTS'];

export async function createWorkspaceCommand(options: {
  data: string;
  slug: string;
  name?: string;
  owner: string;
}): Promise<number> {
  return reported(async () => {
    if (!new RegExp(WORKSPACE_SLUG_PATTERN).test(options.slug)) {
      throw new AtomError('ATOM_ERR_CLI_USAGE', `--slug ${options.slug}: expected ${WORKSPACE_SLUG_PATTERN}`);
    }
    return usingStore(options.data, async ({ store }) => {
      const owner = await store.getUserByEmail(options.owner);
      if (!owner) throw new AtomError('ATOM_ERR_USER_NOT_FOUND', `no user has the email ${options.owner}`);
      const workspace = {
        id: randomUUID(),
        slug: options.slug,
        name: options.name ?? options.slug,
        createdAt: Date.now(),
      };
      await store.createWorkspace(workspace, owner.id);
      await new AuditLog(store, Date.now).append(workspace.id, SYSTEM_ACTOR, NO_SOURCE, {
        action: 'workspace.create',
        target: { type: 'workspace', id: workspace.id, name: workspace.slug },
        data: { name: workspace.name, owner: owner.email, via: 'cli' },
      });
      process.stdout.write(`created workspace ${workspace.slug} (${workspace.name}), owner ${owner.email}\n`);
      return ExitCode.ok;
    });
  }, BAD_INPUT);
}

export async function listWorkspacesCommand(options: { data: string; json?: boolean }): Promise<number> {
  return reported(() =>
    usingStore(options.data, async ({ store }) => {
      const workspaces = await store.listWorkspaces();
      if (options.json) {
        const rows = workspaces.map((w) => ({ ...w, createdAt: new Date(w.createdAt).toISOString() }));
        process.stdout.write(`${JSON.stringify(rows)}\n`);
      } else {
        for (const w of workspaces) {
          const members = (await store.listUsers(w.id)).length;
          process.stdout.write(`${w.slug}\t${w.name}\t${members} member${members === 1 ? '' : 's'}\n`);
        }
      }
      return ExitCode.ok;
    }),
  );
}
