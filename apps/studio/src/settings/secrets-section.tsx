/**
 * Secrets (names only: a value goes in through a password field and is never shown again, the API
 * never returns it) and variables (names and values), each set or deleted.
 */
import { type FormEvent, useState } from 'react';
import { request } from '../api/client';
import { useRoleAtLeast } from '../session';
import { ProblemText } from '../shell/problem-text';
import { RowAction, SimpleTable } from './simple-table';
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

/** Names (and values, for variables) with a delete button each when the role may change them. */
function ValueTable({
  kind,
  items,
  canEdit,
  onDelete,
}: {
  kind: 'secret' | 'variable';
  items: { name: string; value?: string; updatedAt: string }[];
  canEdit: boolean;
  onDelete: (name: string) => void;
}) {
  return (
    <SimpleTable
      columns={['Name', 'Value', 'Updated', ...(canEdit ? ['Actions'] : [])]}
      rows={items.map((item) => ({
        key: item.name,
        cells: [
          <span key="n" className="mono">
            {item.name}
          </span>,
          kind === 'secret' ? (
            <span key="v" title="never shown after it is set">
              ••••••
            </span>
          ) : (
            <span key="v" className="mono">
              {item.value}
            </span>
          ),
          when(item.updatedAt),
          ...(canEdit
            ? [
                <RowAction
                  key="d"
                  text="Delete"
                  label={`Delete ${kind} ${item.name}`}
                  danger
                  onClick={() => onDelete(item.name)}
                />,
              ]
            : []),
        ],
      }))}
    />
  );
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
      <ValueTable
        kind="secret"
        items={secrets.items ?? []}
        canEdit={canSetSecrets}
        onDelete={(name) => void remove(`/api/v1/secrets/${name}`, secrets)}
      />

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
      <ValueTable
        kind="variable"
        items={variables.items ?? []}
        canEdit={canSetVariables}
        onDelete={(name) => void remove(`/api/v1/variables/${name}`, variables)}
      />
    </section>
  );
}
