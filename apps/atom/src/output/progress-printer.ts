/**
 * Prints a run's progress as it happens, one line per step change, to a stream (stderr by
 * default, so stdout keeps only the result).
 */
import type { NewRunEvent } from '@atom/engine';
import type { ErrorRecord } from '@atom/errors';

export interface ProgressPrinter {
  onEvents(events: readonly NewRunEvent[]): void;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function createProgressPrinter(write: (line: string) => void): ProgressPrinter {
  const started = new Map<string, number>();
  /** `$compensate[0]` → the step it undoes. */
  const undoes = new Map<string, string>();
  return {
    onEvents(events) {
      for (const event of events) {
        const key = event.stepKey ?? '';
        const id = `${event.runId}/${key}`;
        const data = (event.data ?? {}) as {
          attempt?: number;
          delayMs?: number;
          error?: ErrorRecord;
          cached?: boolean;
          compensates?: string;
        };
        if (data.compensates) undoes.set(id, data.compensates);
        const label = undoes.has(id) ? `undo ${undoes.get(id)}` : key;
        switch (event.type) {
          case 'step.started':
            started.set(id, event.at);
            if ((data.attempt ?? 1) > 1) write(`  ▸ ${key} (attempt ${data.attempt})`);
            break;
          case 'step.succeeded': {
            const began = started.get(id);
            const took = began === undefined ? '' : `  ${seconds(event.at - began)}`;
            write(`  ${undoes.has(id) ? '↩' : '✓'} ${label}${took}${data.cached ? '  (cached)' : ''}`);
            break;
          }
          case 'step.failed':
            write(`  ✗ ${label}  ${data.error?.code ?? ''} ${data.error?.message ?? ''}`);
            break;
          case 'step.retrying':
            write(
              `  ↻ ${key}  attempt ${data.attempt} failed (${data.error?.code}: ${data.error?.message}); retry in ${seconds(data.delayMs ?? 0)}`,
            );
            break;
          case 'step.skipped':
            write(`  – ${key}  skipped`);
            break;
          case 'step.waiting':
            write(`  ⏸ ${key}  waiting`);
            break;
          case 'step.lease_expired':
            write(`  ! ${key}  its worker died; it runs again`);
            break;
          case 'run.compensating':
            write('  ⟲ compensating completed steps');
            break;
          case 'run.created':
            if ((event.data as { parentRunId?: string | null })?.parentRunId) write(`  ↳ child run ${event.runId}`);
            break;
          default:
            break;
        }
      }
    },
  };
}
