/**
 * Version history: every saved version, newest first; the changes between any version and the
 * current one (steps matched by id, from the server's diff); and rollback, which stores the old
 * document as a new version (nothing is ever overwritten).
 */
import { useCallback, useEffect, useState } from 'react';
import { get, request } from '../api/client';
import type { DiffChange, VersionItem } from '../api/types';
import { ProblemText } from '../shell/problem-text';

interface Props {
  name: string;
  current: number;
  dirty: boolean;
  /** `to`: the old version rolled back to; `stored`: the new current version holding its document. */
  onRolledBack(to: number, stored: number): void;
}

export function HistoryPanel({ name, current, dirty, onRolledBack }: Props) {
  const [versions, setVersions] = useState<VersionItem[] | null>(null);
  const [compare, setCompare] = useState<number | null>(null);
  const [changes, setChanges] = useState<DiffChange[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/v1/workflows/${encodeURIComponent(name)}`;

  const load = useCallback(async () => {
    try {
      setVersions((await get<{ items: VersionItem[] }>(`${base}/versions`)).items);
    } catch (caught) {
      setError(caught);
    }
  }, [base]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when a save makes a new current version
  useEffect(() => {
    void load();
  }, [load, current]);

  const showDiff = async (version: number) => {
    setCompare(version);
    setChanges(null);
    try {
      const diff = await get<{ changes: DiffChange[] }>(`${base}/diff?from=${version}&to=${current}`);
      setChanges(diff.changes);
    } catch (caught) {
      setError(caught);
    }
  };

  const rollback = async (version: number) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await request<{ version: number }>(`${base}/rollback`, {
        method: 'POST',
        body: { version },
        headers: { 'if-match': `"${current}"` },
      });
      onRolledBack(version, answer.data.version);
      setCompare(null);
      setChanges(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="history" aria-label="Version history">
      <ProblemText error={error} />
      {dirty && <p className="hint">Save or discard your changes to roll back.</p>}
      {versions === null ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <ol className="versions">
          {versions.map((item) => (
            <li key={item.version} data-version={item.version}>
              <div>
                <strong>v{item.version}</strong>
                {item.version === current && <span className="badge">current</span>}{' '}
                <span className="hint">{new Date(item.createdAt).toLocaleString()}</span>
              </div>
              {item.version !== current && (
                <div className="row">
                  <button type="button" className="button small" onClick={() => void showDiff(item.version)}>
                    Changes since v{item.version}
                  </button>
                  <button
                    type="button"
                    className="button small"
                    disabled={dirty || busy}
                    onClick={() => void rollback(item.version)}
                  >
                    Roll back to v{item.version}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      {compare !== null && (
        <div className="diff" aria-live="polite">
          <h3>
            v{compare} → v{current}
          </h3>
          {changes === null ? (
            <p aria-busy="true">Comparing…</p>
          ) : changes.length === 0 ? (
            <p>No changes.</p>
          ) : (
            <ul>
              {changes.map((change) => (
                <li key={`${change.kind}:${change.path}`} className={`change change-${change.kind}`}>
                  <code>{change.path}</code> <span className="badge">{change.kind}</span>
                  {change.before !== undefined && (
                    <pre className="before">− {JSON.stringify(change.before, null, 1)}</pre>
                  )}
                  {change.after !== undefined && <pre className="after">+ {JSON.stringify(change.after, null, 1)}</pre>}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
