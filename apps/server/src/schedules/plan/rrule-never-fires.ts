/**
 * Whether an RRULE ever fires, decided in bounded time — rrule cannot tell by itself:
 * - a time of day the INTERVAL never reaches (`FREQ=HOURLY;INTERVAL=6;BYHOUR=3` from midnight) makes
 *   rrule loop forever;
 * - days that never match (`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`) make it expand day by day up to the
 *   year 9999, which takes seconds; so does an INTERVAL that never lands on a matching day
 *   (`FREQ=DAILY;INTERVAL=7;BYDAY=TU` from a Monday).
 * The calendar repeats every 400 years (146097 days, a whole number of weeks), so the pattern of a
 * rule repeats every lcm(400 years, INTERVAL × period): a rule that does not fire in one such cycle
 * never fires. Checking a cycle placed just before 9999 stops rrule where it stops anyway.
 * In: a rule built on wall times (its dtstart is the start). Out: the complaint, or null.
 */
import rrulePackage from 'rrule';

const { RRule, Frequency } = rrulePackage;
type Rule = InstanceType<typeof RRule>;
type ParsedOptions = Rule['options'];

const DAY_S = 86_400;
const CYCLE_S = 146_097 * DAY_S;
const UNIT_S: Partial<Record<number, number>> = {
  [Frequency.WEEKLY]: 7 * DAY_S,
  [Frequency.DAILY]: DAY_S,
  [Frequency.HOURLY]: 3600,
  [Frequency.MINUTELY]: 60,
  [Frequency.SECONDLY]: 1,
};

export function whyRruleNeverFires(rule: Rule): string | null {
  return (
    unreachableTime(rule.options) ??
    positionPastTheSet(rule.options) ??
    unmatchedDays(rule.options) ??
    noOccurrence(rule)
  );
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

const allows = (list: number[] | null, value: number) => list === null || list.length === 0 || list.includes(value);

/** HOURLY and shorter: the times of day `start + k × INTERVAL` reaches, against BYHOUR/BYMINUTE/BYSECOND. */
function unreachableTime(options: ParsedOptions): string | null {
  const { freq, interval, dtstart, byhour, byminute, bysecond } = options;
  if (freq !== Frequency.HOURLY && freq !== Frequency.MINUTELY && freq !== Frequency.SECONDLY) return null;
  const unit = UNIT_S[freq] as number;
  const lattice = gcd(interval * unit, DAY_S);
  // rrule steps the hour, minute or second and checks only the fields down to that unit.
  const first =
    Math.floor((dtstart.getUTCHours() * 3600 + dtstart.getUTCMinutes() * 60 + dtstart.getUTCSeconds()) / unit) * unit;
  for (let at = first % lattice; at < DAY_S; at += lattice) {
    if (
      allows(byhour, Math.floor(at / 3600)) &&
      (freq === Frequency.HOURLY || allows(byminute, Math.floor(at / 60) % 60)) &&
      (freq !== Frequency.SECONDLY || allows(bysecond, at % 60))
    ) {
      return null;
    }
  }
  return `never fires: INTERVAL=${interval} from ${dtstart.toISOString().slice(11, 19)} never reaches the time of day it asks for`;
}

/** BYSETPOS picks from the occurrences of one period; a position past the most there can be never comes. */
function positionPastTheSet(options: ParsedOptions): string | null {
  const { freq, bysetpos } = options;
  if (bysetpos === null || bysetpos.length === 0) return null;
  const size = (list: number[] | null) => Math.max(1, list?.length ?? 0);
  const timesPerDay = size(options.byhour) * size(options.byminute) * size(options.bysecond);
  const mostPerPeriod: Record<number, number> = {
    [Frequency.YEARLY]: 366 * timesPerDay,
    [Frequency.MONTHLY]: 31 * timesPerDay,
    [Frequency.WEEKLY]: 7 * timesPerDay,
    [Frequency.DAILY]: timesPerDay,
    [Frequency.HOURLY]: size(options.byminute) * size(options.bysecond),
    [Frequency.MINUTELY]: size(options.bysecond),
    [Frequency.SECONDLY]: 1,
  };
  const most = mostPerPeriod[freq] as number;
  if (bysetpos.some((position) => Math.abs(position) <= most)) return null;
  return `never fires: BYSETPOS asks for a position past the ${most} occurrence(s) one period can hold`;
}

/** WEEKLY and shorter: does any day of a 400-year cycle pass the BYMONTH, BYMONTHDAY, … parts? */
function unmatchedDays(options: ParsedOptions): string | null {
  if (options.freq <= Frequency.MONTHLY) return null;
  // rrule's parsed lists may be null whatever its types say.
  const filters: Record<string, number[] | null> = {
    bymonth: options.bymonth,
    bymonthday: [...(options.bymonthday ?? []), ...(options.bynmonthday ?? [])],
    byyearday: options.byyearday,
    byweekno: options.byweekno,
    byweekday: options.byweekday,
  };
  const present = Object.fromEntries(
    Object.entries(filters).filter(([, values]) => values !== null && values.length > 0),
  );
  if (Object.keys(present).length === 0) return null;
  const from = new Date(Date.UTC(9600, 0, 1));
  const probe = new RRule({ freq: Frequency.YEARLY, dtstart: from, ...present }, true);
  return probe.after(from, true)
    ? null
    : 'never fires: no day matches its BYMONTH, BYMONTHDAY, BYYEARDAY, BYWEEKNO and BYDAY';
}

/** The first occurrence, found over one cycle placed before 9999 first, so that a miss ends there. */
function noOccurrence(rule: Rule): string | null {
  const { freq, interval, dtstart } = rule.options;
  const unit = UNIT_S[freq];
  const cycleYears =
    freq === Frequency.YEARLY
      ? (400 * interval) / gcd(400, interval)
      : freq === Frequency.MONTHLY
        ? (4800 * interval) / gcd(4800, interval) / 12
        : (400 * interval * (unit as number)) / gcd(CYCLE_S, interval * (unit as number));
  const startYear = dtstart.getUTCFullYear();
  const cycles = Math.floor((10_000 - startYear - cycleYears) / cycleYears);
  if (cycles >= 1) {
    const shifted = new Date(dtstart);
    shifted.setUTCFullYear(startYear + cycles * cycleYears);
    const probe = new RRule({ ...rule.origOptions, dtstart: shifted, count: null, until: null }, true);
    if (!probe.after(shifted, true)) return 'never fires';
  }
  if (rule.after(dtstart, true)) return null;
  return rule.options.until ? 'never fires: its first occurrence would fall after UNTIL' : 'never fires';
}
