import { decideAlert, decideResolve, decideTarget } from '../../../src/incidents/lifecycle';

describe('decideAlert', () => {
  const firing = (startsAt: number) => ({ incidentId: 1, status: 'firing' as const, startsAt });
  const resolved = (startsAt: number) => ({ incidentId: 1, status: 'resolved' as const, startsAt });
  test.each([
    ['nothing stored, firing', null, 'firing', 10, 'activate'],
    ['nothing stored, resolved (resolve before its firing)', null, 'resolved', 10, 'record'],
    ['same activation firing again', firing(10), 'firing', 10, 'repeat'],
    ['same activation resolves', firing(10), 'resolved', 10, 'resolve'],
    ['same activation resolved again', resolved(10), 'resolved', 10, 'repeat'],
    ['firing that its resolve already ended', resolved(10), 'firing', 10, 'stale'],
    ['older activation firing', firing(10), 'firing', 5, 'stale'],
    ['older activation resolving', firing(10), 'resolved', 5, 'stale'],
    ['newer activation after a resolve', resolved(10), 'firing', 20, 'activate'],
    ['newer activation while still firing (missed resolve)', firing(10), 'firing', 20, 'activate'],
    ['newer resolve ends a firing we hold', firing(10), 'resolved', 20, 'resolve'],
    ['newer resolve after a resolve', resolved(10), 'resolved', 20, 'record'],
  ] as const)('%s -> %s', (_name, previous, status, startsAt, expected) => {
    expect(decideAlert(previous, { status, startsAt })).toBe(expected);
  });
});

describe('decideTarget', () => {
  const window = 600_000;
  test('an active incident takes the alert', () => {
    expect(decideTarget({ id: 3, status: 'acknowledged', endedAt: null }, null, 0, window)).toEqual({ kind: 'attach', incidentId: 3 });
  });
  test.each([
    [0, 'reopen'],
    [window, 'reopen'],
    [window + 1, 'open'],
    [-5_000, 'reopen'],
  ])('a firing %d ms after the last incident ended -> %s', (delta, kind) => {
    const ended = 1_000_000;
    expect(decideTarget(null, { id: 7, status: 'resolved', endedAt: ended }, ended + delta, window).kind).toBe(kind);
  });
  test('no incident yet opens one', () => {
    expect(decideTarget(null, null, 0, window)).toEqual({ kind: 'open' });
  });
});

describe('decideResolve', () => {
  test.each([
    [1, true, 0, 'stay'],
    [0, true, 0, 'resolve'],
    [0, false, 0, 'stay'],
    [0, true, 300_000, 'hold'],
  ])('firing=%d enabled=%s holdDown=%d -> %s', (firing, enabled, holdDownMs, kind) => {
    const d = decideResolve(firing, { enabled, holdDownMs }, 1000);
    expect(d.kind).toBe(kind);
    if (d.kind === 'hold') expect(d.dueAt).toBe(1000 + holdDownMs);
  });
});
