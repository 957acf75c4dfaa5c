import { Frequency, RRule, Weekday } from 'rrule';
import type { Options } from 'rrule';
import { zoneOffsetsCovering } from '../core/zone-offsets';
import type { ZoneOffsets } from '../core/zone-offsets';

/** One occurrence of a recurring window, in real time: start inclusive, end exclusive (epoch ms). */
export interface Occurrence {
  startMs: number;
  endMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * How far ahead the starts are kept: a rebuild walks the rule over this much time. An hourly
 * rule keeps less, so that a rebuild stays a few dozen occurrences.
 */
const SPAN_MS = 35 * DAY_MS;
const HOURLY_SPAN_MS = 3 * DAY_MS;
/** How far behind the query the kept starts reach, so a clock that steps back a little keeps them. */
const SPAN_BACK_MS = HOUR_MS;
/**
 * Slack between a wall-clock time and the instant it becomes: a daylight-saving change moves one
 * by at most two hours, so searching six hours either side never misses an occurrence.
 */
const PAD_MS = 6 * HOUR_MS;
/** How far ahead a next start is looked for before saying there is none. */
const HORIZON_MS = 10 * 366 * DAY_MS;

/** The starts of one stretch of time, complete for instants in [from, to). */
interface Span {
  from: number;
  to: number;
  /** Sorted, without repeats; complete in [from - duration, to), and some beyond `to`. */
  starts: number[];
  /** The first start at or after `to`, null when there is none within HORIZON_MS; undefined until asked. */
  next?: number | null;
  /** The rule walking from near `from`, and the zone's offsets, to find `next`. */
  rule: RRule;
  offsets: ZoneOffsets;
}

/**
 * The occurrences of a recurring window: an RRULE in floating time (the UTC fields of its dates
 * are the wall clock in `zone`), each occurrence lasting `durationMs` of real time from the
 * instant its wall-clock start becomes in the zone (see localToMillis: a skipped time moves
 * forward, a repeated one is its first occurrence).
 *
 * rrule walks a rule from DTSTART on every query, and a window's DTSTART may be years back. So a
 * query walks from an anchor near the time asked instead: the start of a period of the rule that
 * is a whole number of INTERVALs after DTSTART's, where the rule, with every default DTSTART
 * supplied made explicit, yields the same occurrences as from DTSTART itself (a COUNT rule, which
 * counts from DTSTART, always walks from there). The starts of the next 35 days (3 for an hourly
 * rule) are kept, with the zone's offsets over them, so the questions of each alert and each
 * scheduler tick are binary searches.
 */
export class Occurrences {
  private span: Span | null = null;
  private readonly explicit: Partial<Options>;

  constructor(
    private readonly rule: RRule,
    private readonly durationMs: number,
    private readonly zone: string,
  ) {
    this.explicit = explicitOptions(rule);
  }

  /** The occurrence in force at `ms` (the latest one that started at or before it), or null. */
  at(ms: number): Occurrence | null {
    const { starts } = this.spanAt(ms);
    const i = lastAtOrBefore(starts, ms);
    const start = i < 0 ? undefined : starts[i];
    return start !== undefined && ms < start + this.durationMs ? { startMs: start, endMs: start + this.durationMs } : null;
  }

  /**
   * When the window next goes out of force, if it is in force at `ms`: occurrences that overlap or
   * touch keep it in force. Looks only as far as the starts kept, so a window in force for longer
   * than that gets an end where it is in fact still in force, never one after its real end.
   * Null when it is not in force at `ms`.
   */
  stretchEnd(ms: number): number | null {
    const span = this.spanAt(ms);
    const { starts } = span;
    const i = lastAtOrBefore(starts, ms);
    const start = i < 0 ? undefined : starts[i];
    if (start === undefined || ms >= start + this.durationMs) return null;
    let end = start + this.durationMs;
    for (let j = i + 1; j < starts.length && starts[j]! < span.to && starts[j]! <= end; j++) end = Math.max(end, starts[j]! + this.durationMs);
    return end;
  }

  /** The first start strictly after `ms`, or null when none comes within ten years. */
  nextStart(ms: number): number | null {
    const span = this.spanAt(ms);
    const next = span.starts[lastAtOrBefore(span.starts, ms) + 1];
    if (next !== undefined && next < span.to) return next;
    // Only a query near the end of the span, or a sparse rule, walks further.
    if (span.next === undefined) span.next = firstStartFrom(span.rule, span.to, span.offsets);
    return span.next;
  }

