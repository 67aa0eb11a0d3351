/**
 * The workspace you act in (ADR 0015): its name and slug, renaming it (owners and admins), and a new
 * workspace of your own (you become its owner, and the Studio switches to it). Switching between
 * workspaces is the top bar's menu.
 */
import { type FormEvent, useState } from 'react';
import { post, request } from '../api/client';
import { useRoleAtLeast, useSession } from '../session';
import { ProblemText } from '../shell/problem-text';
import { change } from './use-list';

export function WorkspacesSection() {
  const { state, refresh, switchWorkspace } = useSession();
  const admin = useRoleAtLeast('admin');
  const current = state.status === 'signed-in' ? state.workspaces.find((w) => w.slug === state.workspace) : undefined;
  const [name, setName] = useState(current?.name ?? '');
  const [slug, setSlug] = useState('');
  const [newName, setNewName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const rename = (event: FormEvent) => {
    event.preventDefault();
    void change(() => request('/api/v1/workspace', { method: 'PATCH', body: { name } }), refresh, setError);
  };
  const create = (event: FormEvent) => {
    event.preventDefault();
    void change(
      () => post('/api/v1/workspaces', { slug, ...(newName.trim() ? { name: newName } : {}) }),
      () => switchWorkspace(slug),
      setError,
    );
  };
  return (
    <section aria-labelledby="workspace-title">
      <h2 id="workspace-title">Workspace</h2>
      <ProblemText error={error} />
      {current && (
        <p>
          You are in <strong>{current.name}</strong> (<code>{current.slug}</code>) as {current.role}. Its webhooks are
          at <code>{current.slug === 'default' ? '/hooks/…' : `/hooks/@${current.slug}/…`}</code>.
        </p>
      )}
      {admin && (
        <form className="inline-form" onSubmit={rename}>
          <label>
            Workspace name
            <input required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" className="button">
            Rename
          </button>
        </form>
      )}
      <h3>New workspace</h3>
      <form className="inline-form" onSubmit={create}>
        <label>
          Slug
          <input
            required
            pattern="[a-z0-9][a-z0-9\-]{0,62}"
            title="lower-case letters, digits and dashes"
            value={slug}
            onChange={(e) => setSlug(e.target.value)}
          />
        </label>
        <label>
          Display name
          <input value={newName} onChange={(e) => setNewName(e.target.value)} />
        </label>
        <button type="submit" className="button primary">
          Create workspace
        </button>
      </form>
    </section>
  );
}
