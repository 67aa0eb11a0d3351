/** The workflows: search by name (debounced, on the server), paged by cursor, each opening the editor. */
import { useEffect, useState } from 'react';
import { get } from '../api/client';
import type { WorkflowSummary } from '../api/types';
import { Link } from '../router';
import { useRoleAtLeast } from '../session';
import { ProblemText } from '../shell/problem-text';
import { TableHead } from '../shell/table-head';

interface Page {
  items: WorkflowSummary[];
  nextCursor: string | null;
}

export default function WorkflowsPage() {
  const canWrite = useRoleAtLeast('editor');
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<WorkflowSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const query = new URLSearchParams({ limit: '50', ...(search ? { search } : {}) });
      get<Page>(`/api/v1/workflows?${query}`, controller.signal)
        .then((page) => {
          setItems(page.items);
          setCursor(page.nextCursor);
          setError(null);
        })
        .catch((caught: unknown) => {
          if ((caught as Error).name !== 'AbortError') setError(caught);
        });
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [search]);

  const more = async () => {
    if (!cursor) return;
    const query = new URLSearchParams({ limit: '50', cursor, ...(search ? { search } : {}) });
    const page = await get<Page>(`/api/v1/workflows?${query}`);
    setItems((old) => [...(old ?? []), ...page.items]);
    setCursor(page.nextCursor);
  };

  return (
    <main className="page">
      <div className="page-head">
        <h1>Workflows</h1>
        {canWrite && (
          <Link to="/workflows/new" className="button primary">
            New workflow
          </Link>
        )}
      </div>
      <div className="toolbar">
        <label htmlFor="workflow-search" className="visually-hidden">
          Search workflows
        </label>
        <input
          id="workflow-search"
          type="search"
          placeholder="Search by name"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <ProblemText error={error} />
      {items === null ? (
        <p aria-busy="true">Loading…</p>
      ) : items.length === 0 ? (
        <p>{search ? `No workflow matches “${search}”.` : 'No workflows yet.'}</p>
      ) : (
        <table className="table">
          <TableHead columns={['Name', 'Version', 'Description', 'Updated']} />
          <tbody>
            {items.map((workflow) => (
              <tr key={workflow.id}>
                <td>
                  <Link to={`/workflows/${encodeURIComponent(workflow.name)}`}>{workflow.name}</Link>
                </td>
                <td>v{workflow.version}</td>
                <td>{workflow.description ?? ''}</td>
                <td>{workflow.updatedAt ? new Date(workflow.updatedAt).toLocaleString() : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" className="button" onClick={() => void more()}>
          Load more
        </button>
      )}
    </main>
  );
}
