/**
 * `atom prune [--dry-run] [--json]`: deletes finished runs older than the workspace's retention,
 * with their steps, events and the blobs no other run uses (what `atom start` does every hour).
 * `atom retention [--days N | --forever]`: shows or sets that retention (audited like the API).
 */
import { join, resolve } from 'node:path';
import { AtomError } from '@atom/errors';
import { AuditLog, NO_SOURCE, pruneRuns, SYSTEM_ACTOR } from '@atom/server';
import { createFileBlobStore } from '@atom/store';
import { targetWorkspace } from '../runtime/target-workspace.js';
import { reported, usingStore } from './command-frame.js';
import { ExitCode } from './exit-codes.js';

export async function pruneCommand(options: {
  data: string;
  dryRun?: boolean;
  json?: boolean;
  workspace?: string;
}): Promise<number> {
  return reported(() =>
    usingStore(options.data, async ({ store, where }) => {
      const blobs = createFileBlobStore(join(resolve(options.data), 'blobs'));
      const report = await pruneRuns(store, blobs, {
        workspaceId: (await targetWorkspace(store, options.workspace)).id,
        now: Date.now(),
        dryRun: options.dryRun === true,
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else if (report.runDays === null) {
        process.stdout.write(
          `${where}: finished runs are kept for ever (set a retention with atom retention --days N)\n`,
        );
      } else {
        const verb = report.dryRun ? 'would delete' : 'deleted';
        const blobs = report.dryRun ? '' : `, ${report.blobs} blobs`;
        process.stdout.write(
          `${where}: ${verb} ${report.runs} runs ended before ${new Date(report.finishedBefore ?? 0).toISOString()} (${report.runDays} days), ${report.steps} steps, ${report.events} events${blobs}\n`,
        );
      }
      return ExitCode.ok;
    }),
  );
}

export async function retentionCommand(options: {
  data: string;
  days?: string;
  forever?: boolean;
  workspace?: string;
}): Promise<number> {
  return reported(async () => {
    if (options.days !== undefined && options.forever) {
      throw new AtomError('ATOM_ERR_CLI_USAGE', 'give --days N or --forever, not both');
    }
    const days = options.days === undefined ? undefined : Number(options.days);
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 36_500)) {
      throw new AtomError(
        'ATOM_ERR_CLI_USAGE',
        `--days ${options.days}: expected a whole number of days from 1 to 36500`,
      );
    }
    return usingStore(options.data, async ({ store, where }) => {
      const { id: workspaceId, slug } = await targetWorkspace(store, options.workspace);
      if (days !== undefined || options.forever) {
        const runDays = days ?? null;
        await store.putRetention({ workspaceId, runDays, updatedAt: Date.now() });
        await new AuditLog(store, Date.now).append(workspaceId, SYSTEM_ACTOR, NO_SOURCE, {
          action: 'settings.retention',
          target: { type: 'workspace', id: workspaceId, name: null },
          data: { runDays, via: 'cli' },
        });
      }
      const runDays = (await store.getRetention(workspaceId))?.runDays ?? null;
      const kept = runDays === null ? 'for ever' : `${runDays} days after they end`;
      process.stdout.write(`${where}, workspace ${slug}: finished runs are kept ${kept}\n`);
      return ExitCode.ok;
    });
  });
}
