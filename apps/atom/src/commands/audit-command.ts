/**
 * `atom audit verify [--workspace W]`: walks the audit log's hash chain and reports every row that
 * was edited, deleted, inserted or moved. Exit 0 when the chain is whole, 1 when it is not.
 */
import { AuditLog } from '@atom/server';
import { targetWorkspace } from '../runtime/target-workspace.js';
import { reported, usingStore } from './command-frame.js';
import { ExitCode } from './exit-codes.js';

export async function auditVerifyCommand(options: { data: string; workspace?: string }): Promise<number> {
  return reported(() =>
    usingStore(options.data, async ({ store, where }) => {
      const { id, slug: workspace } = await targetWorkspace(store, options.workspace);
      const report = await new AuditLog(store, Date.now).verify(id);
      for (const problem of report.problems) {
        process.stdout.write(`seq ${problem.seq ?? '?'}: ${problem.kind}: ${problem.message}\n`);
      }
      if (report.problemCount > report.problems.length) {
        process.stdout.write(`… and ${report.problemCount - report.problems.length} more problems\n`);
      }
      const verdict = report.ok
        ? 'the chain is whole'
        : `${report.problemCount} problem(s); last good entry ${report.lastGoodSeq}`;
      process.stdout.write(`${where}, workspace ${workspace}: ${report.entries} entries, ${verdict}\n`);
      return report.ok ? ExitCode.ok : ExitCode.failed;
    }),
  );
}
