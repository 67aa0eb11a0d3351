/**
 * Version history: every saved version, newest first; the changes between any version and the
 * current one — a line diff of their source texts when both have one (comments and layout show),
 * else the server's document diff (steps matched by id); and rollback, which stores the old
 * version's text and document as a new version (nothing is ever overwritten).
 */
import { useCallback, useEffect, useState } from 'react';
import { get, request } from '../api/client';
import type { DiffChange, VersionItem, WorkflowVersion } from '../api/types';
import { ProblemText } from '../shell/problem-text';
import { type DiffHunk, diffHunks, diffLines } from './text-diff';

/** What a comparison shows: the texts' line diff when both versions have a source, else the document diff. */
type Comparison = { kind: 'text'; hunks: DiffHunk[] } | { kind: 'document'; changes: DiffChange[] };

const MARK = { same: ' ', removed: '−', added: '+' } as const;

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
  const [changes, setChanges] = useState<Comparison | null>(null);
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
      const [from, to] = await Promise.all(
        [version, current].map((n) => get<WorkflowVersion>(`${base}/versions/${n}`)),
      );
      if (typeof from?.source === 'string' && typeof to?.source === 'string') {
        setChanges({ kind: 'text', hunks: diffHunks(diffLines(from.source, to.source)) });
        return;
      }
      const diff = await get<{ changes: DiffChange[] }>(`${base}/diff?from=${version}&to=${current}`);
      setChanges({ kind: 'document', changes: diff.changes });
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
          ) : changes.kind === 'text' ? (
            changes.hunks.length === 0 ? (
              <p>No changes.</p>
            ) : (
              <section className="text-diff" aria-label="Changed lines of the YAML">
                {changes.hunks.map((hunk) => (
                  <pre key={`${hunk.lines[0]?.kind}:${hunk.lines[0]?.line}`} className="hunk">
                    {hunk.lines.map((line) => (
                      <span key={`${line.kind}:${line.line}`} className={`line line-${line.kind}`}>
                        {MARK[line.kind]} {line.text}
                        {'\n'}
                      </span>
                    ))}
                  </pre>
                ))}
              </section>
            )
          ) : changes.changes.length === 0 ? (
            <p>No changes.</p>
          ) : (
            <ul>
              {changes.changes.map((change) => (
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
