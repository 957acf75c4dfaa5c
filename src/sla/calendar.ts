import { DateTime } from 'luxon';
import { BUILTIN_CALENDAR, parseInterval } from '../config/sla-config';
import type { LocalInterval } from '../config/sla-config';
import type { CalendarTerms } from '../core/sla-terms';

export { parseInterval };
export type { LocalInterval };

/** Days of the week as the config writes them, Monday first (Luxon's weekday 1..7). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A working calendar: local working intervals per weekday in an IANA time zone, and local dates
 * with no working hours. Working time is the real time elapsed inside those intervals, so a
 * daylight-saving change inside one makes that day an hour shorter or longer.
 */
export interface WorkingCalendar {
  name: string;
  timezone: string;
  hours: Record<Weekday, readonly LocalInterval[]>;
  /** Local dates, `YYYY-MM-DD`. */
  holidays: ReadonlySet<string>;
}

/** The built-in calendar: every moment is working time. */
export const TWENTY_FOUR_SEVEN: WorkingCalendar = {
  name: BUILTIN_CALENDAR,
  timezone: 'UTC',
  hours: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ startMin: 0, endMin: 1440 }]])) as Record<Weekday, LocalInterval[]>,
  holidays: new Set(),
};

/** How far a search for working time may look before giving up: ten years of days. */
const MAX_DAYS = 3660;

/**
 * The moment when `durationMs` of working time has passed from `fromMs` (epoch ms). Zero
 * duration is `fromMs` itself; a result that lands exactly at the end of an interval is that
 * end. Throws when the calendar has no working time within ten years.
 */
export function addWorkingTime(cal: WorkingCalendar, fromMs: number, durationMs: number): number {
  if (durationMs <= 0) return fromMs;
  if (cal === TWENTY_FOUR_SEVEN) return fromMs + durationMs;
  let remaining = durationMs;
  for (const [start, end] of workingIntervals(cal, fromMs)) {
    const from = Math.max(start, fromMs);
    const available = end - from;
    if (remaining <= available) return from + remaining;
    remaining -= available;
  }
  throw new Error(`calendar ${cal.name} has no working time within ${MAX_DAYS} days of ${new Date(fromMs).toISOString()}`);
}

/** The working time between two moments (0 when `toMs` is not after `fromMs`), in ms. */
export function workingTimeBetween(cal: WorkingCalendar, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  if (cal === TWENTY_FOUR_SEVEN) return toMs - fromMs;
  let total = 0;
  for (const [start, end] of workingIntervals(cal, fromMs)) {
    if (start >= toMs) break;
    total += Math.min(end, toMs) - Math.max(start, fromMs);
  }
  return total;
}

/**
 * The calendar's working intervals as real instants, in time order, from the local day of
 * `fromMs` on, skipping the parts already over. Each local wall-clock time becomes an instant in
 * the calendar's zone; a time that a daylight-saving change skips moves forward by the change
 * (02:30 on a spring-forward night is 03:30), as Luxon resolves it.
 */
function* workingIntervals(cal: WorkingCalendar, fromMs: number): Generator<[number, number]> {
  let day = DateTime.fromMillis(fromMs, { zone: cal.timezone }).startOf('day');
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    if (cal.holidays.has(day.toISODate() ?? '')) continue;
    const weekday = WEEKDAYS[day.weekday - 1]!;
    for (const interval of cal.hours[weekday]) {
      const start = localInstant(day, interval.startMin, cal.timezone);
      const end = localInstant(day, interval.endMin, cal.timezone);
      if (end <= fromMs || end <= start) continue;
      yield [start, end];
    }
  }
}

/**
 * The instant of a local wall-clock time (minutes from midnight, 1440 = the next midnight) on a
 * day. A time that occurs twice (the hour a clock is set back) is its first occurrence, when the
 * wall clock first shows it.
 */
function localInstant(day: DateTime, minutes: number, zone: string): number {
  if (minutes === 1440) return day.plus({ days: 1 }).startOf('day').toMillis();
  const wall = { year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 };
  const found = DateTime.fromObject(wall, { zone }).toMillis();
  // Daylight-saving shifts are an hour, or half an hour (Lord Howe): look that far back for the same wall time.
  for (const back of [3_600_000, 1_800_000]) {
    const earlier = DateTime.fromMillis(found - back, { zone });
    if (earlier.year === wall.year && earlier.month === wall.month && earlier.day === wall.day && earlier.hour === wall.hour && earlier.minute === wall.minute) {
      return found - back;
    }
  }
  return found;
}

/** Calendars by name, `24x7` included, from their definitions (the config's `sla.calendars`); intervals sorted by start. */
export function compileCalendars(definitions: readonly CalendarTerms[] = []): Map<string, WorkingCalendar> {
  const out = new Map<string, WorkingCalendar>([[BUILTIN_CALENDAR, TWENTY_FOUR_SEVEN]]);
  for (const c of definitions) {
    const hours = Object.fromEntries(
      WEEKDAYS.map((d) => [
        d,
        (c.hours[d] ?? [])
          .map(parseInterval)
          .filter((i): i is LocalInterval => i !== null)
          .sort((a, b) => a.startMin - b.startMin),
      ]),
    ) as Record<Weekday, LocalInterval[]>;
    out.set(c.name, { name: c.name, timezone: c.timezone, hours, holidays: new Set(c.holidays) });
  }
  return out;
}
