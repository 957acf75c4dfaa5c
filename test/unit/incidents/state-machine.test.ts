import { openIncident, transition } from '../../../src/incidents/state-machine';
import type { IncidentCommand } from '../../../src/incidents/state-machine';
import type { IncidentRecord } from '../../../src/store/store';
import { sampleIncident } from '../../helpers/notifications';

const NOW = Date.parse('2026-05-04T10:00:00Z');
const source = { type: 'source', name: 'am' } as const;
const cause = { source: 'am', fingerprint: 'f1' };
const incident = (patch: Partial<IncidentRecord> = {}): IncidentRecord =>
  sampleIncident({ status: 'open', alertCount: 2, firingCount: 2, deliveryCount: 5, reopenCount: 0, endedAt: null, resolvedAt: null, resolveDueAt: null, autoResolve: true, holdDownMs: 0, ...patch });
const fire = (patch: Partial<Extract<IncidentCommand, { type: 'fire' }>> = {}): IncidentCommand => ({ type: 'fire', actor: source, cause, startsAt: NOW - 60_000, newAlert: true, wasFiring: false, ...patch });
const end = (counted = true): IncidentCommand => ({ type: 'end_alert', actor: source, cause, endsAt: NOW - 1000, counted });

describe('the incident state machine', () => {
  test('opening: the first alert counted, an opened entry by the source, an opened notification', () => {
    const opened = openIncident({ actor: source, cause, fields: { ...sampleIncident(), key: 'k' } as never, startsAt: NOW - 5000, matched: true }, NOW);
    expect(opened.incident).toMatchObject({ status: 'open', alertCount: 1, firingCount: 1, deliveryCount: 1, startedAt: NOW - 5000, openedAt: NOW, updatedAt: NOW });
    expect(opened.timeline).toEqual([{ at: NOW, event: 'opened', actor: source, detail: { ...cause, priority: 'P1', matched: true } }]);
    expect(opened.notify.map((n) => n.event)).toEqual(['opened']);
  });

  test.each([
    // [what, incident, command, patch fields expected, timeline events, notifications, outcome]
    ['a new alert attaches', incident(), fire(), { alertCount: 3, firingCount: 3, deliveryCount: 6 }, ['alert_attached'], [], null],
    ['an alert firing again on it counts a delivery only', incident(), fire({ newAlert: false, wasFiring: true }), { alertCount: 2, firingCount: 2, deliveryCount: 6 }, ['alert_attached'], [], null],
    ['a known alert firing again after its end', incident(), fire({ newAlert: false }), { alertCount: 2, firingCount: 3 }, ['alert_attached'], [], null],
    [
      'a firing on a resolved incident reopens it',
      incident({ status: 'resolved', firingCount: 0, resolvedAt: NOW - 5000, endedAt: NOW - 6000, acknowledgedAt: NOW - 9000 }),
      fire({ newAlert: false }),
      { status: 'open', resolvedAt: null, acknowledgedAt: null, endedAt: null, reopenCount: 1, firingCount: 1 },
      ['reopened', 'alert_attached'],
      ['reopened'],
      'reopened',
    ],
    ['a firing cancels a hold-down', incident({ firingCount: 0, resolveDueAt: NOW + 60_000 }), fire({ newAlert: false }), { resolveDueAt: null, firingCount: 1 }, ['alert_attached'], [], null],
    ['one of two alerts ends', incident(), end(), { firingCount: 1, endedAt: NOW - 1000, deliveryCount: 6 }, ['alert_resolved'], [], null],
    ['the last alert ends: resolved', incident({ firingCount: 1 }), end(), { firingCount: 0, status: 'resolved', resolvedAt: NOW }, ['alert_resolved', 'resolved'], ['resolved'], 'resolved'],
    ['a superseded end counts no delivery', incident({ firingCount: 1 }), end(false), { deliveryCount: 5, status: 'resolved' }, ['alert_resolved', 'resolved'], ['resolved'], 'resolved'],
    ['the last alert ends with a hold-down', incident({ firingCount: 1, holdDownMs: 300_000 }), end(), { firingCount: 0, resolveDueAt: NOW + 300_000 }, ['alert_resolved', 'resolve_scheduled'], [], null],
    ['the last alert ends, no auto-resolve', incident({ firingCount: 1, autoResolve: false }), end(), { firingCount: 0 }, ['alert_resolved'], [], null],
    ['an end on a resolved incident', incident({ status: 'resolved', firingCount: 1 }), end(), { firingCount: 0 }, ['alert_resolved'], [], null],
    ['a repeat counts a delivery', incident(), { type: 'count_delivery' }, { deliveryCount: 6 }, [], [], null],
    ['a source update lands on the timeline', incident(), { type: 'source_update', actor: source, detail: { action: 'ack' } }, { updatedAt: NOW }, ['source_update'], [], null],
    ['the hold-down passed', incident({ firingCount: 0, resolveDueAt: NOW }), { type: 'resolve_due', actor: { type: 'system', name: 'hold-down' } }, { status: 'resolved' }, ['resolved'], ['resolved'], 'resolved'],
    ['the hold-down not yet passed', incident({ firingCount: 0, resolveDueAt: NOW + 1 }), { type: 'resolve_due', actor: { type: 'system', name: 'hold-down' } }, {}, [], [], null],
    ['a hold-down cancelled by a re-fire', incident({ firingCount: 1, resolveDueAt: NOW }), { type: 'resolve_due', actor: { type: 'system', name: 'hold-down' } }, {}, [], [], null],
  ] as [string, IncidentRecord, IncidentCommand, Partial<IncidentRecord>, string[], string[], string | null][])('%s', (_what, before, command, patch, events, notify, outcome) => {
    const t = transition(before, command, NOW);
    expect(t.patch).toMatchObject(patch);
    expect(t.timeline.map((e) => e.event)).toEqual(events);
    expect(t.notify.map((n) => n.event)).toEqual(notify);
    expect(t.outcome).toBe(outcome);
    for (const entry of t.timeline) expect(entry.at).toBe(NOW);
  });

  test('actors: the source ends and resolves by its alerts; the hold-down is the system', () => {
    const byAlerts = transition(incident({ firingCount: 1 }), end(), NOW);
    expect(byAlerts.timeline.map((e) => e.actor)).toEqual([source, source]);
    const held = transition(incident({ firingCount: 1, holdDownMs: 1000 }), end(), NOW);
    expect(held.timeline[1]!.actor).toEqual({ type: 'system', name: 'hold-down' });
  });

  test('a transition never changes the record it was given', () => {
    const before = incident({ firingCount: 1 });
    const copy = structuredClone(before);
    transition(before, end(), NOW);
    expect(before).toEqual(copy);
  });
});
