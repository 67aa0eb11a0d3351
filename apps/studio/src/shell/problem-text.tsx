/** An API error as people read it: its message, its code, and each field's problem. */
import { ApiError } from '../api/client';

export function ProblemText({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  return (
    <div className="problem" role="alert">
      <p>
        {(error as Error).message}
        {apiError?.code.startsWith('ATOM_ERR_') && <code className="code"> {apiError.code}</code>}
      </p>
      {apiError && apiError.details.length > 0 && (
        <ul>
          {apiError.details.map((detail) => (
            <li key={`${detail.path}:${detail.message}`}>
              {detail.path ? <code>{detail.path}</code> : null} {detail.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
