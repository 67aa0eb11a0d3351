/**
 * The selected step as a form: id, node type, name, condition, needs (the keyboard way to connect
 * steps), error handling, and the node's inputs generated from its schema. Each change is an edit
 * of the YAML (workflow-model.ts), so the graph and the YAML view follow at once.
 */
import { useEffect, useState } from 'react';
import type { NodeType } from '../api/types';
import { JsonField, Problems, SchemaFields } from './schema-fields';
import type { ErrorDetail } from './validate';
import { renameStep, replaceNeeds, type StepView, setStepField } from './workflow-model';

const STEP_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Props {
  step: StepView;
  steps: StepView[];
  nodes: NodeType[];
  problems: ErrorDetail[];
  readOnly: boolean;
  apply(change: (text: string) => string): void;
  onRenamed(from: string, to: string): void;
  onDelete(): void;
}

export function StepForm({ step, steps, nodes, problems, readOnly, apply, onRenamed, onDelete }: Props) {
  const prefix = `steps[${step.index}]`;
  const mine = (field: string) => problems.filter((p) => p.path === `${prefix}.${field}`);
  const withProblems = problems
    .filter((p) => p.path === `${prefix}.with` || p.path.startsWith(`${prefix}.with.`))
    .map((p) => ({ ...p, path: p.path.slice(`${prefix}.with.`.length) }));
  const general = problems.filter(
    (p) => p.path === prefix || !/^steps\[\d+\]\.(id|uses|name|if|needs|onError|with)/.test(p.path),
  );
  const node = nodes.find((n) => n.type === step.uses);
  const set = (path: (string | number)[], value: unknown) => apply((text) => setStepField(text, step.id, path, value));
  const withValue = (step.raw.with && typeof step.raw.with === 'object' ? step.raw.with : {}) as Record<
    string,
    unknown
  >;
  const others = steps.filter((s) => s.id !== step.id);
  const id = `step-${step.index}`;

  return (
    <form className="form" onSubmit={(e) => e.preventDefault()} aria-label={`Step ${step.id}`}>
      <fieldset disabled={readOnly}>
        <legend className="visually-hidden">Step {step.id}</legend>
        <IdField
          key={step.id}
          id={`${id}-id`}
          value={step.id}
          taken={others.map((s) => s.id)}
          problems={mine('id')}
          onRename={(to) => {
            apply((text) => renameStep(text, step.id, to));
            onRenamed(step.id, to);
          }}
        />
        {step.groupSize === null && (
          <div className="field">
            <label htmlFor={`${id}-uses`}>Node type</label>
            <select id={`${id}-uses`} value={step.uses ?? ''} onChange={(e) => set(['uses'], e.target.value)}>
              {!node && <option value={step.uses ?? ''}>{step.uses ?? '—'}</option>}
              {nodes.map((n) => (
                <option key={n.type} value={n.type}>
                  {n.type} — {n.title}
                </option>
              ))}
            </select>
            {node && <p className="hint">{node.description}</p>}
            <Problems id={`${id}-uses-problems`} problems={mine('uses')} />
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            type="text"
            value={typeof step.raw.name === 'string' ? step.raw.name : ''}
            onChange={(e) => set(['name'], e.target.value === '' ? undefined : e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-if`}>Run only if</label>
          <input
            id={`${id}-if`}
            type="text"
            placeholder="{{ $steps.check.output.ok }}"
            aria-describedby={`${id}-if-hint`}
            value={typeof step.raw.if === 'string' ? step.raw.if : ''}
            onChange={(e) => set(['if'], e.target.value === '' ? undefined : e.target.value)}
          />
          <p id={`${id}-if-hint`} className="hint">
            An expression; when false the step is skipped (a branch).
          </p>
          <Problems id={`${id}-if-problems`} problems={mine('if')} />
        </div>
        <fieldset className="field needs">
          <legend>Waits for</legend>
          {others.length === 0 && <p className="hint">No other step yet.</p>}
          {others.map((other) => (
            <label key={other.id} className="check">
              <input
                type="checkbox"
                checked={step.needs.includes(other.id)}
                onChange={(e) => {
                  const next = e.target.checked ? [...step.needs, other.id] : step.needs.filter((n) => n !== other.id);
                  apply((text) => replaceNeeds(text, step.id, next));
                }}
              />
              {other.id}
            </label>
          ))}
          <p className="hint">
            {step.explicitNeeds
              ? 'Listed in needs.'
              : step.index === 0
                ? 'The first step starts the run.'
                : 'No needs: it runs after the step before it.'}
          </p>
          {step.explicitNeeds && (
            <button
              type="button"
              className="button small"
              onClick={() => apply((text) => replaceNeeds(text, step.id, null))}
            >
              Follow the order instead
            </button>
          )}
          <Problems id={`${id}-needs-problems`} problems={mine('needs')} />
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-onerror`}>On error</label>
          <select
            id={`${id}-onerror`}
            value={typeof step.raw.onError === 'string' ? step.raw.onError : ''}
            onChange={(e) => set(['onError'], e.target.value === '' ? undefined : e.target.value)}
          >
            <option value="">fail the run (default)</option>
            <option value="fail">fail the run</option>
            <option value="continue">continue</option>
          </select>
        </div>
        {step.groupSize === null && (
          <fieldset className="field inputs">
            <legend>Inputs{node ? ` of ${node.type}` : ''}</legend>
            <SchemaFields
              idPrefix={id}
              schema={node?.inputSchema}
              value={withValue}
              problems={withProblems}
              onField={(key, value) => set(['with', key], value)}
              onWhole={(value) => set(['with'], value ?? {})}
            />
          </fieldset>
        )}
        {step.groupSize !== null && (
          <JsonField
            id={`${id}-group`}
            label="Inner steps (edit them in the YAML view)"
            hint={null}
            value={step.raw.steps}
            problems={[]}
            onValue={() => {}}
          />
        )}
        <Problems id={`${id}-problems`} problems={general} />
        <button type="button" className="button danger" onClick={onDelete}>
          Delete step {step.id}
        </button>
      </fieldset>
    </form>
  );
}

function IdField({
  id,
  value,
  taken,
  problems,
  onRename,
}: {
  id: string;
  value: string;
  taken: string[];
  problems: ErrorDetail[];
  onRename(to: string): void;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const issue = !STEP_ID.test(text)
    ? 'letters, digits and _, not starting with a digit'
    : text !== value && taken.includes(text)
      ? 'another step has this id'
      : null;
  const commit = () => {
    if (text !== value && issue === null) onRename(text);
  };
  return (
    <div className="field">
      <label htmlFor={id}>Step id</label>
      <input
        id={id}
        type="text"
        value={text}
        aria-invalid={issue !== null || problems.length > 0 ? true : undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          }
        }}
      />
      <p id={`${id}-hint`} className={issue ? 'hint problem' : 'hint'}>
        {issue ?? 'Read in expressions as $steps.<id>; renamed when you leave the field.'}
      </p>
      <Problems id={`${id}-problems`} problems={problems} />
    </div>
  );
}
