/** When each step ran, on one time axis from the run's start: queued time faint, running time solid. */
import type { StepState } from '../api/types';

const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);

const ENDED = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

export function Waterfall({
  steps,
  runStart,
  runEnd,
  now,
  selected,
  onSelect,
}: {
  steps: StepState[];
  runStart: string | null;
  /** When the run ended (the end of a step that ended without a recorded finish). */
  runEnd: string | null;
  now: number;
  selected: string | null;
  onSelect(key: string): void;
}) {
  const start = ms(runStart) ?? Math.min(...steps.map((s) => ms(s.startedAt) ?? now));
  const timed = steps.filter((s) => s.startedAt !== null);
  const endOf = (s: StepState) => ms(s.finishedAt) ?? (ENDED.has(s.status) ? (ms(runEnd) ?? now) : now);
  const end = Math.max(start + 1, ...timed.map(endOf));
  const span = end - start;
  if (timed.length === 0) return <p className="hint">No step has started yet.</p>;
  return (
    <table className="waterfall" aria-label="Timing waterfall">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Duration</th>
          <th scope="col">
            <span className="visually-hidden">Timeline</span>
            <span aria-hidden="true">0 → {formatMs(span)}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {timed.map((step) => {
          const from = (ms(step.startedAt) ?? start) - start;
          const to = endOf(step) - start;
          return (
            <tr key={step.key} data-selected={selected === step.key ? 'true' : undefined}>
              <th scope="row">
                <button type="button" className="link" onClick={() => onSelect(step.key)}>
                  {step.key}
                </button>
              </th>
              <td className="mono">
                {step.durationMs !== null ? formatMs(step.durationMs) : ENDED.has(step.status) ? '—' : step.status}
              </td>
              <td className="bar-cell">
                <span
                  className="bar"
                  data-status={step.status}
                  style={{ left: `${(from / span) * 100}%`, width: `max(2px, ${((to - from) / span) * 100}%)` }}
                  title={`${step.key}: ${formatMs(from)} → ${formatMs(to)}`}
                />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function formatMs(value: number): string {
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(value / 60_000)} min ${Math.round((value % 60_000) / 1000)} s`;
}
