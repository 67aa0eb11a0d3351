/**
 * The dashboard: GET /api/v1/stats every 10 seconds for the chosen window — runs per minute,
 * success rate, p50/p95 step duration, the slowest node types — and the queue depth and workers,
 * whose history the page keeps itself while it is open (the server keeps none; ADR 0014).
 */
import { useEffect, useRef, useState } from 'react';
import { get } from '../api/client';
import { ProblemText } from '../shell/problem-text';
import '../data-pages.css';
import { BarChart, LineChart } from './charts';

const POLL_MS = 10_000;
const WINDOWS = [15, 60, 360, 1440];
const SAMPLES = 360;

export interface DashboardStats {
  window: { from: string; to: string; minutes: number };
  runsPerMinute: { at: string; started: number; succeeded: number; failed: number; cancelled: number }[];
  runs: { started: number; succeeded: number; failed: number; cancelled: number; successRate: number | null };
  stepDuration: { count: number; p50Ms: number | null; p95Ms: number | null; maxMs: number | null };
  slowestNodeTypes: { nodeType: string; count: number; failed: number; p50Ms: number | null; p95Ms: number | null }[];
  active: { queued: number; running: number; waiting: number };
  queue: { depth: number; running: number; waiting: number; oldestDueAgeSeconds: number };
  workers: { total: number; alive: number };
}

interface Sample {
  at: string;
  depth: number;
  alive: number;
}

export const formatMs = (ms: number | null) =>
  ms === null ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);
const clock = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

function Tile({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="tile">
      <div className="hint">{label}</div>
      <div className="value">{value}</div>
      {hint && <div className="hint">{hint}</div>}
    </div>
  );
}

export default function DashboardPage() {
  const [minutes, setMinutes] = useState(60);
  const [stats, setStats] = useState<DashboardStats | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [samples, setSamples] = useState<Sample[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    let stopped = false;
    const controller = new AbortController();
    const poll = async () => {
      try {
        const next = await get<DashboardStats>(`/api/v1/stats?minutes=${minutes}`, controller.signal);
        if (stopped) return;
        setStats(next);
        setError(null);
        setSamples((old) =>
          [...old, { at: next.window.to, depth: next.queue.depth, alive: next.workers.alive }].slice(-SAMPLES),
        );
      } catch (caught) {
        if (!stopped && (caught as Error).name !== 'AbortError') setError(caught);
      }
      if (!stopped) timer.current = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer.current);
    };
  }, [minutes]);

  const buckets = stats?.runsPerMinute ?? [];
  const labels = buckets.map((b) => clock(b.at));
  return (
    <main className="page">
      <div className="page-head">
        <h1>Dashboard</h1>
        <label>
          Window{' '}
          <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {WINDOWS.map((m) => (
              <option key={m} value={m}>
                {m < 60 ? `${m} minutes` : m === 60 ? '1 hour' : `${m / 60} hours`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ProblemText error={error} />
      {stats === null ? (
        !error && <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <section className="tiles" aria-label="Figures">
            <Tile
              label="Runs started"
              value={stats.runs.started.toLocaleString()}
              hint={`${(stats.runs.started / stats.window.minutes).toFixed(1)} per minute`}
            />
            <Tile
              label="Success rate"
              value={percent(stats.runs.successRate)}
              hint={`${stats.runs.succeeded} succeeded, ${stats.runs.failed} failed, ${stats.runs.cancelled} cancelled`}
            />
            <Tile
              label="Step duration p50"
              value={formatMs(stats.stepDuration.p50Ms)}
              hint={`${stats.stepDuration.count} steps`}
            />
            <Tile label="Step duration p95" value={formatMs(stats.stepDuration.p95Ms)} />
            <Tile
              label="Queue depth"
              value={String(stats.queue.depth)}
              hint={`oldest waits ${stats.queue.oldestDueAgeSeconds.toFixed(1)} s`}
            />
            <Tile label="Workers alive" value={`${stats.workers.alive} / ${stats.workers.total}`} />
            <Tile
              label="Active runs"
              value={String(stats.active.queued + stats.active.running + stats.active.waiting)}
              hint={`${stats.active.running} running, ${stats.active.waiting} waiting, ${stats.active.queued} queued`}
            />
          </section>
          <div className="charts">
            <LineChart
              title="Runs per minute"
              labels={labels}
              series={[
                { name: 'started', className: 'series-started', values: buckets.map((b) => b.started) },
                { name: 'succeeded', className: 'series-succeeded', values: buckets.map((b) => b.succeeded) },
                { name: 'failed', className: 'series-failed', values: buckets.map((b) => b.failed) },
              ]}
            />
            <LineChart
              title="Success rate per minute"
              labels={labels}
              format={(n) => `${Math.round(n * 100)}%`}
              series={[
                {
                  name: 'success rate',
                  className: 'series-succeeded',
                  values: buckets.map((b) =>
                    b.succeeded + b.failed === 0 ? null : b.succeeded / (b.succeeded + b.failed),
                  ),
                },
              ]}
            />
            <BarChart
              title="Slowest node types (p95)"
              format={formatMs}
              bars={stats.slowestNodeTypes.map((t) => ({
                label: t.nodeType,
                value: t.p95Ms ?? 0,
                detail: `${t.count} steps, ${t.failed} failed, p50 ${formatMs(t.p50Ms)}`,
              }))}
            />
            <LineChart
              title="Queue depth and workers (since this page opened)"
              labels={samples.map((s) => clock(s.at))}
              series={[
                { name: 'queue depth', className: 'series-started', values: samples.map((s) => s.depth) },
                { name: 'workers alive', className: 'series-succeeded', values: samples.map((s) => s.alive) },
              ]}
            />
          </div>
        </>
      )}
    </main>
  );
}
