/**
 * `atom stats [--minutes 60] [--json]`: the dashboard's figures (GET /api/v1/stats) read straight
 * from the data folder or DATABASE_URL, for a terminal or a script. Exit 0, or 2 on a bad flag.
 */
import { AtomError } from '@atom/errors';
import { type DashboardStats, dashboardStats } from '@atom/server';
import { readConfig } from '../runtime/env-config.js';
import { reported, usingStore } from './command-frame.js';
import { ExitCode } from './exit-codes.js';

export interface StatsOptions {
  data: string;
  minutes: string;
  json?: boolean;
}

const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)} ms`);

/** The figures as a few aligned lines. */
export function formatStats(stats: DashboardStats): string {
  const { runs, stepDuration, queue, workers, active } = stats;
  const rate = runs.successRate === null ? '-' : `${(runs.successRate * 100).toFixed(1)}%`;
  const perMinute = (runs.started / stats.window.minutes).toFixed(1);
  const lines = [
    `last ${stats.window.minutes} min (${stats.window.from} to ${stats.window.to})`,
    `runs       ${runs.started} started (${perMinute}/min), ${runs.succeeded} succeeded, ${runs.failed} failed, ${runs.cancelled} cancelled; success rate ${rate}`,
    `active     ${active.queued} queued, ${active.running} running, ${active.waiting} waiting`,
    `steps      ${stepDuration.count} ended; p50 ${ms(stepDuration.p50Ms)}, p95 ${ms(stepDuration.p95Ms)}, max ${ms(stepDuration.maxMs)}`,
    `queue      depth ${queue.depth} (${queue.ready} ready, ${queue.retrying} retrying), ${queue.running} running, ${queue.waiting} waiting; oldest due ${queue.oldestDueAgeSeconds.toFixed(1)} s`,
    `workers    ${workers.alive} alive of ${workers.total}`,
  ];
  if (stats.slowestNodeTypes.length > 0) {
    lines.push('slowest node types (p95):');
    for (const t of stats.slowestNodeTypes) {
      lines.push(`  ${t.nodeType.padEnd(24)} ${ms(t.p95Ms).padStart(10)}  ${t.count} steps, ${t.failed} failed`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function statsCommand(options: StatsOptions): Promise<number> {
  return reported(async () => {
    const minutes = Number(options.minutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      throw new AtomError(
        'ATOM_ERR_CLI_USAGE',
        `--minutes must be a whole number from 1 to 1440, not ${options.minutes}`,
      );
    }
    const config = readConfig();
    return usingStore(
      options.data,
      async ({ store }) => {
        const stats = await dashboardStats(store, store, {
          now: Date.now(),
          minutes,
          workerStaleMs: config.workerDeadAfterMs,
        });
        process.stdout.write(options.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
        return ExitCode.ok;
      },
      config,
    );
  });
}
