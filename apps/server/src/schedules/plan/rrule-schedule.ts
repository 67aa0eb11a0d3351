/**
 * An RFC 5545 recurrence rule read in an IANA time zone.
 *
 * rrule is only ever given wall times and no `tzid` (its tzid support shifts results by the offset
 * of the *process's* zone): it expands the rule on the wall clock, and each occurrence is turned into
 * an instant here (zoned-time.ts), with RFC 5545's reading of DST: a repeated time fires once, at
 * its first occurrence; a skipped time fires at the same offset as before the gap (02:30 → 03:30).
 *
 * A rule without DTSTART starts at 2001-01-01T00:00:00 wall time (RRULE_ANCHOR, a Monday): that
 * fixes the phase of INTERVAL and the parts rrule takes from DTSTART (time of day, WEEKLY's day,
 * MONTHLY's day of month), so every process computes the same fire times.
 *
 * rrule always expands from DTSTART — `FREQ=MINUTELY` from 2001 takes over a minute to reach today —
 * so a rule of fixed period (WEEKLY and shorter) without COUNT is restarted at a whole number of
 * periods (`INTERVAL × period`) before the time asked about; its occurrences from there are the same.
 */
import rrulePackage from 'rrule';
import { type CompiledSchedule, invalidSchedule } from './compiled-schedule.js';
import { whyRruleNeverFires } from './rrule-never-fires.js';
import { readRrule } from './rrule-text.js';
import { instantOf, offsetRange } from './zoned-time.js';

const { RRule, Frequency } = rrulePackage;

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;
/** rrule stops at the year 9999. */
const END_WALL = Date.UTC(9999, 11, 31, 23, 59, 59);

const PERIOD_MS: Partial<Record<number, number>> = {
  [Frequency.WEEKLY]: 7 * DAY_MS,
  [Frequency.DAILY]: DAY_MS,
  [Frequency.HOURLY]: 3600 * SECOND_MS,
  [Frequency.MINUTELY]: 60 * SECOND_MS,
  [Frequency.SECONDLY]: SECOND_MS,
};

export function compileRrule(text: string, timezone: string | undefined): CompiledSchedule {
  const { options, start, until, zone } = readRrule(text, timezone);
  const interval = options.interval ?? 1;
  const period = PERIOD_MS[options.freq as number];
  /** How far the start may move without changing the occurrences after it. */
  const step = period !== undefined && options.count == null ? period * interval : undefined;

  const ruleAt = (dtstart: number) =>
    new RRule({ ...options, dtstart: new Date(dtstart), until: until === null ? null : new Date(until) }, true);
  let base: InstanceType<typeof RRule>;
  try {
    base = ruleAt(start);
  } catch (error) {
    throw invalidSchedule(error instanceof Error ? error.message : String(error), { kind: 'rrule', expression: text });
  }

  /** Visits each occurrence (a wall time) in [from, to], in order, until `visit` returns false. */
  const each = (from: number, to: number, visit: (wall: number) => boolean): void => {
    const rule = step === undefined || from <= start ? base : ruleAt(start + Math.floor((from - start) / step) * step);
    rule.between(new Date(from), new Date(to), true, (date) => visit(date.getTime()));
  };

  const neverFires = whyRruleNeverFires(base);
  if (neverFires !== null) throw invalidSchedule(neverFires, { kind: 'rrule', expression: text });

  return {
    kind: 'rrule',
    expression: text,
    timezone: zone,
    nextAfter(t) {
      // A wall time below t + min reads as an instant before t; one above best + max, after best.
      let best = null as number | null;
      let stopAbove = Number.POSITIVE_INFINITY;
      each(t + offsetRange(t, zone).min, END_WALL, (wall) => {
        if (wall > stopAbove) return false;
        const instant = instantOf(wall, zone);
        if (instant > t && (best === null || instant < best)) {
          best = instant;
          stopAbove = instant + offsetRange(instant, zone).max;
        }
        return true;
      });
      return best;
    },
    latestAtOrBefore(t) {
      // Look back from the last wall time that can read as t or earlier, further each round.
      const high = t + offsetRange(t, zone).max;
      let span = 2 * (step ?? (options.freq === Frequency.MONTHLY ? 31 : 366) * DAY_MS * interval);
      for (;;) {
        const low = high - span;
        let best = null as number | null;
        each(low, high, (wall) => {
          const instant = instantOf(wall, zone);
          if (instant <= t && (best === null || instant > best)) best = instant;
          return true;
        });
        // Every wall time below best + min reads as an instant before best.
        if (low <= start || (best !== null && best + offsetRange(best, zone).min >= low)) return best;
        span *= 4;
      }
    },
  };
}