  private spanAt(ms: number): Span {
    if (this.span && this.span.from <= ms && ms < this.span.to) return this.span;
    const from = ms - SPAN_BACK_MS;
    const to = ms + (this.rule.options.freq === Frequency.HOURLY ? HOURLY_SPAN_MS : SPAN_MS);
    // Occurrences that started up to a duration before `from` may still be in force within the span.
    const offsets = zoneOffsetsCovering(this.zone, from - this.durationMs - 2 * PAD_MS, to + 2 * PAD_MS);
    const lo = offsets.floating(from - this.durationMs) - PAD_MS;
    const hi = offsets.floating(to) + PAD_MS;
    const rule = this.ruleFrom(lo);
    const instants = rule.between(new Date(lo), new Date(hi), true).map((d) => offsets.instant(d.getTime()));
    const starts = [...new Set(instants)].sort((a, b) => a - b);
    this.span = { from, to, starts, rule, offsets };
    return this.span;
  }

  /** The rule walking from the latest anchor at or before the floating time `wallMs`. */
  private ruleFrom(wallMs: number): RRule {
    const anchor = anchorBefore(this.rule, wallMs);
    return anchor.getTime() === this.rule.options.dtstart.getTime() ? this.rule : new RRule({ ...this.explicit, dtstart: anchor }, true);
  }
}

/** The first start at or after the instant `t`, or null when none comes within HORIZON_MS. */
function firstStartFrom(rule: RRule, t: number, offsets: ZoneOffsets): number | null {
  const wall = offsets.floating(t) - PAD_MS;
  let best: number | null = null;
  rule.between(new Date(wall), new Date(wall + HORIZON_MS), true, (date) => {
    const s = offsets.instant(date.getTime());
    if (s >= t && (best === null || s < best)) best = s;
    // A later wall-clock start can still become an earlier instant, but never by more than PAD_MS.
    return best === null || date.getTime() <= offsets.floating(best) + PAD_MS;
  });
  return best;
}

/** The index of the last element at or before `ms` in a sorted array; -1 when there is none. */
function lastAtOrBefore(sorted: readonly number[], ms: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The rule's options with everything rrule would take from DTSTART (the weekday of a WEEKLY rule,
 * the day of a MONTHLY or YEARLY one, the hour, minute and second) written out, so a rule built
 * from them with another DTSTART keeps them.
 */
function explicitOptions(rule: RRule): Partial<Options> {
  const o = rule.options;
  return {
    freq: o.freq,
    interval: o.interval,
    wkst: o.wkst,
    count: o.count,
    until: o.until,
    tzid: null,
    bysetpos: o.bysetpos,
    bymonth: o.bymonth,
    byyearday: o.byyearday,
    byweekno: o.byweekno,
    bymonthday: [...(o.bymonthday ?? []), ...(o.bynmonthday ?? [])],
    byweekday: [...(o.byweekday ?? []), ...(o.bynweekday ?? []).map(([day, n]) => new Weekday(day as number, n))],
    byhour: o.byhour,
    byminute: o.byminute,
    bysecond: o.bysecond,
  };
}

/**
 * The latest DTSTART at or before the floating time `wallMs` from which the rule yields the same
 * occurrences after it as from its own DTSTART: the start of a period (year, month, week from
 * WKST, day, hour) a whole number of INTERVALs after the period of DTSTART. DTSTART itself when
 * there is no later one or the rule has a COUNT.
 */
function anchorBefore(rule: RRule, wallMs: number): Date {
  const o = rule.options;
  const dt = o.dtstart;
  if (o.count !== null || wallMs <= dt.getTime()) return dt;
  const year = dt.getUTCFullYear();
  const month = dt.getUTCMonth();
  const day = dt.getUTCDate();
  if (o.freq === Frequency.YEARLY || o.freq === Frequency.MONTHLY) {
    const stepMonths = (o.freq === Frequency.YEARLY ? 12 : 1) * o.interval;
    const base = o.freq === Frequency.YEARLY ? year * 12 : year * 12 + month;
    const target = new Date(wallMs);
    const k = Math.floor((target.getUTCFullYear() * 12 + target.getUTCMonth() - base) / stepMonths);
    if (k <= 0) return dt;
    const index = base + k * stepMonths;
    return new Date(Date.UTC(Math.floor(index / 12), index % 12, 1));
  }
  let base: number;
  let stepMs: number;
  if (o.freq === Frequency.WEEKLY) {
    // rrule numbers weekdays from Monday = 0, as WKST is.
    const weekday = (dt.getUTCDay() + 6) % 7;
    base = Date.UTC(year, month, day) - ((weekday - o.wkst + 7) % 7) * DAY_MS;
    stepMs = 7 * DAY_MS * o.interval;
  } else if (o.freq === Frequency.DAILY) {
    base = Date.UTC(year, month, day);
    stepMs = DAY_MS * o.interval;
  } else if (o.freq === Frequency.HOURLY) {
    base = Date.UTC(year, month, day, dt.getUTCHours());
    stepMs = HOUR_MS * o.interval;
  } else {
    return dt;
  }
  const k = Math.floor((wallMs - base) / stepMs);
  return k <= 0 ? dt : new Date(base + k * stepMs);
}
