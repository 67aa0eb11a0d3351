/** The workflow's own fields, shown when no step is selected: name (fixed once saved), description, run inputs. */
import { JsonField, Problems } from './schema-fields';
import type { ErrorDetail } from './validate';
import { setWorkflowField } from './workflow-model';

export function WorkflowForm({
  value,
  saved,
  problems,
  apply,
}: {
  value: Record<string, unknown>;
  saved: boolean;
  problems: ErrorDetail[];
  apply(change: (text: string) => string): void;
}) {
  const at = (path: string) => problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`));
  return (
    <form className="form" onSubmit={(e) => e.preventDefault()} aria-label="Workflow">
      <div className="field">
        <label htmlFor="workflow-name">Workflow name</label>
        <input
          id="workflow-name"
          type="text"
          readOnly={saved}
          aria-describedby="workflow-name-hint"
          value={typeof value.name === 'string' ? value.name : ''}
          onChange={(e) => apply((text) => setWorkflowField(text, 'name', e.target.value))}
        />
        <p id="workflow-name-hint" className="hint">
          {saved ? 'A saved workflow keeps its name.' : 'Lower-case letters, digits and -; unique.'}
        </p>
        <Problems id="workflow-name-problems" problems={at('name')} />
      </div>
      <div className="field">
        <label htmlFor="workflow-description">Description</label>
        <input
          id="workflow-description"
          type="text"
          value={typeof value.description === 'string' ? value.description : ''}
          onChange={(e) =>
            apply((text) => setWorkflowField(text, 'description', e.target.value === '' ? undefined : e.target.value))
          }
        />
      </div>
      <JsonField
        id="workflow-inputs"
        label="Run inputs (JSON Schema)"
        hint='What a run takes, e.g. { "type": "object", "properties": { "repo": { "type": "string" } } }'
        value={value.inputs}
        problems={at('inputs')}
        onValue={(v) => apply((text) => setWorkflowField(text, 'inputs', v))}
      />
      <Problems id="workflow-problems" problems={problems.filter((p) => !/^(steps\[|name|inputs)/.test(p.path))} />
    </form>
  );
}
