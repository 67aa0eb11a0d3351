/**
 * The workflow editor: the graph (React Flow), the selected step's form, the YAML view and the
 * version history, all over one YAML text. Every edit is validated as you type by the server's
 * validator and kept as a local draft until it is saved as a new version (If-Match: the version
 * it started from, so a concurrent save is never overwritten unawares). Ctrl/⌘+S saves.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, get, request } from '../api/client';
import type { NodeType } from '../api/types';
import { GraphView } from '../graph/graph-view';
import { Link, navigate } from '../router';
import type { PageProps } from '../routes';
import { useRoleAtLeast } from '../session';
import { ProblemText } from '../shell/problem-text';
import { clearDraft, loadDraft, loadPositions, saveDraft, savePositions } from './drafts';
import { HistoryPanel } from './history-panel';
import { RunDialog } from './run-dialog';
import { StepForm } from './step-form';
import { catalogOf, type ErrorDetail, validateText } from './validate';
import { WorkflowForm } from './workflow-form';
import {
  addStep,
  connect,
  deleteSteps,
  disconnect,
  newWorkflowText,
  parseWorkflow,
  stepIndexOfPath,
} from './workflow-model';

type Tab = 'step' | 'yaml' | 'history';

// CodeMirror is the largest part of the editor: loaded when the YAML view is first opened.
const YamlView = lazy(() => import('./yaml-view'));

interface Loaded {
  /** The text of the saved version (null for a new workflow). */
  savedText: string | null;
  version: number | null;
  text: string;
  restored: { baseVersion: number | null; savedAt: number } | null;
}

const versionOf = (etag: string | null) => (etag ? Number(etag.replace(/[^0-9]/g, '')) : null);

