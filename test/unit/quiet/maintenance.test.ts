import type { MaintenanceConfig } from '../../../src/config/schema';
import { compileMaintenance, coveringWindow, covers, inForce, nextEdge, occurrenceAt } from '../../../src/quiet/maintenance';
import type { MaintenanceWindow } from '../../../src/quiet/maintenance';

// Hand-computed offsets of 2026. Moscow: +03:00 all year. Amsterdam: +01:00, +02:00 from Sunday
// 29 March 01:00Z (02:00 local is skipped) to Sunday 25 October 01:00Z (02:00-03:00 local is shown
// twice). New York: -05:00, -04:00 from Sunday 8 March 07:00Z (02:00 local is skipped) to Sunday
// 1 November 06:00Z (01:00-02:00 local is shown twice).

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString().replace('.000Z', 'Z'));

function compileOne(fields: Partial<MaintenanceConfig> & Pick<MaintenanceConfig, 'timezone'>): MaintenanceWindow {
  const [w] = compileMaintenance([{ name: 'w', matchers: [], healthModels: ['online-shop'], ...fields }]);
  return w!;
}

/** The edges of the windows from `from` on, as ISO instants, at most `count` of them. */
function edges(windows: readonly MaintenanceWindow[], from: string, count: number): string[] {
  const out: string[] = [];
  let t = ms(from);
  for (let i = 0; i < count; i++) {
    const edge = nextEdge(windows, t);
    if (edge === null) break;
    expect(edge).toBeGreaterThan(t);
    out.push(iso(edge)!);
    t = edge;
  }
  return out;
}

describe('a one-off window', () => {
  const dcPowerWork = compileOne({ timezone: 'Europe/Moscow', start: '2026-12-05T01:00', end: '2026-12-05T05:00' });

  test.each([
    ['2026-12-04T21:59:59.999Z', false],
    ['2026-12-04T22:00:00Z', true],
    ['2026-12-05T01:59:59.999Z', true],
    ['2026-12-05T02:00:00Z', false],
  ])('at %s in force: %s', (at, expected) => {
    expect(inForce(dcPowerWork, ms(at))).toBe(expected);
  });

  test('has two edges: its start and its end, each strictly after the time asked', () => {
    expect(iso(nextEdge([dcPowerWork], ms('2026-01-01T00:00:00Z')))).toBe('2026-12-04T22:00:00Z');
    expect(iso(nextEdge([dcPowerWork], ms('2026-12-04T21:59:59Z')))).toBe('2026-12-04T22:00:00Z');
    expect(iso(nextEdge([dcPowerWork], ms('2026-12-04T22:00:00Z')))).toBe('2026-12-05T02:00:00Z');
    expect(iso(nextEdge([dcPowerWork], ms('2026-12-05T01:59:59Z')))).toBe('2026-12-05T02:00:00Z');
    expect(nextEdge([dcPowerWork], ms('2026-12-05T02:00:00Z'))).toBeNull();
    expect(occurrenceAt(dcPowerWork, ms('2026-12-05T00:00:00Z'))).toEqual({ startMs: ms('2026-12-04T22:00:00Z'), endMs: ms('2026-12-05T02:00:00Z') });
  });

  test('local times the clock skips move forward; times it shows twice are the first', () => {
    // 02:30 does not exist on 29 March: it is 03:30 CEST (01:30Z); 04:00 CEST is 02:00Z.
    const spring = compileOne({ timezone: 'Europe/Amsterdam', start: '2026-03-29T02:30', end: '2026-03-29T04:00' });
    expect(spring.schedule).toEqual({ kind: 'once', startMs: ms('2026-03-29T01:30:00Z'), endMs: ms('2026-03-29T02:00:00Z') });
    // 02:30 on 25 October is first 02:30 CEST (00:30Z); 03:00 is 03:00 CET (02:00Z): 90 minutes of real time.
    const autumn = compileOne({ timezone: 'Europe/Amsterdam', start: '2026-10-25T02:30', end: '2026-10-25T03:00' });
    expect(autumn.schedule).toEqual({ kind: 'once', startMs: ms('2026-10-25T00:30:00Z'), endMs: ms('2026-10-25T02:00:00Z') });
    // To the second, and 01:00:15 on 1 November in New York is first shown in EDT (05:00:15Z).
    const seconds = compileOne({ timezone: 'America/New_York', start: '2026-11-01T00:59:30', end: '2026-11-01T01:00:15' });
    expect(seconds.schedule).toEqual({ kind: 'once', startMs: ms('2026-11-01T04:59:30Z'), endMs: ms('2026-11-01T05:00:15Z') });
  });
});

