/**
 * Secrets (names only: a value goes in through a password field and is never shown again, the API
 * never returns it) and variables (names and values), each set or deleted.
 */
import { type FormEvent, useState } from 'react';
import { request } from '../api/client';
import { useRoleAtLeast } from '../session';
import { ProblemText } from '../shell/problem-text';
import { change, useList, when } from './use-list';

const NAME_PATTERN = '[A-Za-z_][A-Za-z0-9_]*';

function ValueForm({
  kind,
  secret,
  onSave,
}: {
  kind: string;
  secret: boolean;
  onSave: (name: string, value: string) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onSave(name, value).then(() => {
      setName('');
      setValue('');
    });
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Set a ${kind}`}>
      <label>
        Name
        <input required pattern={NAME_PATTERN} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Value
        <input
          type={secret ? 'password' : 'text'}
          autoComplete="off"
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <button type="submit" className="button primary">
        Set {kind}
      </button>
    </form>
  );
}

interface Secret {
  name: string;
  createdAt: string;
  updatedAt: string;
}

interface Variable {
  name: string;
  value: string;
  updatedAt: string;
}

export function SecretsSection() {
  const canSetSecrets = useRoleAtLeast('admin');
  const canSetVariables = useRoleAtLeast('editor');
  const secrets = useList<Secret>('/api/v1/secrets');
  const variables = useList<Variable>('/api/v1/variables');
  const put = (path: string, value: string, list: typeof secrets | typeof variables) =>
    change(() => request(path, { method: 'PUT', body: { value } }), list.reload, list.setError);
  const remove = (path: string, list: typeof secrets | typeof variables) =>
    change(() => request(path, { method: 'DELETE' }), list.reload, list.setError);
  return (
    <section aria-labelledby="secrets-title">
      <h2 id="secrets-title">Secrets</h2>
      <p className="hint">
        Read in workflows as <code>{'{{ $secrets.NAME }}'}</code>. Values are encrypted and never shown after they are
        set.
      </p>
      {canSetSecrets && (
        <ValueForm kind="secret" secret onSave={(name, value) => put(`/api/v1/secrets/${name}`, value, secrets)} />
      )}
      <ProblemText error={secrets.error} />
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            <th scope="col">Updated</th>
            {canSetSecrets && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {(secrets.items ?? []).map((s) => (
            <tr key={s.name}>
              <td className="mono">{s.name}</td>
              <td aria-label="hidden">••••••</td>
              <td>{when(s.updatedAt)}</td>
              {canSetSecrets && (
                <td>
                  <button
                    type="button"
                    className="button small danger"
                    aria-label={`Delete secret ${s.name}`}
                    onClick={() => void remove(`/api/v1/secrets/${s.name}`, secrets)}
                  >
                    Delete
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id="variables-title">Variables</h2>
      <p className="hint">
        Read in workflows as <code>{'{{ $vars.NAME }}'}</code>.
      </p>
      {canSetVariables && (
        <ValueForm
          kind="variable"
          secret={false}
          onSave={(name, value) => put(`/api/v1/variables/${name}`, value, variables)}
        />
      )}
      <ProblemText error={variables.error} />
      <table className="table" aria-labelledby="variables-title">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            <th scope="col">Updated</th>
            {canSetVariables && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {(variables.items ?? []).map((v) => (
            <tr key={v.name}>
              <td className="mono">{v.name}</td>
              <td className="mono">{v.value}</td>
              <td>{when(v.updatedAt)}</td>
              {canSetVariables && (
                <td>
                  <button
                    type="button"
                    className="button small danger"
                    aria-label={`Delete variable ${v.name}`}
                    onClick={() => void remove(`/api/v1/variables/${v.name}`, variables)}
                  >
                    Delete
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
