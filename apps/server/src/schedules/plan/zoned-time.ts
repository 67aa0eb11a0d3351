/**
 * Wall-clock time in an IANA time zone, with nothing but `Intl`.
 *
 * A *wall time* is a number of milliseconds whose UTC fields are the local fields of the zone: the
 * instant 2026-07-06T07:00:00Z is the wall time `Date.UTC(2026, 6, 6, 9)` in Europe/Paris. This is
 * what rrule calls "UTC dates that represent local times"; keeping the two kinds of number apart is
 * the whole trick of reading an RRULE in a time zone without depending on the process's own zone.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** True when `Intl` knows the zone. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall time in `zone` at `instant`. */
export function wallOf(instant: number, zone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
  const ms = ((instant % 1000) + 1000) % 1000;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The zone's UTC offset at `instant`, in milliseconds (Paris in summer: +7_200_000). */
export function offsetAt(instant: number, zone: string): number {
  return wallOf(instant, zone) - instant;
}

/**
 * The instant of a wall time, read as RFC 5545 §3.3.5 reads a DATE-TIME with a TZID: a time that
 * occurs twice (the clock goes back) is its first occurrence; a time that does not exist (the clock
 * jumps forward) is read with the offset in force before the gap, so 02:30 in a 02:00→03:00 gap is
 * 03:30 after it.
 */
export function instantOf(wall: number, zone: string): number {
  const before = offsetAt(wall - DAY_MS, zone);
  const after = offsetAt(wall + DAY_MS, zone);
  if (before === after) return wall - before;
  let first: number | undefined;
  for (const candidate of [wall - before, wall - after]) {
    if (offsetAt(candidate, zone) === wall - candidate && (first === undefined || candidate < first)) {
      first = candidate;
    }
  }
  return first ?? wall - before;
}

/**
 * The smallest and largest offsets in force within three days of `instant`. Any wall time whose
 * instant lies near `instant` reads with one of them (no zone changes its offset twice in three
 * days), so `instant + min` and `instant + max` bound the wall times that can map to it.
 */
export function offsetRange(instant: number, zone: string): { min: number; max: number } {
  const offsets = [offsetAt(instant - 3 * DAY_MS, zone), offsetAt(instant, zone), offsetAt(instant + 3 * DAY_MS, zone)];
  return { min: Math.min(...offsets), max: Math.max(...offsets) };
}
