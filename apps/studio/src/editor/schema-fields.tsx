/**
 * A form generated from a node's input JSON Schema: text for strings, a list for enums, yes/no for
 * booleans, numbers (or an expression) for numbers, JSON for objects, arrays and anything else. A
 * schema without properties (a free-form `with`) is edited as one JSON value. Every field accepts
 * a `{{ expression }}`.
 */
import { useEffect, useState } from 'react';
import type { ErrorDetail } from './validate';

type Schema = Record<string, unknown>;

interface Props {
  idPrefix: string;
  schema: Schema | undefined;
  value: Record<string, unknown>;
  /** Problems of this step's `with`, paths relative to it (`url`, `headers.accept`). */
  problems: ErrorDetail[];
  onField(key: string, value: unknown): void;
  onWhole(value: Record<string, unknown> | undefined): void;
}

export function SchemaFields({ idPrefix, schema, value, problems, onField, onWhole }: Props) {
  const properties = (schema?.properties ?? null) as Record<string, Schema> | null;
  if (!properties || Object.keys(properties).length === 0) {
    return (
      <JsonField
        id={`${idPrefix}-with`}
        label="with (JSON)"
        hint="The node's inputs, as a JSON object; strings may hold {{ expressions }}."
        value={Object.keys(value).length === 0 ? undefined : value}
        problems={problems}
        onValue={(v) => onWhole(v as Record<string, unknown> | undefined)}
      />
    );
  }
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  return (
    <>
      {Object.entries(properties).map(([key, property]) => (
        <Field
          key={key}
          id={`${idPrefix}-with-${key}`}
          name={key}
          schema={property}
          required={required.has(key)}
          value={value[key]}
          problems={problems.filter(
            (p) => p.path === key || p.path.startsWith(`${key}.`) || p.path.startsWith(`${key}[`),
          )}
          onValue={(v) => onField(key, v)}
        />
      ))}
    </>
  );
}

interface FieldProps {
  id: string;
  name: string;
  schema: Schema;
  required: boolean;
  value: unknown;
  problems: ErrorDetail[];
  onValue(value: unknown): void;
}

/** The kind of control: a plain type, or `string` for a choice of types that includes a string (`'1s' | 1000`). */
const typeOf = (schema: Schema): string | null => {
  const type = schema.type;
  if (typeof type === 'string') return type;
  const choices = Array.isArray(type)
    ? type
    : Array.isArray(schema.anyOf ?? schema.oneOf)
      ? ((schema.anyOf ?? schema.oneOf) as Schema[]).map((option) => option.type)
      : [];
  const scalar = choices.filter((t) => t !== 'null');
  if (scalar.includes('string') && scalar.every((t) => t === 'string' || t === 'number' || t === 'integer')) {
    return scalar.length === 1 ? 'string' : 'string-or-number';
  }
  return null;
};

function Field({ id, name, schema, required, value, problems, onValue }: FieldProps) {
  const hint = typeof schema.description === 'string' ? schema.description : null;
  const label = (
    <label htmlFor={id}>
      {name}
      {required && <span aria-hidden="true"> *</span>}
      {required && <span className="visually-hidden"> (required)</span>}
    </label>
  );
  const described = [hint ? `${id}-hint` : null, problems.length > 0 ? `${id}-problems` : null]
    .filter(Boolean)
    .join(' ');
  const aria = {
    'aria-describedby': described || undefined,
    'aria-invalid': problems.length > 0 ? true : undefined,
  };
  const type = typeOf(schema);
  let control: React.ReactNode;
  if (Array.isArray(schema.enum)) {
    const options = schema.enum as unknown[];
    control = (
      <select
        id={id}
        {...aria}
        value={value === undefined ? '' : JSON.stringify(value)}
        onChange={(e) => onValue(e.target.value === '' ? undefined : JSON.parse(e.target.value))}
      >
        <option value="">{schema.default !== undefined ? `default (${String(schema.default)})` : '—'}</option>
        {options.map((option) => (
          <option key={JSON.stringify(option)} value={JSON.stringify(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else if (type === 'string') {
    control = (
      <input
        id={id}
        type="text"
        {...aria}
        value={typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)}
        onChange={(e) => onValue(e.target.value === '' && !required ? undefined : e.target.value)}
      />
    );
  } else if (type === 'number' || type === 'integer' || type === 'string-or-number') {
    control = (
      <input
        id={id}
        type="text"
        inputMode="decimal"
        {...aria}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => {
          const text = e.target.value.trim();
          if (text === '') onValue(undefined);
          else if (/^-?\d+(\.\d+)?$/.test(text)) onValue(Number(text));
          else onValue(e.target.value); // an expression
        }}
      />
    );
  } else if (type === 'boolean') {
    control = (
      <select
        id={id}
        {...aria}
        value={value === undefined ? '' : String(value)}
        onChange={(e) =>
          onValue(
            e.target.value === ''
              ? undefined
              : e.target.value === 'true'
                ? true
                : e.target.value === 'false'
                  ? false
                  : e.target.value,
          )
        }
      >
        <option value="">{schema.default !== undefined ? `default (${String(schema.default)})` : '—'}</option>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    );
  } else {
    return (
      <JsonField
        id={id}
        label={`${name}${required ? ' *' : ''} (JSON)`}
        hint={hint}
        value={value}
        problems={problems}
        onValue={onValue}
      />
    );
  }
  return (
    <div className="field">
      {label}
      {control}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <Problems id={`${id}-problems`} problems={problems} />
    </div>
  );
}

/** A JSON value in a text area; applied whenever the text parses, kept as typed while it does not. */
export function JsonField({
  id,
  label,
  hint,
  value,
  problems,
  onValue,
}: {
  id: string;
  label: string;
  hint: string | null;
  value: unknown;
  problems: ErrorDetail[];
  onValue(value: unknown): void;
}) {
  const printed = value === undefined ? '' : JSON.stringify(value, null, 2);
  const [text, setText] = useState(printed);
  const [bad, setBad] = useState(false);
  // A change from elsewhere (the YAML view) replaces the text, unless it is what we typed.
  useEffect(() => {
    setText((current) => {
      try {
        if (current.trim() !== '' && JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {}
      return printed;
    });
    setBad(false);
  }, [printed, value]);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={Math.min(10, Math.max(3, text.split('\n').length))}
        spellCheck={false}
        aria-invalid={bad || problems.length > 0 ? true : undefined}
        aria-describedby={`${id}-hint ${id}-problems`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setBad(false);
            onValue(undefined);
            return;
          }
          try {
            onValue(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      <p id={`${id}-hint`} className="hint">
        {bad ? 'Not valid JSON yet; the last valid value is kept.' : (hint ?? '')}
      </p>
      <Problems id={`${id}-problems`} problems={problems} />
    </div>
  );
}

export function Problems({ id, problems }: { id: string; problems: ErrorDetail[] }) {
  if (problems.length === 0) return <span id={id} hidden />;
  return (
    <ul id={id} className="field-problems">
      {problems.map((problem) => (
        <li key={`${problem.path}:${problem.message}`}>{problem.message}</li>
      ))}
    </ul>
  );
}
