/**
 * The workspace a CLI command acts in (ADR 0015): `--workspace <slug>`, else the environment's
 * ATOM_WORKSPACE, else `default`. A slug or an id; one that names no workspace is bad input
 * (ATOM_ERR_WORKSPACE_NOT_FOUND, exit 2), never a silent fall-back to another workspace.
 */
import { DEFAULT_WORKSPACE_ID } from '@atom/engine';
import { AtomError } from '@atom/errors';
import type { WorkspaceRecord, WorkspaceStore } from '@atom/store';

export async function targetWorkspace(
  store: Pick<WorkspaceStore, 'getWorkspace'>,
  flag: string | undefined,
): Promise<WorkspaceRecord> {
  const named = flag ?? process.env.ATOM_WORKSPACE ?? DEFAULT_WORKSPACE_ID;
  const workspace = await store.getWorkspace(named);
  if (!workspace) {
    throw new AtomError('ATOM_ERR_WORKSPACE_NOT_FOUND', `no workspace is named "${named}" (see atom workspace list)`);
  }
  return workspace;
}
