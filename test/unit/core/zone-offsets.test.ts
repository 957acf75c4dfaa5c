import { localToMillis, millisToLocal } from '../../../src/core/local-time';
import { ZoneOffsets, zoneOffsetsCovering } from '../../../src/core/zone-offsets';

const floatingOf = (w: ReturnType<typeof millisToLocal>): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
const wallOf = (floating: number) => {
  const d = new Date(floating);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
};

describe('ZoneOffsets answers as localToMillis and millisToLocal do, by arithmetic', () => {
  // Each zone over a stretch of 2026 with its changes: an hour (Amsterdam, New York), half an hour
  // (Lord Howe), two hours (Troll), and Morocco's pause for Ramadan, two changes five weeks apart.
  test.each([
    ['Europe/Amsterdam', '2026-03-20T00:00:00Z', '2026-11-05T00:00:00Z'],
    ['America/New_York', '2026-03-01T00:00:00Z', '2026-11-08T00:00:00Z'],
    ['Australia/Lord_Howe', '2026-03-30T00:00:00Z', '2026-10-10T00:00:00Z'],
    ['Antarctica/Troll', '2026-03-25T00:00:00Z', '2026-10-30T00:00:00Z'],
    ['Africa/Casablanca', '2026-02-01T00:00:00Z', '2026-04-10T00:00:00Z'],
    ['Asia/Kolkata', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'],
  ])('%s', (zone, from, to) => {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    const offsets = new ZoneOffsets(zone, fromMs, toMs);
    let changes = 0;
    let previous: number | null = null;
    // Every 7.5 minutes of the stretch, and a little beyond both ends (the fallback).
    for (let t = fromMs - 3_600_000; t < toMs + 3_600_000; t += 450_000) {
      const wall = millisToLocal(t, zone);
      expect(offsets.floating(t)).toBe(floatingOf(wall));
      const floating = floatingOf(wall);
      expect(offsets.instant(floating)).toBe(localToMillis(wall, zone));
      // Wall times the clock skips, too: every 7.5 minutes of wall time.
      const skipped = wallOf(floating + 225_000);
      expect(offsets.instant(floating + 225_000)).toBe(localToMillis(skipped, zone));
      const offset = floating - t;
      if (previous !== null && offset !== previous) changes++;
      previous = offset;
    }
    expect(changes).toBe(zone === 'Asia/Kolkata' ? 0 : 2);
  });

  test('a shared one serves every stretch inside it, and a new one one outside', () => {
    const t = Date.parse('2026-06-01T00:00:00Z');
    const first = zoneOffsetsCovering('Europe/Amsterdam', t, t + 40 * 86_400_000);
    expect(zoneOffsetsCovering('Europe/Amsterdam', t + 86_400_000, t + 60 * 86_400_000)).toBe(first);
    expect(zoneOffsetsCovering('America/New_York', t, t + 86_400_000)).not.toBe(first);
    const later = zoneOffsetsCovering('Europe/Amsterdam', t + 400 * 86_400_000, t + 401 * 86_400_000);
    expect(later).not.toBe(first);
    expect(later.fromMs).toBeLessThanOrEqual(t + 400 * 86_400_000);
  });
});