export default function EditorPage({ params }: PageProps) {
  const name = params.name ?? null;
  const draftKey = name ?? 'new';
  const canWrite = useRoleAtLeast('editor');
  const canRun = useRoleAtLeast('operator');
  const [nodes, setNodes] = useState<NodeType[] | null>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [savedText, setSavedText] = useState<string | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('step');
  const [yamlOpened, setYamlOpened] = useState(false);
  const [problems, setProblems] = useState<ErrorDetail[]>([]);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [addType, setAddType] = useState('log');
  const [positions, setPositions] = useState<Record<string, { x: number; y: number }>>(() => loadPositions(draftKey));

  const load = useCallback(async () => {
    try {
      const list = await get<{ items: NodeType[] }>('/api/v1/nodes');
      setNodes(list.items);
      let server: { text: string; version: number } | null = null;
      if (name) {
        const answer = await request<string>(`/api/v1/workflows/${encodeURIComponent(name)}?format=yaml`, {
          headers: { accept: 'application/yaml' },
        });
        server = { text: String(answer.data), version: versionOf(answer.headers.get('etag')) ?? 1 };
      }
      const draft = loadDraft(draftKey);
      const base = server?.text ?? newWorkflowText('my-workflow');
      const useDraft = draft !== null && draft.text !== base;
      const next: Loaded = {
        savedText: server?.text ?? null,
        version: server?.version ?? null,
        text: useDraft ? draft.text : base,
        restored: useDraft ? { baseVersion: draft.baseVersion, savedAt: draft.savedAt } : null,
      };
      performance.mark('atom:editor-loaded');
      setLoaded(next);
      setText(next.text);
      setSavedText(next.savedText);
      setVersion(next.version);
    } catch (error) {
      setLoadError(error);
    }
  }, [name, draftKey]);
  useEffect(() => {
    void load();
  }, [load]);

  const parsed = useMemo(() => parseWorkflow(text), [text]);
  const catalog = useMemo(() => (nodes ? catalogOf(nodes) : null), [nodes]);
  useEffect(() => {
    if (!catalog || !loaded) return;
    const timer = setTimeout(() => setProblems(validateText(text, catalog)), 150);
    return () => clearTimeout(timer);
  }, [text, catalog, loaded]);

  const dirty = savedText === null ? true : text !== savedText;

  // Every change is a draft at once; a text equal to the saved version is no draft.
  const change = useCallback(
    (next: string) => {
      setText(next);
      setNotice(null);
      if (savedText !== null && next === savedText) clearDraft(draftKey);
      else saveDraft(draftKey, { text: next, baseVersion: version, savedAt: Date.now() });
    },
    [savedText, draftKey, version],
  );
  const apply = useCallback((edit: (text: string) => string) => change(edit(text)), [change, text]);

  const save = useCallback(
    async (overVersion?: number) => {
      if (!canWrite || saving) return;
      setSaving(true);
      setSaveError(null);
      try {
        if (name === null) {
          const answer = await request<{ name: string; version: number }>('/api/v1/workflows', {
            method: 'POST',
            raw: { body: text, type: 'application/yaml' },
          });
          clearDraft('new');
          savePositions(answer.data.name, positions);
          navigate(`/workflows/${encodeURIComponent(answer.data.name)}`, { replace: true });
          return;
        }
        const answer = await request<{ version: number; created: boolean }>(
          `/api/v1/workflows/${encodeURIComponent(name)}`,
          {
            method: 'PUT',
            raw: { body: text, type: 'application/yaml' },
            headers: { 'if-match': `"${overVersion ?? version}"` },
          },
        );
        clearDraft(draftKey);
        setSavedText(text);
        setVersion(answer.data.version);
        setConflict(null);
        setLoaded((old) => (old ? { ...old, restored: null } : old));
        setNotice(
          answer.data.created
            ? `Saved as version ${answer.data.version}.`
            : 'No change: the text is the same as the current version.',
        );
      } catch (error) {
        if (error instanceof ApiError && error.code === 'ATOM_ERR_WORKFLOW_VERSION_CONFLICT' && name) {
          const current = await request(`/api/v1/workflows/${encodeURIComponent(name)}`);
          setConflict(versionOf(current.headers.get('etag')));
        }
        setSaveError(error);
      } finally {
        setSaving(false);
      }
    },
    [canWrite, saving, name, text, version, draftKey, positions],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === 's') {
        event.preventDefault();
        void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);

  const problemsByStep = useMemo(() => {
    const counts = new Map<string, number>();
    for (const problem of problems) {
      const index = stepIndexOfPath(problem.path);
      const step = index === null ? undefined : parsed.steps[index];
      if (step) counts.set(step.id, (counts.get(step.id) ?? 0) + 1);
    }
    return counts;
  }, [problems, parsed.steps]);

  const changePositions = useCallback(
    (next: Record<string, { x: number; y: number }>) => {
      setPositions(next);
      savePositions(draftKey, next);
    },
    [draftKey],
  );
  const onReady = useCallback(() => {
    performance.mark('atom:editor-graph-ready');
  }, []);

  if (loadError) {
    return (
      <main className="page">
        <h1>{name ?? 'New workflow'}</h1>
        <ProblemText error={loadError} />
        <Link to="/workflows">Back to workflows</Link>
      </main>
    );
  }
  if (!loaded || !nodes) return <main className="page" aria-busy="true" />;

  const selectedStep = parsed.steps.find((s) => s.id === selected) ?? null;
  const readOnly = !canWrite;
  const title = name ?? (typeof parsed.value?.name === 'string' ? parsed.value.name : 'New workflow');

  return (
    <main className="editor">
      <div className="editor-bar">
        <h1>
          {title}
          {version !== null && <span className="badge">v{version}</span>}
          {dirty && savedText !== null && <span className="badge unsaved">unsaved</span>}
          {name === null && <span className="badge unsaved">new</span>}
        </h1>
        {!readOnly && (
          <div className="row">
            <label htmlFor="add-type" className="visually-hidden">
              Node type of the new step
            </label>
            <select id="add-type" value={addType} onChange={(e) => setAddType(e.target.value)}>
              {nodes.map((n) => (
                <option key={n.type} value={n.type}>
                  {n.type}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button"
              disabled={parsed.doc === null}
              onClick={() => {
                const node = nodes.find((n) => n.type === addType);
                const required = Array.isArray(node?.inputSchema.required)
                  ? (node.inputSchema.required as string[])
                  : [];
                const added = addStep(text, addType, {
                  after: selectedStep?.id ?? null,
                  with: Object.fromEntries(required.map((key) => [key, ''])),
                });
                change(added.text);
                setSelected(added.id);
                setTab('step');
              }}
            >
              {selectedStep ? `Add step after ${selectedStep.id}` : 'Add step'}
            </button>
          </div>
        )}
        <div className="row">
          <output className={problems.length > 0 ? 'validity invalid' : 'validity'} aria-live="polite">
            {parsed.syntaxError
              ? 'YAML syntax error'
              : problems.length > 0
                ? `${problems.length} problem${problems.length === 1 ? '' : 's'}`
                : 'Valid'}
          </output>
          {!readOnly && (
            <button
              type="button"
              className="button primary"
              disabled={saving || (!dirty && name !== null)}
              onClick={() => void save()}
              aria-keyshortcuts="Control+S"
            >
              {saving ? 'Saving…' : name === null ? 'Create workflow' : 'Save version'}
            </button>
          )}
          {canRun && name !== null && version !== null && (
            <button type="button" className="button" onClick={() => setRunning(true)}>
              Run v{version}
            </button>
          )}
        </div>
      </div>
      {loaded.restored && (
        <div className="banner" role="status">
          Restored your unsaved changes from {new Date(loaded.restored.savedAt).toLocaleString()}
          {loaded.restored.baseVersion !== null && version !== null && loaded.restored.baseVersion < version
            ? ` (made on v${loaded.restored.baseVersion}; the workflow is now at v${version})`
            : ''}
          .{' '}
          <button
            type="button"
            className="button small"
            onClick={() => {
              clearDraft(draftKey);
              const base = savedText ?? newWorkflowText('my-workflow');
              setText(base);
              setLoaded({ ...loaded, restored: null });
            }}
          >
            Discard them
          </button>
        </div>
      )}
      {notice && (
        <div className="banner ok" role="status">
          {notice}
        </div>
      )}
      {(saveError !== null || conflict !== null) && (
        <div className="banner error">
          <ProblemText error={saveError} />
          {conflict !== null && (
            <p>
              Someone saved version {conflict} since you started from v{version}. Your changes are kept in this draft.{' '}
              <button type="button" className="button small" onClick={() => void save(conflict)}>
                Save mine over v{conflict}
              </button>{' '}
              <button
                type="button"
                className="button small"
                onClick={() => {
                  clearDraft(draftKey);
                  setConflict(null);
                  setSaveError(null);
                  void load();
                }}
              >
                Load v{conflict} (drop mine)
              </button>
            </p>
          )}
        </div>
      )}
      <div className="editor-body">
        <GraphView
          label="Workflow graph"
          steps={parsed.steps}
          positions={positions}
          onPositions={changePositions}
          problemsByStep={problemsByStep}
          selected={selected}
          onSelect={setSelected}
          editable={!readOnly && parsed.doc !== null}
          onConnect={(source, target) => change(connect(text, source, target))}
          onDisconnect={(pairs) => change(pairs.reduce((t, p) => disconnect(t, p.source, p.target), text))}
          onDelete={(ids) => {
            change(deleteSteps(text, ids));
            if (selected && ids.includes(selected)) setSelected(null);
          }}
          onReady={onReady}
        />
        <aside className="side" aria-label="Details">
          <div role="tablist" aria-label="Editor panels" className="tabs">
            {(['step', 'yaml', 'history'] as const).map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                id={`tab-${t}`}
                aria-selected={tab === t}
                aria-controls={`panel-${t}`}
                className="tab"
                disabled={t === 'history' && name === null}
                onClick={() => {
                  setTab(t);
                  if (t === 'yaml') setYamlOpened(true);
                }}
              >
                {t === 'step'
                  ? selectedStep
                    ? `Step ${selectedStep.id}`
                    : 'Workflow'
                  : t === 'yaml'
                    ? 'YAML'
                    : 'History'}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="panel-step" aria-labelledby="tab-step" hidden={tab !== 'step'} className="panel">
            <div className="field">
              <label htmlFor="pick-step">Selected step</label>
              <select id="pick-step" value={selected ?? ''} onChange={(e) => setSelected(e.target.value || null)}>
                <option value="">— the workflow —</option>
                {parsed.steps.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.id}
                    {s.uses ? ` (${s.uses})` : ''}
                  </option>
                ))}
              </select>
            </div>
            {parsed.syntaxError ? (
              <p className="problem" role="alert">
                The YAML does not parse ({parsed.syntaxError}); fix it in the YAML view.
              </p>
            ) : selectedStep ? (
              <StepForm
                key={selectedStep.index}
                step={selectedStep}
                steps={parsed.steps}
                nodes={nodes}
                problems={problems}
                readOnly={readOnly}
                apply={apply}
                onRenamed={(_from, to) => setSelected(to)}
                onDelete={() => {
                  change(deleteSteps(text, [selectedStep.id]));
                  setSelected(null);
                }}
              />
            ) : (
              <WorkflowForm value={parsed.value ?? {}} saved={name !== null} problems={problems} apply={apply} />
            )}
          </div>
          <div
            role="tabpanel"
            id="panel-yaml"
            aria-labelledby="tab-yaml"
            hidden={tab !== 'yaml'}
            className="panel yaml-panel"
          >
            {yamlOpened && (
              <Suspense fallback={<p aria-busy="true">Loading the YAML editor…</p>}>
                <YamlView text={text} onChange={change} problems={problems} />
              </Suspense>
            )}
            {problems.length > 0 && (
              <ul className="problem-list" aria-label="Problems">
                {problems.map((problem) => (
                  <li key={`${problem.path}:${problem.message}:${problem.line ?? ''}`}>
                    {problem.line !== undefined && (
                      <span className="mono">
                        {problem.line}:{problem.column ?? 1}{' '}
                      </span>
                    )}
                    <code>{problem.path}</code> {problem.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
          {name !== null && version !== null && (
            <div
              role="tabpanel"
              id="panel-history"
              aria-labelledby="tab-history"
              hidden={tab !== 'history'}
              className="panel"
            >
              {tab === 'history' && (
                <HistoryPanel
                  name={name}
                  current={version}
                  dirty={dirty}
                  onRolledBack={(to, stored) => {
                    const message = `Rolled back to v${to}: its document is now version ${stored}.`;
                    void load().then(() => setNotice(message));
                  }}
                />
              )}
            </div>
          )}
        </aside>
      </div>
      {running && name !== null && version !== null && (
        <RunDialog
          name={name}
          version={version}
          inputsSchema={parsed.value?.inputs}
          onClose={() => setRunning(false)}
        />
      )}
    </main>
  );
}