describe('a weekly window in Europe/Amsterdam, Sunday 02:00 for 2h', () => {
  const weeklyDb = compileOne({ timezone: 'Europe/Amsterdam', rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0', duration: 7_200_000 });

  test.each([
    // Winter: 02:00 CET is 01:00Z.
    ['2026-03-22T00:59:59Z', false],
    ['2026-03-22T01:00:00Z', true],
    ['2026-03-22T02:59:59Z', true],
    ['2026-03-22T03:00:00Z', false],
    // 29 March: 02:00 is skipped, the occurrence starts at 03:00 CEST (01:00Z) and lasts 2h of real time.
    ['2026-03-29T00:59:59Z', false],
    ['2026-03-29T01:00:00Z', true],
    ['2026-03-29T02:59:59Z', true],
    ['2026-03-29T03:00:00Z', false],
    // Summer: 02:00 CEST is 00:00Z.
    ['2026-04-04T23:59:59Z', false],
    ['2026-04-05T00:00:00Z', true],
    ['2026-04-05T01:59:59Z', true],
    ['2026-04-05T02:00:00Z', false],
    // 25 October: the first 02:00 (CEST, 00:00Z); the second 02:00 (CET, 01:00Z) is inside it, not a new start.
    ['2026-10-24T23:59:59Z', false],
    ['2026-10-25T00:00:00Z', true],
    ['2026-10-25T01:00:00Z', true],
    ['2026-10-25T01:59:59Z', true],
    ['2026-10-25T02:00:00Z', false],
    ['2026-10-25T02:59:59Z', false],
    // Winter again.
    ['2026-11-01T00:59:59Z', false],
    ['2026-11-01T01:00:00Z', true],
    ['2026-11-01T02:59:59Z', true],
    ['2026-11-01T03:00:00Z', false],
    // A weekday.
    ['2026-03-25T01:30:00Z', false],
  ])('at %s in force: %s', (at, expected) => {
    expect(inForce(weeklyDb, ms(at))).toBe(expected);
  });

  test('its edges across the change to summer time', () => {
    expect(edges([weeklyDb], '2026-03-20T00:00:00Z', 6)).toEqual([
      '2026-03-22T01:00:00Z',
      '2026-03-22T03:00:00Z',
      '2026-03-29T01:00:00Z',
      '2026-03-29T03:00:00Z',
      '2026-04-05T00:00:00Z',
      '2026-04-05T02:00:00Z',
    ]);
  });

  test('its edges across the change to winter time', () => {
    expect(edges([weeklyDb], '2026-10-17T00:00:00Z', 6)).toEqual([
      '2026-10-18T00:00:00Z',
      '2026-10-18T02:00:00Z',
      '2026-10-25T00:00:00Z',
      '2026-10-25T02:00:00Z',
      '2026-11-01T01:00:00Z',
      '2026-11-01T03:00:00Z',
    ]);
  });

  test('the same answers whatever order the times are asked in', () => {
    const times = ['2026-11-01T01:30:00Z', '2026-03-29T01:30:00Z', '2031-06-01T00:30:00Z', '2026-10-25T01:30:00Z', '2019-12-29T01:30:00Z'];
    const fresh = times.map((t) => inForce(compileOne({ timezone: 'Europe/Amsterdam', rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2', duration: 7_200_000 }), ms(t)));
    expect(times.map((t) => inForce(weeklyDb, ms(t)))).toEqual(fresh);
    expect(fresh).toEqual([true, true, true, true, true]);
  });

  test('the occurrence in force says when it started and ends', () => {
    expect(occurrenceAt(weeklyDb, ms('2026-03-29T02:00:00Z'))).toEqual({ startMs: ms('2026-03-29T01:00:00Z'), endMs: ms('2026-03-29T03:00:00Z') });
    expect(occurrenceAt(weeklyDb, ms('2026-03-29T03:00:00Z'))).toBeNull();
  });
});

describe('windows in America/New_York', () => {
  // Sunday 02:30 for 1h: on 8 March 02:30 is skipped and becomes 03:30 EDT.
  const sunday = compileOne({ timezone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30', duration: 3_600_000 });
  // Every day 01:30 for 30m: on 1 November 01:30 comes twice; the first (EDT) counts.
  const nightly = compileOne({ timezone: 'America/New_York', rrule: 'FREQ=DAILY;BYHOUR=1;BYMINUTE=30', duration: 1_800_000 });

  test('Sunday 02:30 across the change to summer time and back', () => {
    expect(edges([sunday], '2026-02-28T00:00:00Z', 6)).toEqual([
      '2026-03-01T07:30:00Z',
      '2026-03-01T08:30:00Z',
      '2026-03-08T07:30:00Z',
      '2026-03-08T08:30:00Z',
      '2026-03-15T06:30:00Z',
      '2026-03-15T07:30:00Z',
    ]);
    expect(edges([sunday], '2026-10-24T00:00:00Z', 4)).toEqual(['2026-10-25T06:30:00Z', '2026-10-25T07:30:00Z', '2026-11-01T07:30:00Z', '2026-11-01T08:30:00Z']);
  });

  test('every day 01:30 across both changes', () => {
    expect(edges([nightly], '2026-03-07T00:00:00Z', 6)).toEqual([
      '2026-03-07T06:30:00Z',
      '2026-03-07T07:00:00Z',
      '2026-03-08T06:30:00Z',
      '2026-03-08T07:00:00Z',
      '2026-03-09T05:30:00Z',
      '2026-03-09T06:00:00Z',
    ]);
    expect(edges([nightly], '2026-10-31T00:00:00Z', 6)).toEqual([
      '2026-10-31T05:30:00Z',
      '2026-10-31T06:00:00Z',
      '2026-11-01T05:30:00Z',
      '2026-11-01T06:00:00Z',
      '2026-11-02T06:30:00Z',
      '2026-11-02T07:00:00Z',
    ]);
    // 06:30Z on 1 November is 01:30 EST, the second time round: not a start.
    expect(inForce(nightly, ms('2026-11-01T06:30:00Z'))).toBe(false);
  });
});

describe('recurring windows', () => {
  test('occurrences that overlap or touch are one stretch in force', () => {
    // Monday and Tuesday 22:00 for 26h: Monday 22:00 to Thursday 00:00 without a break.
    const w = compileOne({ timezone: 'UTC', rrule: 'FREQ=DAILY;BYDAY=MO,TU;BYHOUR=22', duration: 26 * 3_600_000 });
    expect(edges([w], '2026-06-01T00:00:00Z', 4)).toEqual(['2026-06-01T22:00:00Z', '2026-06-04T00:00:00Z', '2026-06-08T22:00:00Z', '2026-06-11T00:00:00Z']);
    expect(inForce(w, ms('2026-06-03T23:59:59Z'))).toBe(true);
  });

  test('a rule that ends has no edge after its last occurrence', () => {
    const until = compileOne({ timezone: 'Europe/Amsterdam', rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=23;UNTIL=20260620T235959', duration: 7_200_000 });
    expect(edges([until], '2026-06-10T00:00:00Z', 10)).toEqual(['2026-06-13T21:00:00Z', '2026-06-13T23:00:00Z', '2026-06-20T21:00:00Z', '2026-06-20T23:00:00Z']);
    const count = compileOne({ timezone: 'UTC', rrule: 'DTSTART:20260301T020000\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=2', duration: 3_600_000 });
    expect(edges([count], '2020-01-01T00:00:00Z', 10)).toEqual(['2026-03-01T02:00:00Z', '2026-03-01T03:00:00Z', '2026-03-15T02:00:00Z', '2026-03-15T03:00:00Z']);
  });

  test('without DTSTART a rule counts from 2000-01-01T00:00 local: a WEEKLY rule without BYDAY falls on Saturdays at midnight', () => {
    const w = compileOne({ timezone: 'Europe/Amsterdam', rrule: 'FREQ=WEEKLY', duration: 3_600_000 });
    // Saturday 6 June 2026, 00:00 CEST.
    expect(edges([w], '2026-06-02T00:00:00Z', 2)).toEqual(['2026-06-05T22:00:00Z', '2026-06-05T23:00:00Z']);
    const fortnightly = compileOne({ timezone: 'UTC', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;BYHOUR=3', duration: 3_600_000 });
    // 2000-01-02 is the first Sunday; 2026-06-07 is 9653 days (1379 weeks, odd) later, so the 14th is next.
    expect(edges([fortnightly], '2026-06-01T00:00:00Z', 2)).toEqual(['2026-06-14T03:00:00Z', '2026-06-14T04:00:00Z']);
  });

  test('an hourly rule from 2000 answers at once for a time in 2026', () => {
    const w = compileOne({ timezone: 'Asia/Kolkata', rrule: 'FREQ=HOURLY;INTERVAL=5;BYMINUTE=15', duration: 600_000 });
    // Every fifth hour from 2000-01-01T00:00 IST; 2026-06-01T00:00 IST is 231552 hours later, 2 past
    // a multiple of 5, so that day's occurrences are at 03:15, 08:15, ... IST (+05:30).
    expect(edges([w], '2026-05-31T18:30:00Z', 4)).toEqual(['2026-05-31T21:45:00Z', '2026-05-31T21:55:00Z', '2026-06-01T02:45:00Z', '2026-06-01T02:55:00Z']);
  });
});

describe('covers', () => {
  const [byMatchers, byModels, byBoth] = compileMaintenance(
    [
      { matchers: ['datacenter="msk-1"', 'env!="test", rack=~"r1[0-9]"'], healthModels: [] },
      { matchers: [], healthModels: ['shop-infrastructure', 'online-shop'] },
      { matchers: ['datacenter="msk-1"'], healthModels: ['shop-infrastructure'] },
    ].map((fields, i) => ({ name: `w${i}`, timezone: 'UTC', start: '2026-12-05T01:00', end: '2026-12-05T05:00', ...fields })),
  ) as [MaintenanceWindow, MaintenanceWindow, MaintenanceWindow];
  const msk = { datacenter: 'msk-1', rack: 'r12' };

  test.each([
    ['matchers: all match', byMatchers, msk, null, true],
    ['matchers: a label missing counts as empty (env!="test" holds)', byMatchers, { datacenter: 'msk-1', rack: 'r10', env: 'prod' }, 'billing', true],
    ['matchers: one does not match', byMatchers, { ...msk, env: 'test' }, null, false],
    ['matchers: the regex is anchored', byMatchers, { datacenter: 'msk-1', rack: 'r123' }, null, false],
    ['health models: one of them', byModels, {}, 'online-shop', true],
    ['health models: another', byModels, msk, 'web-banking', false],
    ['health models: an alert without one', byModels, msk, null, false],
    ['both: matchers and health model', byBoth, msk, 'shop-infrastructure', true],
    ['both: the matchers without the health model', byBoth, msk, 'online-shop', false],
    ['both: the health model without the matchers', byBoth, { datacenter: 'ams-1' }, 'shop-infrastructure', false],
  ] as const)('%s: %s', (_what, w, labels, healthModel, expected) => {
    expect(covers(w, labels, healthModel)).toBe(expected);
  });
});

describe('coveringWindow', () => {
  const windows = compileMaintenance([
    { name: 'dc-power-work', matchers: ['datacenter="msk-1"'], healthModels: [], timezone: 'Europe/Moscow', start: '2026-12-05T01:00', end: '2026-12-05T05:00' },
    { name: 'weekly-db', matchers: [], healthModels: ['online-shop'], timezone: 'Europe/Amsterdam', rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0', duration: 7_200_000 },
    { name: 'shop-msk', matchers: ['datacenter="msk-1"'], healthModels: ['online-shop'], timezone: 'UTC', start: '2026-12-01T00:00', end: '2026-12-31T00:00' },
  ]);
  const name = (labels: Record<string, string>, healthModel: string | null, at: string): string | null => coveringWindow(windows, labels, healthModel, ms(at))?.name ?? null;

  test('the first window in force that covers the alert, in config order', () => {
    expect(name({ datacenter: 'msk-1' }, 'online-shop', '2026-12-04T23:00:00Z')).toBe('dc-power-work');
    expect(name({ datacenter: 'msk-1' }, 'online-shop', '2026-12-05T02:00:00Z')).toBe('shop-msk');
    expect(name({ datacenter: 'ams-1' }, 'online-shop', '2026-12-06T01:30:00Z')).toBe('weekly-db');
    expect(name({ datacenter: 'ams-1' }, 'online-shop', '2026-12-05T01:30:00Z')).toBeNull();
    expect(name({ datacenter: 'msk-1' }, 'web-banking', '2026-12-05T02:00:00Z')).toBeNull();
    expect(name({}, null, '2026-12-06T01:30:00Z')).toBeNull();
  });

  test('no window covers anything when there are none', () => {
    expect(coveringWindow([], { datacenter: 'msk-1' }, 'online-shop', ms('2026-12-05T00:00:00Z'))).toBeNull();
    expect(nextEdge([], 0)).toBeNull();
  });

  test('nextEdge takes the earliest edge of all windows', () => {
    expect(edges(windows, '2026-11-28T00:00:00Z', 9)).toEqual([
      '2026-11-29T01:00:00Z',
      '2026-11-29T03:00:00Z',
      '2026-12-01T00:00:00Z',
      '2026-12-04T22:00:00Z',
      '2026-12-05T02:00:00Z',
      '2026-12-06T01:00:00Z',
      '2026-12-06T03:00:00Z',
      '2026-12-13T01:00:00Z',
      '2026-12-13T03:00:00Z',
    ]);
    expect(iso(nextEdge(windows, ms('2026-12-27T03:00:00Z')))).toBe('2026-12-31T00:00:00Z');
  });
});
