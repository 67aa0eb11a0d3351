/**
 * What a webhook run sees as `$trigger.body`: JSON parsed, forms as an object, other text as a
 * string. The raw bytes are what the signature was checked on; they are not kept.
 */
import { AtomError } from '@atom/errors';

export function decodeHookBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return null;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = raw.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new AtomError('ATOM_ERR_REQUEST_JSON', `the webhook body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  return text;
}

/** Request headers kept with the run, minus credentials that must not be stored. */
const DROPPED = new Set(['authorization', 'cookie', 'proxy-authorization']);

export function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
