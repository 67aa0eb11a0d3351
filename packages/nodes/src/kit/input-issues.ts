import type { InputIssue } from '@atom/engine';
import type { z } from 'zod';

type ZodIssue = z.core.$ZodIssue;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Formats a zod path the way users write it in `with`: `headers.accept`, `items[0].name`; keys that
 * would be ambiguous in dotted form are quoted: `query["a.b"]`.
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && PLAIN_KEY.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/** Maps zod issues to the engine's `{ path, message }` issues, one per unknown key. */
export function toInputIssues(issues: readonly ZodIssue[]): InputIssue[] {
  return issues.flatMap((issue): InputIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatIssuePath([...issue.path, key]), message: 'Unknown field' }));
    }
    return [{ path: formatIssuePath(issue.path), message: messageOf(issue) }];
  });
}

// zod says only "Invalid input" for a failed union. When the value had the right type for one
// branch, that branch's complaint is the useful one; when it had no accepted type at all, name the
// accepted types.
function messageOf(issue: ZodIssue): string {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue.message;
  const typeOnly = (branch: readonly ZodIssue[]) =>
    branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0;
  const relevant = issue.errors.filter((branch) => !typeOnly(branch));
  const [only] = relevant;
  if (relevant.length === 1 && only?.[0] && only[0].path.length === 0) return only[0].message;
  if (relevant.length > 0) return issue.message;
  const expected = issue.errors.map((branch) => (branch[0] as { expected?: string } | undefined)?.expected ?? '');
  return `Invalid input: expected ${[...new Set(expected)].join(' or ')}`;
}
