/** The tier, its effective limits and usage (admins change the tier), and the audit log with export. */
import { useCallback, useEffect, useState } from 'react';
import { get, request } from '../api/client';
import { useRoleAtLeast } from '../session';
import { ProblemText } from '../shell/problem-text';
import { TableHead } from '../shell/table-head';
import { change } from './use-list';

const TIERS = ['free', 'pro', 'enterprise'];

interface Limits {
  tier: string;
  limits: { requestsPerMinute: number | null; burst: number | null; concurrentRuns: number | null };
  usage: { activeRuns: number };
  degraded: boolean;
}

const limit = (n: number | null) => (n === null ? 'unlimited' : n.toLocaleString());

export function TierSection() {
  const admin = useRoleAtLeast('admin');
  const [limits, setLimits] = useState<Limits | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      setLimits(await get<Limits>('/api/v1/workspace/limits'));
    } catch (caught) {
      setError(caught);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const runs = limits?.limits.concurrentRuns ?? null;
  return (
    <section aria-labelledby="tier-title">
      <h2 id="tier-title">Tier and usage</h2>
      <ProblemText error={error} />
      {limits && (
        <>
          <p>
            Tier:{' '}
            {admin ? (
              <select
                aria-label="Tier"
                value={limits.tier}
                onChange={(e) =>
                  void change(
                    () => request('/api/v1/workspace/limits', { method: 'PUT', body: { tier: e.target.value } }),
                    reload,
                    setError,
                  )
                }
              >
                {TIERS.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            ) : (
              <strong>{limits.tier}</strong>
            )}
          </p>
          <table className="table">
            <tbody>
              <tr>
                <th scope="row">API requests per minute</th>
                <td>{limit(limits.limits.requestsPerMinute)}</td>
              </tr>
              <tr>
                <th scope="row">Burst</th>
                <td>{limit(limits.limits.burst)}</td>
              </tr>
              <tr>
                <th scope="row">Concurrent runs</th>
                <td>
                  <span data-testid="active-runs">{limits.usage.activeRuns}</span> active of {limit(runs)}{' '}
                  {runs !== null && (
                    <meter
                      className="meter"
                      min={0}
                      max={runs}
                      value={limits.usage.activeRuns}
                      aria-label="Concurrent runs used"
                    />
                  )}
                </td>
              </tr>
            </tbody>
          </table>
          {limits.degraded && <p className="hint">Rate-limit counters are per process: Redis is unreachable.</p>}
        </>
      )}
    </section>
  );
}

interface AuditItem {
  seq: number;
  at: string | number;
  actor: { kind?: string; id?: string; email?: string | null };
  action: string;
  target: { type: string; id?: string | null };
  source?: { ip?: string | null };
}

export function AuditSection() {
  const [action, setAction] = useState('');
  const [items, setItems] = useState<AuditItem[]>([]);
  const [next, setNext] = useState<number | null>(0);
  const [error, setError] = useState<unknown>(null);
  const query = (after: number) => {
    const q = new URLSearchParams({ limit: '100', after: String(after) });
    if (action.trim()) q.set('action', action.trim());
    return q;
  };
  const load = async (after: number, replace: boolean) => {
    try {
      const page = await get<{ items: AuditItem[]; nextAfter: number | null }>(`/api/v1/audit?${query(after)}`);
      setItems((old) => (replace ? page.items : [...old, ...page.items]));
      setNext(page.nextAfter);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once; the filter applies on submit
  useEffect(() => {
    void load(0, true);
  }, []);
  const exportQuery = new URLSearchParams(action.trim() ? { action: action.trim() } : {});
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void load(0, true);
        }}
      >
        <label>
          Action
          <input placeholder="workflow.* or secret.set" value={action} onChange={(e) => setAction(e.target.value)} />
        </label>
        <button type="submit" className="button">
          Filter
        </button>
        <a
          className="button"
          href={`/api/v1/audit?${new URLSearchParams({ ...Object.fromEntries(exportQuery), format: 'csv' })}`}
          download
        >
          Export CSV
        </a>
        <a
          className="button"
          href={`/api/v1/audit?${new URLSearchParams({ ...Object.fromEntries(exportQuery), format: 'jsonl' })}`}
          download
        >
          Export JSONL
        </a>
      </form>
      <ProblemText error={error} />
      <table className="table">
        <TableHead columns={['#', 'When', 'Who', 'Action', 'Target']} />
        <tbody>
          {items.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actor.email ?? e.actor.id ?? e.actor.kind}</td>
              <td className="mono">{e.action}</td>
              <td className="mono">
                {e.target.type}
                {e.target.id ? `:${e.target.id}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {next !== null && items.length > 0 && (
        <button type="button" className="button" onClick={() => void load(next, false)}>
          Load more
        </button>
      )}
    </section>
  );
}
