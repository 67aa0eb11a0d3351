/**
 * The filter of the audit list and export routes. In: the querystring (`from`, `to`, `actor`,
 * `action`, `target`; other keys are left to the route). Out: a typed filter a store can turn into
 * SQL, and `matchesFilter` for the same rule in memory. Each bad field is named in the error.
 */
import { AtomError, type ErrorDetail } from '@atom/errors';
import { AUDIT_ACTION_PATTERN, type AuditEntry } from './audit-entry.js';

export interface AuditFilter {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive: `to` of one page of time is `from` of the next. */
  to?: number;
  /** `email` (lowercased, matched without case) when the value has an `@`, else the actor's `id`. */
  actor?: { email: string } | { id: string };
  /** `workflow.update` is exact; `workflow.*` matches every action under `workflow.` (not `workflow` itself). */
  action?: { exact: string } | { prefix: string };
  /** `workflow` matches the type; `workflow:wf_1` the type and the id (the id is all after the first `:`). */
  target?: { type: string; id?: string };
}

const MAX_LENGTH = 320;
// A date, or a date and time with seconds optional and a zone required: a time without a zone is ambiguous.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const TARGET_TYPE = /^[A-Za-z][A-Za-z0-9_.-]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Validates the filter fields of a querystring. Throws ATOM_ERR_REQUEST_INVALID listing every bad
 * field as `querystring.<field>` (message and details).
 *
 * @example
 * parseAuditFilter({ from: '2024-05-01', action: 'workflow.*', actor: 'ada@example.com' })
 * // { from: 1714521600000, action: { prefix: 'workflow.' }, actor: { email: 'ada@example.com' } }
 */
export function parseAuditFilter(query: Readonly<Record<string, unknown>>): AuditFilter {
  const details: ErrorDetail[] = [];
  const fail = (field: string, message: string): undefined => {
    details.push({ path: `querystring.${field}`, message });
    return undefined;
  };
  const text = (field: string): string | undefined => {
    const value = query[field];
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return fail(field, 'give it once');
    if (typeof value !== 'string' || value === '') return fail(field, 'must be a non-empty string');
    if (value.length > MAX_LENGTH) return fail(field, `must be at most ${MAX_LENGTH} characters`);
    if (CONTROL.test(value)) return fail(field, 'must not contain control characters');
    return value;
  };
  const time = (field: string): number | undefined => {
    const value = text(field);
    if (value === undefined) return undefined;
    const ms = parseIsoTime(value);
    return ms ?? fail(field, 'must be an ISO 8601 date or date-time with a zone, like 2024-05-01T12:00:00Z');
  };

  const filter: AuditFilter = {};
  const from = time('from');
  const to = time('to');
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  if (from !== undefined && to !== undefined && to <= from) fail('to', 'must be later than from');

  const actor = text('actor');
  if (actor !== undefined) filter.actor = actor.includes('@') ? { email: actor.toLowerCase() } : { id: actor };

  const action = text('action');
  if (action !== undefined) {
    const prefix = action.endsWith('.*') ? action.slice(0, -2) : undefined;
    if (!AUDIT_ACTION_PATTERN.test(prefix ?? action)) {
      fail('action', 'must be an action like workflow.update, or a prefix like workflow.*');
    } else {
      filter.action = prefix === undefined ? { exact: action } : { prefix: `${prefix}.` };
    }
  }

  const target = text('target');
  if (target !== undefined) {
    const colon = target.indexOf(':');
    const type = colon === -1 ? target : target.slice(0, colon);
    const id = colon === -1 ? undefined : target.slice(colon + 1);
    if (!TARGET_TYPE.test(type) || id === '')
      fail('target', 'must be a type like workflow, or type:id like workflow:wf_1');
    else filter.target = id === undefined ? { type } : { type, id };
  }

  if (details.length > 0) {
    throw new AtomError('ATOM_ERR_REQUEST_INVALID', details.map((d) => `${d.path}: ${d.message}`).join('; '), {
      details,
    });
  }
  return filter;
}

/** Whether an entry passes the filter: every given field must match. */
export function matchesFilter(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.from !== undefined && entry.at < filter.from) return false;
  if (filter.to !== undefined && entry.at >= filter.to) return false;
  if (filter.actor !== undefined) {
    if ('email' in filter.actor) {
      if (entry.actor.email?.toLowerCase() !== filter.actor.email) return false;
    } else if (entry.actor.id !== filter.actor.id) return false;
  }
  if (filter.action !== undefined) {
    if ('exact' in filter.action) {
      if (entry.action !== filter.action.exact) return false;
    } else if (!entry.action.startsWith(filter.action.prefix)) return false;
  }
  if (filter.target !== undefined) {
    if (entry.target.type !== filter.target.type) return false;
    if (filter.target.id !== undefined && entry.target.id !== filter.target.id) return false;
  }
  return true;
}

/** Epoch ms of an ISO date (midnight UTC) or date-time, or undefined when it is not one or not a real day (2024-02-30). */
export function parseIsoTime(value: string): number | undefined {
  const match = ISO_TIME.exec(value);
  if (match === null) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', zone] = match;
  const ms = Date.parse(zone === undefined ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2024-02-30 over to March: check the fields against the calendar at that zone.
  const check = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)),
  );
  const fieldsValid =
    check.getUTCFullYear() === Number(year) &&
    check.getUTCMonth() === Number(month) - 1 &&
    check.getUTCDate() === Number(day) &&
    check.getUTCHours() === Number(hour) &&
    check.getUTCMinutes() === Number(minute) &&
    check.getUTCSeconds() === Number(second);
  const zoneValid =
    zone === undefined || zone === 'Z' || (Number(zone.slice(1, 3)) <= 23 && Number(zone.slice(4, 6)) <= 59);
  return fieldsValid && zoneValid ? ms : undefined;
}
