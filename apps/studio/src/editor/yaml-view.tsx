/**
 * The workflow as YAML (CodeMirror 6). Typing here changes the graph; graph and form edits are
 * pushed in as one transaction that keeps the cursor where it was when possible. Validation
 * problems are shown inline at their line and column, and listed under the editor.
 */
import { yaml } from '@codemirror/lang-yaml';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { ErrorDetail } from './validate';

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--surface)', color: 'var(--text)', height: '100%' },
  '.cm-content': { caretColor: 'var(--text)', fontFamily: "ui-monospace, 'DejaVu Sans Mono', monospace" },
  '.cm-gutters': { backgroundColor: 'var(--surface-2)', color: 'var(--muted)', border: 'none' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 8%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 14%, transparent)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 30%, transparent) !important',
  },
});

export default function YamlView({
  text,
  onChange,
  problems,
}: {
  text: string;
  onChange(text: string): void;
  problems: ErrorDetail[];
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const pushing = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is created once; later texts arrive below
  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      doc: text,
      parent: host.current,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        theme,
        EditorView.contentAttributes.of({ 'aria-label': 'Workflow YAML' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !pushing.current) onChangeRef.current(update.state.doc.toString());
        }),
      ],
    });
    // The scrolling box must be reachable from the keyboard too (axe: scrollable-region-focusable).
    editor.scrollDOM.tabIndex = 0;
    editor.scrollDOM.setAttribute('aria-label', 'Workflow YAML, scrollable');
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === text) return;
    const head = Math.min(editor.state.selection.main.head, text.length);
    pushing.current = true;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text }, selection: { anchor: head } });
    pushing.current = false;
  }, [text]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const doc = editor.state.doc;
    const diagnostics: Diagnostic[] = problems.map((problem) => {
      let from = 0;
      if (problem.line !== undefined && problem.line >= 1 && problem.line <= doc.lines) {
        const line = doc.line(problem.line);
        from = Math.min(line.from + Math.max((problem.column ?? 1) - 1, 0), line.to);
        const to = Math.max(from, line.to);
        return { from, to, severity: 'error', message: withPath(problem) };
      }
      return { from, to: Math.min(doc.length, 1), severity: 'error', message: withPath(problem) };
    });
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [problems]);

  return <div className="yaml-view" ref={host} />;
}

const withPath = (problem: ErrorDetail) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message);
