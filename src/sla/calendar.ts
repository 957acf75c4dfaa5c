import { DateTime } from 'luxon';
import { BUILTIN_CALENDAR, parseInterval } from '../config/sla-config';
import type { LocalInterval } from '../config/sla-config';
import { localToMillis } from '../core/local-time';
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
  throw new Error(`calendar ${cal.name} has no working time within ${MAX_MONTHS} months of ${new Date(fromMs).toISOString()}`);
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
 * (02:30 on a spring-forward night is 03:30), as Luxon resolves it. Months are computed once per
 * calendar and kept, so a due time weeks away costs a few array reads, not time zone arithmetic
 * per day.
 */
function* workingIntervals(cal: WorkingCalendar, fromMs: number): Generator<[number, number]> {
  const months = monthsOf(cal);
  let month = months.at(fromMs);
  for (let i = 0; i < MAX_MONTHS; i++, month = months.byIndex(month.index + 1)) {
    const { intervals } = month;
    // The first interval that ends after `fromMs`: the ones before it are over.
    let lo = 0;
    let hi = intervals.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (intervals[mid]![1] <= fromMs) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < intervals.length; k++) yield intervals[k]!;
  }
}

/** How far a search for working time may look before giving up: ten years. */
const MAX_MONTHS = 120;

/** One local month of a calendar: its real start and end, and its working intervals as instants. */
interface Month {
  /** year * 12 + month - 1: the next month is index + 1. */
  index: number;
  start: number;
  end: number;
  intervals: [number, number][];
}

/** The months of one calendar computed so far, by index and in time order. */
class CalendarMonths {
  private readonly byKey = new Map<number, Month>();
  private sorted: Month[] = [];

  constructor(private readonly cal: WorkingCalendar) {}

  /** The local month an instant falls in. */
  at(ms: number): Month {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.end <= ms) lo = mid + 1;
      else hi = mid;
    }
    const found = this.sorted[lo];
    if (found && found.start <= ms) return found;
    const local = DateTime.fromMillis(ms, { zone: this.cal.timezone });
    return this.byIndex(local.year * 12 + local.month - 1);
  }

  byIndex(index: number): Month {
    let month = this.byKey.get(index);
    if (!month) {
      month = this.build(index);
      // A calendar's months are tiny (some forty intervals); a runaway search is bounded by MAX_MONTHS per call.
      if (this.byKey.size >= MAX_CACHED_MONTHS) {
        this.byKey.clear();
        this.sorted = [];
      }
      this.byKey.set(index, month);
      this.sorted.push(month);
      this.sorted.sort((a, b) => a.start - b.start);
    }
    return month;
  }

  private build(index: number): Month {
    const cal = this.cal;
    const first = DateTime.fromObject({ year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 }, { zone: cal.timezone });
    const intervals: [number, number][] = [];
    for (let day = first; day.month === first.month; day = day.plus({ days: 1 })) {
      if (cal.holidays.has(day.toISODate() ?? '')) continue;
      const weekday = WEEKDAYS[day.weekday - 1]!;
      for (const interval of cal.hours[weekday]) {
        const start = localInstant(day, interval.startMin, cal.timezone);
        const end = localInstant(day, interval.endMin, cal.timezone);
        if (end > start) intervals.push([start, end]);
      }
    }
    return { index, start: first.startOf('day').toMillis(), end: first.plus({ months: 1 }).startOf('day').toMillis(), intervals };
  }
}

const MAX_CACHED_MONTHS = 2400;
const monthCache = new WeakMap<WorkingCalendar, CalendarMonths>();

function monthsOf(cal: WorkingCalendar): CalendarMonths {
  let months = monthCache.get(cal);
  if (!months) {
    months = new CalendarMonths(cal);
    monthCache.set(cal, months);
  }
  return months;
}

/**
 * The instant of a local wall-clock time (minutes from midnight, 1440 = the next midnight) on a
 * day. A time that occurs twice (the hour a clock is set back) is its first occurrence, when the
 * wall clock first shows it.
 */
function localInstant(day: DateTime, minutes: number, zone: string): number {
  if (minutes === 1440) return day.plus({ days: 1 }).startOf('day').toMillis();
  return localToMillis({ year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0 }, zone);
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
