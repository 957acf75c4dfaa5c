import { compileCalendars } from '../../../src/sla/calendar';
import { slaState } from '../../../src/sla/clocks';
import type { ClockEntry, SlaTargets } from '../../../src/sla/clocks';
import type { IncidentEventName } from '../../../src/core/vocabulary';

const cals = compileCalendars([{ name: 'office-nl', timezone: 'Europe/Amsterdam', hours: { mon: ['09:00-18:00'], tue: ['09:00-18:00'], wed: ['09:00-18:00'], thu: ['09:00-18:00'], fri: ['09:00-17:00'] }, holidays: [] }]
);
const M = 60_000;
const T0 = Date.parse('2026-12-01T10:00:00Z'); // a Tuesday, 11:00 in Amsterdam
const at = (minutes: number) => T0 + minutes * M;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const P1: SlaTargets = { policy: 'standard', response: { durationMs: 15 * M, calendar: cals.get('24x7')! }, resolution: { durationMs: 240 * M, calendar: cals.get('24x7')! } };
const P3: SlaTargets = { policy: 'standard', response: { durationMs: 240 * M, calendar: cals.get('office-nl')! }, resolution: { durationMs: 72 * 60 * M, calendar: cals.get('office-nl')! } };
const by = (type: 'person' | 'system' | 'source') => ({ type, name: type === 'person' ? 'anna' : 'am' });
const e = (minute: number, event: IncidentEventName, who: 'person' | 'system' | 'source' = 'person'): ClockEntry => ({ at: at(minute), event, actor: by(who) });
const state = (targets: SlaTargets, timeline: ClockEntry[], nowMinute: number) => {
  const s = slaState(targets, T0, [e(0, 'opened', 'source'), ...timeline], at(nowMinute));
  return { ...s, responseDueAt: iso(s.responseDueAt), respondedAt: iso(s.respondedAt), resolutionDueAt: iso(s.resolutionDueAt) };
};

// Expected times worked out by hand from T0 = 2026-12-01T10:00Z (Tuesday 11:00 CET).
describe('SLA clocks derived from the timeline', () => {
  test('a new P1: due in 15 minutes and 4 hours, nothing breached', () => {
    expect(state(P1, [], 5)).toEqual({ policy: 'standard', responseDueAt: '2026-12-01T10:15:00.000Z', respondedAt: null, responseBreached: false, resolutionDueAt: '2026-12-01T14:00:00.000Z', resolutionBreached: false, paused: false, pausedSeconds: 0, pausedSince: null });
  });

  test('acknowledged in time: the response is met and stays due at its deadline', () => {
    expect(state(P1, [e(10, 'acknowledged')], 30)).toMatchObject({ responseDueAt: '2026-12-01T10:15:00.000Z', respondedAt: '2026-12-01T10:10:00.000Z', responseBreached: false });
  });

  test('not acknowledged after 16 minutes: breached; acknowledged later it stays breached', () => {
    expect(state(P1, [], 16)).toMatchObject({ responseBreached: true, respondedAt: null });
    expect(state(P1, [e(20, 'acknowledged')], 30)).toMatchObject({ responseBreached: true, respondedAt: '2026-12-01T10:20:00.000Z', responseDueAt: '2026-12-01T10:15:00.000Z' });
  });

  test('exactly at the due time it has not passed yet', () => {
    expect(state(P1, [], 15)).toMatchObject({ responseBreached: false, responseDueAt: '2026-12-01T10:15:00.000Z' });
  });

  test('assign, escalate and a resolve by a person take it in hand; a comment or the source does not', () => {
    expect(state(P1, [e(3, 'commented'), e(4, 'assigned')], 30).respondedAt).toBe('2026-12-01T10:04:00.000Z');
    expect(state(P1, [e(6, 'escalated')], 30).respondedAt).toBe('2026-12-01T10:06:00.000Z');
    expect(state(P1, [e(7, 'commented')], 30).respondedAt).toBeNull();
    expect(state(P1, [e(8, 'resolved')], 30)).toMatchObject({ respondedAt: '2026-12-01T10:08:00.000Z', resolutionBreached: false });
  });

  test('resolved by its alerts before the response was due: no response, neither met nor breached', () => {
    expect(state(P1, [e(5, 'resolved', 'source')], 60)).toMatchObject({ responseDueAt: null, respondedAt: null, responseBreached: false, resolutionBreached: false });
  });

  test('resolved by its alerts after the response was due: the response is breached', () => {
    expect(state(P1, [e(20, 'resolved', 'source')], 60)).toMatchObject({ responseBreached: true, respondedAt: null });
  });

  test('a pause moves both due times later by the time paused, and is counted', () => {
    // Paused from minute 5 to 35: 30 minutes later each.
    expect(state(P1, [e(5, 'paused'), e(35, 'resumed')], 36)).toMatchObject({
      responseDueAt: '2026-12-01T10:45:00.000Z',
      resolutionDueAt: '2026-12-01T14:30:00.000Z',
      paused: false,
      pausedSeconds: 1800,
      responseBreached: false,
    });
  });

  test('while paused, the due times keep moving later and nothing breaches', () => {
    // Paused at minute 5 with 10 minutes of response left; at minute 100 the response is due at 100 + 10.
    expect(state(P1, [e(5, 'paused')], 100)).toMatchObject({ paused: true, pausedSeconds: 95 * 60, responseBreached: false, responseDueAt: '2026-12-01T11:50:00.000Z' });
  });

  test('a reopen goes on from where the resolution clock stopped; the time resolved does not count', () => {
    // Resolved at 60 (180 of 240 left), reopened at 600: due at 600 + 180 = minute 780.
    expect(state(P1, [e(2, 'acknowledged'), e(60, 'resolved'), e(600, 'reopened', 'source')], 610)).toMatchObject({
      resolutionDueAt: '2026-12-01T23:00:00.000Z',
      resolutionBreached: false,
      respondedAt: '2026-12-01T10:02:00.000Z',
    });
  });

  test('resolved in time: the resolution is met and its due time stays', () => {
    expect(state(P1, [e(2, 'acknowledged'), e(200, 'resolved')], 1000)).toMatchObject({ resolutionDueAt: '2026-12-01T14:00:00.000Z', resolutionBreached: false });
  });

  test('resolved late: breached', () => {
    expect(state(P1, [e(2, 'acknowledged'), e(300, 'resolved')], 1000)).toMatchObject({ resolutionBreached: true, resolutionDueAt: '2026-12-01T14:00:00.000Z' });
  });

  test('office hours: a P3 opened Tuesday 11:00 CET is due 4 working hours later, 15:00 CET', () => {
    expect(state(P3, [], 1)).toMatchObject({ responseDueAt: '2026-12-01T14:00:00.000Z' });
  });

  test('office hours: a pause overnight costs no working time', () => {
    // Paused only from Tuesday 17:00 CET (minute 360): the 4 working hours had run out at 15:00 CET, so
    // it breached before the pause and stays breached, due 15:00 CET.
    expect(state(P3, [e(360, 'paused'), e(1380, 'resumed')], 1390)).toMatchObject({ responseBreached: true, responseDueAt: '2026-12-01T14:00:00.000Z' });
    // Paused at 12:00 CET (minute 60) until Wednesday 10:00 CET (minute 1380): 6h + 1h = 7h of working
    // time paused; 1h ran before (11:00-12:00), 3h left from Wednesday 10:00: due Wednesday 13:00 CET.
    expect(state(P3, [e(60, 'paused'), e(1380, 'resumed')], 1390)).toMatchObject({ responseBreached: false, responseDueAt: '2026-12-02T12:00:00.000Z' });
  });
});
