/** The email and password form shared by first-run setup and login. */
import { type FormEvent, useId, useState } from 'react';
import { ProblemText } from '../shell/problem-text';

interface Props {
  submitLabel: string;
  busyLabel: string;
  newPassword: boolean;
  onSubmit(email: string, password: string): Promise<void>;
}

export function CredentialsForm({ submitLabel, busyLabel, newPassword, onSubmit }: Props) {
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(email, password);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  return (
    <form className="stack" onSubmit={submit}>
      <label htmlFor={`${id}-email`}>Email</label>
      <input
        id={`${id}-email`}
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <label htmlFor={`${id}-password`}>Password</label>
      <input
        id={`${id}-password`}
        type="password"
        autoComplete={newPassword ? 'new-password' : 'current-password'}
        required
        minLength={newPassword ? 8 : 1}
        aria-describedby={newPassword ? `${id}-hint` : undefined}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {newPassword && (
        <p id={`${id}-hint`} className="hint">
          At least 8 characters.
        </p>
      )}
      <ProblemText error={error} />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? busyLabel : submitLabel}
      </button>
    </form>
  );
}
