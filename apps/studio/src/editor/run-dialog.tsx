/** Start a run of the saved version with inputs (JSON, prefilled from the workflow's `inputs` schema). */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { post } from '../api/client';
import { navigate } from '../router';
import { ProblemText } from '../shell/problem-text';

function sampleInputs(schema: unknown): Record<string, unknown> {
  const properties = (schema as { properties?: Record<string, { type?: string; default?: unknown }> } | null)
    ?.properties;
  const sample: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties ?? {})) {
    sample[key] =
      property.default ??
      (property.type === 'number' || property.type === 'integer'
        ? 0
        : property.type === 'boolean'
          ? false
          : property.type === 'object'
            ? {}
            : property.type === 'array'
              ? []
              : '');
  }
  return sample;
}

export function RunDialog({
  name,
  version,
  inputsSchema,
  onClose,
}: {
  name: string;
  version: number;
  inputsSchema: unknown;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState(() => JSON.stringify(sampleInputs(inputsSchema), null, 2));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const start = async (event: FormEvent) => {
    event.preventDefault();
    let inputs: unknown;
    try {
      inputs = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      setError(new Error('the inputs are not valid JSON'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const run = await post<{ id: string }>(`/api/v1/workflows/${encodeURIComponent(name)}/runs`, { inputs, version });
      onClose();
      navigate(`/runs/${run.id}`);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="run-dialog-title" onClose={onClose}>
      <form onSubmit={start} className="stack">
        <h2 id="run-dialog-title">
          Run {name} v{version}
        </h2>
        <label htmlFor="run-inputs">Inputs (JSON)</label>
        <textarea id="run-inputs" rows={8} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
        <ProblemText error={error} />
        <div className="row">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Starting…' : 'Start run'}
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
