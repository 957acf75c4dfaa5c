import { IANAZone } from 'luxon';
import { localToMillis, millisToLocal } from './local-time';

const MINUTE_MS = 60_000;
/**
 * How often the zone is asked for its offset: no zone changes its offset twice within this
 * long (daylight saving, and Morocco's Ramadan pauses, are weeks apart), so a change between two
 * samples is one change.
 */
const SAMPLE_MS = 12 * 60 * MINUTE_MS;
/** More than any change of offset (two hours, Antarctica/Troll). */
const EDGE_MS = 3 * 60 * MINUTE_MS;

/**
 * The UTC offsets of an IANA zone over a stretch of instants, each change found to the
 * millisecond, so that converting between instants and wall-clock times inside it is arithmetic.
 * Asking the zone (through Intl) costs tens of microseconds per question; this asks it a few
 * times per day of the stretch, once. Outside the stretch it falls back to localToMillis and
 * millisToLocal, with the same answers.
 */
export class ZoneOffsets {
  /** Offsets in ms, each in force from its instant to the next one's. */
  private readonly segments: { from: number; offsetMs: number }[] = [];

  constructor(
    private readonly zone: string,
    readonly fromMs: number,
    readonly toMs: number,
  ) {
    const z = IANAZone.create(zone);
    const offsetAt = (t: number): number => z.offset(t) * MINUTE_MS;
    let t = fromMs;
    let offset = offsetAt(t);
    this.segments.push({ from: fromMs, offsetMs: offset });
    while (t < toMs) {
      const next = Math.min(t + SAMPLE_MS, toMs);
      const nextOffset = offsetAt(next);
      if (nextOffset !== offset) {
        // The change is at the first instant with the new offset, in (t, next].
        let lo = t;
        let hi = next;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (offsetAt(mid) === offset) lo = mid;
          else hi = mid;
        }
        this.segments.push({ from: hi, offsetMs: nextOffset });
        offset = nextOffset;
      }
      t = next;
    }
  }

  /**
   * The wall clock at an instant, as "floating" epoch ms: a Date whose UTC fields are the local
   * wall clock (to the millisecond).
   */
  floating(ms: number): number {
    if (ms < this.fromMs || ms >= this.toMs) {
      const w = millisToLocal(ms, this.zone);
      return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) + (((ms % 1000) + 1000) % 1000);
    }
    return ms + this.segmentAt(ms).offsetMs;
  }

  /**
   * The instant at which the wall clock shows a floating time, as localToMillis resolves it: the
   * first of two, and a skipped time moved forward by the change.
   */
  instant(floatingMs: number): number {
    const segments = this.segments;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const end = segments[i + 1]?.from ?? this.toMs;
      const t = floatingMs - seg.offsetMs;
      // Near either end of the stretch an earlier occurrence may lie outside it: ask the zone.
      if (t < this.fromMs + EDGE_MS || t >= this.toMs - EDGE_MS) break;
      // Segments are in time order, so the first that holds its candidate holds the first occurrence.
      if (t >= seg.from && t < end) return t;
      // Past this segment's end, and before the next one's start: a time the change skips.
      const next = segments[i + 1];
      if (t >= end && next && floatingMs - next.offsetMs < next.from) return t;
    }
    const d = new Date(floatingMs);
    const wall = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
    return localToMillis(wall, this.zone) + d.getUTCMilliseconds();
  }

  private segmentAt(ms: number): { from: number; offsetMs: number } {
    const segments = this.segments;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]!.from <= ms) lo = mid;
      else hi = mid - 1;
    }
    return segments[lo]!;
  }
}

/** How much time a shared ZoneOffsets covers around what was asked: before, and in all. */
const SHARED_BEFORE_MS = 30 * 24 * 60 * MINUTE_MS;
const SHARED_LENGTH_MS = 180 * 24 * 60 * MINUTE_MS;
const shared = new Map<string, ZoneOffsets>();

/**
 * A ZoneOffsets of the zone that covers [fromMs, toMs), shared by everyone who asks about the
 * same zone and stretch: windows in one zone ask the zone once per half year, not once each.
 */
export function zoneOffsetsCovering(zone: string, fromMs: number, toMs: number): ZoneOffsets {
  const found = shared.get(zone);
  if (found && found.fromMs <= fromMs && toMs <= found.toMs) return found;
  const offsets = new ZoneOffsets(zone, fromMs - SHARED_BEFORE_MS, Math.max(toMs, fromMs - SHARED_BEFORE_MS + SHARED_LENGTH_MS));
  // One stretch per zone: a query far from the others replaces it, and the zones are few.
  shared.set(zone, offsets);
  return offsets;
}
