/**
 * Reads the text of an RRULE trigger: one rule (`FREQ=…` or `RRULE:FREQ=…`), optionally after a
 * `DTSTART` line. Out: rrule's options, and the start and UNTIL as wall times of the schedule's zone
 * (see zoned-time.ts). rrule's own parser is lax — `BYHOUR=25` passes and `INTERVAL=0` loops
 * forever — so every field is checked here. RDATE, EXDATE and EXRULE are refused.
 */
import type { Options } from 'rrule';
import rrulePackage from 'rrule';
import { invalidSchedule } from './compiled-schedule.js';
import { isTimeZone, wallOf } from './zoned-time.js';

// rrule ships a CommonJS bundle that Node's ESM loader sees only as a default export.
const { RRule, Frequency } = rrulePackage;

/** Where a rule without DTSTART starts: 2001-01-01T00:00:00 wall time of its zone, a Monday. */
export const RRULE_ANCHOR = Date.UTC(2001, 0, 1);

export interface RruleText {
  /** rrule's options, without `dtstart`, `until` and `tzid`. */
  options: Partial<Options>;
  /** The first instant the rule may fire, as a wall time. */
  start: number;
  /** The last instant the rule may fire, as a wall time, when it has an UNTIL. */
  until: number | null;
  zone: string;
}

/** Allowed integers per field: [min, max]; below a negative min, 0 is not allowed (it counts from 1 or -1). */
const RANGES: Record<string, [number, number]> = {
  interval: [1, Number.MAX_SAFE_INTEGER],
  count: [1, Number.MAX_SAFE_INTEGER],
  bymonth: [1, 12],
  bymonthday: [-31, 31],
  byyearday: [-366, 366],
  byweekno: [-53, 53],
  byhour: [0, 23],
  byminute: [0, 59],
  bysecond: [0, 59],
  bysetpos: [-366, 366],
  byeaster: [-366, 366],
};

const DTSTART = /^DTSTART(?:;TZID=([^:;]+))?:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/i;
const UNTIL = /(?:^|;)UNTIL=(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?(Z?)(?=;|$)/i;

export function readRrule(text: string, timezone: string | undefined): RruleText {
  const fail = (complaint: string) => invalidSchedule(complaint, { kind: 'rrule', expression: text });
  let dtstart: string | undefined;
  let body: string | undefined;
  for (const line of text.split(/\r?\n/).map((part) => part.trim())) {
    if (line === '') continue;
    const header = /^([A-Z-]+)[:;]/i.exec(line)?.[1]?.toUpperCase();
    if (header === 'DTSTART' && dtstart === undefined) dtstart = line;
    else if ((header === undefined || header === 'RRULE') && body === undefined) body = line.replace(/^RRULE:/i, '');
    else throw fail(`unsupported line \`${line}\`: only one RRULE and an optional DTSTART line are read`);
  }
  if (body === undefined) throw fail('no RRULE line');

  let parsed: Partial<Options>;
  try {
    parsed = RRule.parseString(body);
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  if (parsed.dtstart || parsed.tzid) throw fail('put DTSTART on its own line, before the rule');
  checkFields(parsed, fail);

  const dtstartMatch = dtstart === undefined ? undefined : DTSTART.exec(dtstart);
  if (dtstart !== undefined && !dtstartMatch) {
    throw fail('DTSTART must read like `DTSTART;TZID=Europe/Paris:20260105T090000` or `DTSTART:20260105T080000Z`');
  }
  const tzid = dtstartMatch?.[1];
  if (tzid !== undefined && timezone !== undefined && tzid !== timezone) {
    throw fail(`DTSTART's TZID \`${tzid}\` differs from the trigger's timezone \`${timezone}\``);
  }
  const zone = timezone ?? tzid ?? 'UTC';
  if (!isTimeZone(zone)) throw fail(`unknown time zone \`${zone}\``);

  const toWall = (fields: Array<string | undefined>, utc: boolean, what: string): number => {
    const numbers = fields.map((field) => Number(field ?? 0));
    const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = numbers;
    const wall = Date.UTC(year, month - 1, day, hour, minute, second);
    const date = new Date(wall);
    const read = [
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
    ];
    if (read.some((value, index) => value !== numbers[index])) throw fail(`${what} is not a valid date and time`);
    return utc ? wallOf(wall, zone) : wall;
  };
  const start = dtstartMatch ? toWall(dtstartMatch.slice(2, 8), dtstartMatch[8] !== '', 'DTSTART') : RRULE_ANCHOR;
  const untilMatch = UNTIL.exec(body);
  const until = untilMatch ? toWall(untilMatch.slice(1, 7), untilMatch[7] !== '', 'UNTIL') : null;
  if (until !== null && parsed.count != null) throw fail('COUNT and UNTIL exclude each other (RFC 5545)');

  const { until: _until, ...options } = parsed;
  return { options, start, until, zone };
}

function checkFields(parsed: Partial<Options>, fail: (complaint: string) => Error): void {
  if (parsed.freq === undefined || parsed.freq === null) {
    throw fail('FREQ is missing or unknown (SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)');
  }
  for (const [field, [min, max]] of Object.entries(RANGES)) {
    const value: unknown = parsed[field as keyof Options];
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!Number.isInteger(item) || item < min || item > max || (item === 0 && min < 0 && field !== 'byeaster')) {
        throw fail(
          `${field.toUpperCase()}=${String(item)} is not an integer in ${min}..${max}${min < 0 ? ' other than 0' : ''}`,
        );
      }
    }
  }
  // rrule.js reaches the next allowed hour (or minute) one hour (minute) at a time, losing the
  // INTERVAL's step, so the fire times would depend on where the expansion starts.
  const { freq, byhour, byminute } = parsed;
  if ((freq === Frequency.MINUTELY || freq === Frequency.SECONDLY) && byhour != null) {
    throw fail(
      'BYHOUR with FREQ=MINUTELY or SECONDLY is not supported; a cron expression such as `*/5 9-17 * * *` says it',
    );
  }
  if (freq === Frequency.SECONDLY && byminute != null) {
    throw fail('BYMINUTE with FREQ=SECONDLY is not supported; a cron expression such as `*/10 0-29 * * * *` says it');
  }
  const days = parsed.byweekday;
  for (const day of Array.isArray(days) ? days : days === undefined || days === null ? [] : [days]) {
    const n = typeof day === 'object' && day !== null ? day.n : undefined;
    if (typeof day !== 'object' || day === null) throw fail('BYDAY holds an unknown day (MO, TU, WE, TH, FR, SA, SU)');
    if (n !== undefined && (n === 0 || Math.abs(n) > 53))
      throw fail(`BYDAY position ${n} is not in -53..53 other than 0`);
  }
}
