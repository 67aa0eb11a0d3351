/**
 * The runs: newest first, filtered on the server (status, workflow, creation time), paged by the
 * API's cursor as you scroll, and virtualised — only the rows on screen are in the DOM, so 100,000
 * loaded runs scroll as smoothly as 100. Each row opens the run. The applied filters live in the
 * URL (`/runs?status=failed&workflow=billing&from=<ISO>&to=<ISO>`), so a reload, Back or a shared
 * link shows the same list; times are instants, shown in the reader's local time.
 */
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { get } from '../api/client';
import { Link, navigate, useLocation } from '../router';
import { ProblemText } from '../shell/problem-text';
import { TableHead } from '../shell/table-head';
import '../data-pages.css';
import { useRowWindow } from './virtual-rows';

const STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
const ROW_HEIGHT = 36;
const PAGE = 200;

export interface RunSummary {
  id: string;
  workflow: { id: string; name: string; version: number };
  status: string;
  trigger: { kind: string };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface Filters {
  status: string;
  workflow: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { status: '', workflow: '', from: '', to: '' };

/** A `datetime-local` value (the browser's local time) as ISO with a zone, for the API and the URL. */
const isoOf = (local: string) => {
  const time = local === '' ? Number.NaN : new Date(local).getTime();
  return Number.isNaN(time) ? '' : new Date(time).toISOString();
};

/** An instant as a `datetime-local` value in the browser's time ('' when it is not a time). */
const localOf = (iso: string | null) => {
  const date = new Date(iso ?? '');
  if (iso === null || Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  const seconds = date.getSeconds() === 0 ? '' : `:${pad(date.getSeconds())}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}${seconds}`;
};

/** The filters a URL's query names (unknown statuses and bad times are left out). */
export function filtersOf(search: URLSearchParams): Filters {
  const status = search.get('status') ?? '';
  return {
    status: (STATUSES as readonly string[]).includes(status) ? status : '',
    workflow: search.get('workflow') ?? '',
    from: localOf(search.get('from')),
    to: localOf(search.get('to')),
  };
}

/** The runs page's URL for these filters: `/runs`, with a query only for those set. */
export function runsPath(filters: Filters): string {
  const query = new URLSearchParams();
  if (filters.status) query.set('status', filters.status);
  if (filters.workflow.trim()) query.set('workflow', filters.workflow.trim());
  if (isoOf(filters.from)) query.set('from', isoOf(filters.from));
  if (isoOf(filters.to)) query.set('to', isoOf(filters.to));
  const text = query.toString();
  return text ? `/runs?${text}` : '/runs';
}

export function runsQuery(filters: Filters, cursor: string | null): string {
  const query = new URLSearchParams(runsPath(filters).slice('/runs?'.length));
  query.set('limit', String(PAGE));
  if (cursor) query.set('cursor', cursor);
  return `/api/v1/runs?${query}`;
}

function duration(run: RunSummary): string {
  if (!run.startedAt) return '';
  const end = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
  const ms = end - Date.parse(run.startedAt);
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

export default function RunsPage() {
  const { search } = useLocation();
  const searchText = search.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query's text is what changes, not the object
  const filters = useMemo(() => filtersOf(search), [searchText]);
  const [draft, setDraft] = useState<Filters>(filters);
  // Back, Forward or a link changed the URL: the form shows what is applied.
  useEffect(() => setDraft(filters), [filters]);
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const scroller = useRef<HTMLElement>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (from: string | null, replace: boolean) => {
      const mine = ++generation.current;
      setLoading(true);
      try {
        const page = await get<{ items: RunSummary[]; nextCursor: string | null }>(runsQuery(filters, from));
        if (mine !== generation.current) return;
        setRuns((old) => (replace ? page.items : [...old, ...page.items]));
        setCursor(page.nextCursor);
        setDone(page.nextCursor === null);
        setError(null);
      } catch (caught) {
        if (mine === generation.current) setError(caught);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [filters],
  );

  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    setRuns([]);
    setDone(false);
    void load(null, true);
  }, [load]);

  const view = useRowWindow(scroller, ROW_HEIGHT, runs.length);
  // Fetch the next page while the last screenful is still ahead.
  useEffect(() => {
    if (!loading && !done && cursor && view.last >= runs.length - 40) void load(cursor, false);
  }, [view.last, runs.length, loading, done, cursor, load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(runsPath(draft));
  };
  const clear = () => {
    setDraft(EMPTY);
    navigate('/runs');
  };

  return (
    <main className="page">
      <div className="page-head">
        <h1>Runs</h1>
      </div>
      <form className="toolbar filters" onSubmit={apply} aria-label="Filter runs">
        <label>
          Status
          <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Workflow
          <input
            type="search"
            placeholder="name"
            value={draft.workflow}
            onChange={(e) => setDraft({ ...draft, workflow: e.target.value })}
          />
        </label>
        <label>
          Created from
          <input
            type="datetime-local"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </label>
        <label>
          to
          <input type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button type="submit" className="button primary">
          Apply
        </button>
        <button type="button" className="button ghost" onClick={clear}>
          Clear
        </button>
      </form>
      <ProblemText error={error} />
      <p className="hint" aria-live="polite" data-testid="runs-count" data-loaded={runs.length}>
        {runs.length === 0 && loading
          ? 'Loading…'
          : `${runs.length.toLocaleString()} run${runs.length === 1 ? '' : 's'} loaded${done ? '' : '; more load as you scroll'}`}
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling region must take focus to scroll from the keyboard */}
      <section className="virtual-scroll" ref={scroller} tabIndex={0} aria-label="Runs, newest first">
        <table className="table runs-table">
          <TableHead columns={['Status', 'Workflow', 'Run', 'Trigger', 'Created', 'Duration']} />
          <tbody>
            {view.before > 0 && <tr className="spacer" style={{ height: view.before }} />}
            {runs.slice(view.first, view.last).map((run) => (
              <tr key={run.id} style={{ height: ROW_HEIGHT }}>
                <td>
                  <span className="status" data-status={run.status}>
                    {run.status}
                  </span>
                </td>
                <td>
                  {run.workflow.name} <span className="hint">v{run.workflow.version}</span>
                </td>
                <td>
                  <Link to={`/runs/${encodeURIComponent(run.id)}`} className="mono">
                    {run.id}
                  </Link>
                </td>
                <td>{run.trigger.kind}</td>
                <td>{timeFormat.format(new Date(run.createdAt))}</td>
                <td>{duration(run)}</td>
              </tr>
            ))}
            {view.after > 0 && <tr className="spacer" style={{ height: view.after }} />}
          </tbody>
        </table>
        {!loading && runs.length === 0 && !error && <p className="empty">No run matches these filters.</p>}
      </section>
    </main>
  );
}
