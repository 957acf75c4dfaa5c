import { DateTime } from 'luxon';

/** A wall-clock date and time with no zone: what a clock on the wall of some place shows. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Parses a local date and time `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (no zone, no offset).
 * Null when malformed or when the date or time does not exist on any calendar (Feb 30, 24:00).
 */
export function parseLocalDateTime(text: string): LocalDateTime | null {
  const m = LOCAL.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  // Luxon takes hour 24 as the next midnight; a wall clock never shows it.
  if (hour > 23 || !DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: 'UTC' }).isValid) return null;
  return { year, month, day, hour, minute, second };
}

/** Writes a wall-clock time as `YYYY-MM-DDTHH:MM:SS`. */
export function formatLocalDateTime(wall: LocalDateTime): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${String(wall.year).padStart(4, '0')}-${two(wall.month)}-${two(wall.day)}T${two(wall.hour)}:${two(wall.minute)}:${two(wall.second)}`;
}

/**
 * The instant (epoch ms) at which a wall clock in `zone` (IANA) shows `wall`. A time that occurs
 * twice (the hour a clock is set back) is its first occurrence. A time that a daylight-saving
 * change skips moves forward by the change, as Luxon resolves it: 02:30 on the night Europe/Amsterdam
 * springs forward is 03:30 CEST.
 */
export function localToMillis(wall: LocalDateTime, zone: string): number {
  const found = DateTime.fromObject(wall, { zone }).toMillis();
  // Luxon picks the later of two occurrences. Shifts are an hour, half an hour (Lord Howe) or two
  // hours (Troll): look that far back for the same wall time.
  for (const back of [3_600_000, 1_800_000, 7_200_000]) {
    const earlier = DateTime.fromMillis(found - back, { zone });
    if (
      earlier.year === wall.year &&
      earlier.month === wall.month &&
      earlier.day === wall.day &&
      earlier.hour === wall.hour &&
      earlier.minute === wall.minute &&
      earlier.second === wall.second
    ) {
      return found - back;
    }
  }
  return found;
}

/** The wall clock in `zone` (IANA) at an instant (epoch ms), to the second. */
export function millisToLocal(ms: number, zone: string): LocalDateTime {
  const t = DateTime.fromMillis(ms, { zone });
  return { year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second };
}
