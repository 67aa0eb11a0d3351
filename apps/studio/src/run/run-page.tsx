/**
 * One run, live: the workflow's graph (the version the run is pinned to) coloured by step state as
 * events arrive on the stream, each step's input, output, error and attempts, a timing waterfall,
 * and the controls: cancel, replay (from a chosen step), approve or reject a waiting approval.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { get, post } from '../api/client';
import { openStream, type StreamState } from '../api/stream';
import type { RunDetail, RunEvent, StepState } from '../api/types';
import { stepsOf } from '../editor/workflow-model';
import { GraphView } from '../graph/graph-view';
import { Link, navigate } from '../router';
import type { PageProps } from '../routes';
import { useRoleAtLeast } from '../session';
import { ProblemText } from '../shell/problem-text';
import { TableHead } from '../shell/table-head';
import { applyEvents, inStartOrder, runStatusAfter, statusById, TERMINAL_RUN } from './step-status';
import { formatMs, Waterfall } from './waterfall';

export default function RunPage({ params }: PageProps) {
  const id = params.id ?? '';
  const canOperate = useRoleAtLeast('operator');
  const [run, setRun] = useState<RunDetail | null>(null);
  const [document, setDocument] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [stream, setStream] = useState<{ state: StreamState; detail?: string }>({ state: 'connecting' });
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState(false);
  const [comment, setComment] = useState('');
  const refetch = useRef<ReturnType<typeof setTimeout> | null>(null);
  const shown = useRef(false);
  const loads = useRef(0);
  const latest = useRef<Promise<RunDetail | null> | null>(null);

  // A refetch that fails once the run is on screen (its server restarting, say) keeps what is shown:
  // the stream goes on colouring it, and the next event or reconnect fetches again. Only the
  // answer to the latest request is used, so an older, slower one never takes the page back.
  const load = useCallback((): Promise<RunDetail | null> => {
    const mine = ++loads.current;
    const request = (async () => {
      try {
        const detail = await get<RunDetail>(`/api/v1/runs/${encodeURIComponent(id)}`);
        if (mine !== loads.current) return latest.current;
        shown.current = true;
        setRun(detail);
        return detail;
      } catch (caught) {
        if (mine !== loads.current) return latest.current;
        if (!shown.current) setError(caught);
        return null;
      }
    })();
    latest.current = request;
    return request;
  }, [id]);

  useEffect(() => {
    let cancelled = false;
    shown.current = false;
    void load().then(async (detail) => {
      if (!detail || cancelled) return;
      const version = await get<{ document: Record<string, unknown> }>(
        `/api/v1/workflows/${encodeURIComponent(detail.workflow.id)}/versions/${detail.workflow.version}`,
      ).catch(() => null);
      if (!cancelled) setDocument(version?.document ?? null);
    });
    return () => {
      cancelled = true;
    };
  }, [load]);

  // Live: colours change with each event at once; inputs, outputs and timings follow by a refetch.
  useEffect(() => {
    let subscribedBefore = false;
    const close = openStream({
      subscription: { run: id },
      after: 0,
      onEvents(events: RunEvent[]) {
        setRun((current) =>
          current
            ? { ...current, status: runStatusAfter(current.status, events), steps: applyEvents(current.steps, events) }
            : current,
        );
        if (!refetch.current) {
          refetch.current = setTimeout(() => {
            refetch.current = null;
            void load();
          }, 250);
        }
      },
      // Events after the cursor were pruned: what is shown may be stale, so read it all again.
      onReset: () => void load(),
      onState: (state, detail) => {
        setStream(detail === undefined ? { state } : { state, detail });
        if (state !== 'live') return;
        // Subscribed again after a break: inputs, outputs and timings may have moved meanwhile.
        if (subscribedBefore && shown.current) void load();
        subscribedBefore = true;
      },
    });
    return () => {
      close();
      if (refetch.current) clearTimeout(refetch.current);
      refetch.current = null;
    };
  }, [id, load]);

  const live = run !== null && !TERMINAL_RUN.has(run.status);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [live]);

  const steps = useMemo(() => (document ? stepsOf(document) : []), [document]);
  const states = useMemo(() => statusById(run?.steps ?? []), [run]);
  const ordered = useMemo(() => inStartOrder(run?.steps ?? []), [run]);
  const selected: StepState | null = run?.steps.find((s) => s.key === selectedKey) ?? null;
  const selectStepId = useCallback(
    (stepId: string | null) => {
      if (stepId === null) return;
      const match = run?.steps.find((s) => s.key === stepId) ?? run?.steps.find((s) => s.stepId === stepId);
      setSelectedKey(match?.key ?? null);
    },
    [run],
  );

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setActionError(null);
    try {
      await what();
    } catch (caught) {
      setActionError(caught);
    } finally {
      setBusy(false);
    }
  };
  const replay = (fromStep?: string) =>
    act(async () => {
      const next = await post<{ id: string }>(
        `/api/v1/runs/${encodeURIComponent(id)}/replay`,
        fromStep ? { fromStep } : {},
      );
      navigate(`/runs/${next.id}`);
    });
  const decide = (step: StepState, decision: 'approve' | 'reject') =>
    act(async () => {
      await post(
        `/api/v1/runs/${encodeURIComponent(id)}/steps/${encodeURIComponent(step.key)}/${decision}`,
        comment ? { comment } : {},
      );
      setComment('');
      await load();
    });

  if (error) {
    return (
      <main className="page">
        <h1>Run</h1>
        <ProblemText error={error} />
      </main>
    );
  }
  if (!run) return <main className="page" aria-busy="true" />;

  const approval =
    selected && selected.status === 'waiting' && (selected.wait as { kind?: string } | null)?.kind === 'approval';
  const total =
    run.startedAt !== null ? (run.finishedAt ? Date.parse(run.finishedAt) : now) - Date.parse(run.startedAt) : null;

  return (
    <main className="run-page">
      <div className="editor-bar">
        <h1>
          Run of <Link to={`/workflows/${encodeURIComponent(run.workflow.name)}`}>{run.workflow.name}</Link>{' '}
          <span className="badge">v{run.workflow.version}</span>{' '}
          <span className="status" data-status={run.status} data-testid="run-status">
            {run.status}
          </span>
        </h1>
        <div className="row">
          <span className="hint mono">{run.id}</span>
          {total !== null && <span className="hint">{formatMs(total)}</span>}
          <output className={`stream-state stream-${stream.state}`} aria-live="polite" title={stream.detail}>
            {stream.state === 'live'
              ? '● live'
              : stream.state === 'reconnecting'
                ? '○ reconnecting…'
                : stream.state === 'closed'
                  ? '○ stream closed'
                  : '○ connecting…'}
          </output>
          {canOperate && live && (
            <button
              type="button"
              className="button danger"
              disabled={busy}
              onClick={() => act(async () => void (await post(`/api/v1/runs/${encodeURIComponent(id)}/cancel`)))}
            >
              Cancel run
            </button>
          )}
          {canOperate && !live && (
            <button type="button" className="button" disabled={busy} onClick={() => void replay()}>
              Replay run
            </button>
          )}
        </div>
      </div>
      <ProblemText error={actionError} />
      {run.parentRunId && (
        <p className="banner">
          Started by run <Link to={`/runs/${run.parentRunId}`}>{run.parentRunId}</Link>
        </p>
      )}
      <div className="editor-body">
        <GraphView
          label="Run graph"
          steps={steps}
          positions={{}}
          statusByStep={states}
          selected={selected?.stepId ?? null}
          onSelect={selectStepId}
          editable={false}
        />
        <aside className="side" aria-label="Steps">
          <div className="panel">
            <h2>Steps</h2>
            <table className="table compact">
              <TableHead columns={['Step', 'State', 'Attempt', 'Duration']} />
              <tbody>
                {ordered.map((step) => (
                  <tr key={step.key} data-step={step.key} data-selected={step.key === selectedKey ? 'true' : undefined}>
                    <th scope="row">
                      <button type="button" className="link" onClick={() => setSelectedKey(step.key)}>
                        {step.key}
                      </button>
                    </th>
                    <td>
                      <span className="status" data-status={step.status}>
                        {step.status}
                      </span>
                    </td>
                    <td>{step.attempt}</td>
                    <td className="mono">{step.durationMs !== null ? formatMs(step.durationMs) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {selected && (
              <section className="step-detail" aria-label={`Step ${selected.key}`}>
                <h2>
                  {selected.key}{' '}
                  <span className="status" data-status={selected.status}>
                    {selected.status}
                  </span>
                </h2>
                <p className="hint">
                  {selected.kind} · attempt {selected.attempt}
                  {selected.startedAt && ` · started ${new Date(selected.startedAt).toLocaleTimeString()}`}
                  {selected.durationMs !== null && ` · ${formatMs(selected.durationMs)}`}
                </p>
                {canOperate && (
                  <button type="button" className="button" disabled={busy} onClick={() => void replay(selected.stepId)}>
                    Replay from {selected.stepId}
                  </button>
                )}
                {approval && canOperate && (
                  <div className="approval">
                    <p>{(selected.wait as { message?: string }).message ?? 'This step waits for an approval.'}</p>
                    <label htmlFor="approval-comment">Comment</label>
                    <input
                      id="approval-comment"
                      type="text"
                      value={comment}
                      onChange={(e) => setComment(e.target.value)}
                    />
                    <div className="row">
                      <button
                        type="button"
                        className="button primary"
                        disabled={busy}
                        onClick={() => void decide(selected, 'approve')}
                      >
                        Approve
                      </button>
                      <button
                        type="button"
                        className="button danger"
                        disabled={busy}
                        onClick={() => void decide(selected, 'reject')}
                      >
                        Reject
                      </button>
                    </div>
                  </div>
                )}
                <Json label="Input" value={selected.input} />
                <Json label="Output" value={selected.output} />
                {selected.error !== null && <Json label="Error" value={selected.error} />}
                {selected.wait !== null && <Json label="Waiting for" value={selected.wait} />}
              </section>
            )}
            <h2>Timing</h2>
            <Waterfall
              steps={ordered}
              runStart={run.startedAt}
              runEnd={run.finishedAt}
              now={now}
              selected={selectedKey}
              onSelect={setSelectedKey}
            />
            {run.error !== null && <Json label="Run error" value={run.error} />}
            <Json label="Run inputs" value={run.inputs} />
            {run.outputs !== null && <Json label="Run outputs" value={run.outputs} />}
          </div>
        </aside>
      </div>
    </main>
  );
}

function Json({ label, value }: { label: string; value: unknown }) {
  return (
    <>
      <h3>{label}</h3>
      <pre>{value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)}</pre>
    </>
  );
}
