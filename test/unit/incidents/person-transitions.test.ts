import { transition } from '../../../src/incidents/state-machine';
import type { PersonCommand } from '../../../src/incidents/state-machine';
import type { IncidentRecord } from '../../../src/store/store';
import { sampleIncident } from '../../helpers/notifications';

const NOW = Date.parse('2026-05-04T10:00:00Z');
const anna = { type: 'person', name: 'anna' } as const;
const open = (patch: Partial<IncidentRecord> = {}) => sampleIncident({ status: 'open', ...patch });
const acked = (patch: Partial<IncidentRecord> = {}) => open({ status: 'acknowledged', acknowledgedAt: NOW - 1000, acknowledgedBy: 'boris', assignee: 'boris', ...patch });
const resolved = (patch: Partial<IncidentRecord> = {}) => open({ status: 'resolved', resolvedAt: NOW - 1000, resolvedBy: 'boris', resolutionNote: 'restarted', ...patch });
const cmd = <T extends PersonCommand['type']>(type: T, rest: Omit<Extract<PersonCommand, { type: T }>, 'type' | 'actor'>) => ({ type, actor: anna, ...rest }) as PersonCommand;

describe('person commands of the state machine', () => {
  test.each([
    // [what, incident, command, expected: 'conflict' | 'none' | patch, timeline event, notifications]
    ['acknowledge an open incident', open(), cmd('acknowledge', { note: 'on it' }), { status: 'acknowledged', acknowledgedAt: NOW, acknowledgedBy: 'anna', assignee: 'anna' }, 'acknowledged', ['acknowledged']],
    ['acknowledge keeps an assignee', open({ assignee: 'boris' }), cmd('acknowledge', {}), { acknowledgedBy: 'anna', assignee: 'boris' }, 'acknowledged', ['acknowledged']],
    ['acknowledge an acknowledged incident', acked(), cmd('acknowledge', {}), 'none', null, []],
    ['acknowledge a resolved incident', resolved(), cmd('acknowledge', {}), 'conflict', null, []],
    ['assign', open(), cmd('assign', { assignee: 'boris' }), { assignee: 'boris' }, 'assigned', []],
    ['assign to the assignee', acked(), cmd('assign', { assignee: 'boris' }), 'none', null, []],
    ['assign a resolved incident', resolved(), cmd('assign', { assignee: 'boris' }), 'conflict', null, []],
    ['comment', open(), cmd('comment', { note: 'checking the provider' }), {}, 'commented', []],
    ['comment on a resolved incident', resolved(), cmd('comment', { note: 'root cause found' }), {}, 'commented', []],
    ['escalate to the next line', open(), cmd('escalate', { note: 'needs a DBA' }), { line: 'L2' }, 'escalated', ['escalated:L2']],
    ['escalate to a given line', open(), cmd('escalate', { line: 'L3', note: 'vendor bug' }), { line: 'L3' }, 'escalated', ['escalated:L3']],
    ['escalate from L2', open({ line: 'L2' }), cmd('escalate', { note: 'x' }), { line: 'L3' }, 'escalated', ['escalated:L3']],
    ['escalate at L3', open({ line: 'L3' }), cmd('escalate', { note: 'x' }), 'conflict', null, []],
    ['escalate to the current line', open({ line: 'L2' }), cmd('escalate', { line: 'L2', note: 'x' }), 'none', null, []],
    ['escalate down', open({ line: 'L3' }), cmd('escalate', { line: 'L2', note: 'x' }), 'conflict', null, []],
    ['escalate a resolved incident', resolved(), cmd('escalate', { note: 'x' }), 'conflict', null, []],
    [
      'resolve with alerts still firing',
      open({ firingCount: 2, endedAt: null }),
      cmd('resolve', { note: 'restarted the pod' }),
      { status: 'resolved', resolvedAt: NOW, resolvedBy: 'anna', resolutionNote: 'restarted the pod', endedAt: NOW, firingCount: undefined },
      'resolved',
      ['resolved'],
    ],
    ['resolve keeps the end of its alerts', acked({ firingCount: 0, endedAt: NOW - 5000 }), cmd('resolve', { note: 'done' }), { endedAt: NOW - 5000 }, 'resolved', ['resolved']],
    ['resolve a resolved incident', resolved(), cmd('resolve', { note: 'again' }), 'none', null, []],
    ['resolve ends a pause', open({ pausedAt: NOW - 60_000 }), cmd('resolve', { note: 'done' }), { pausedAt: null }, 'resolved', ['resolved']],
    ['reopen', resolved({ reopenCount: 1 }), cmd('reopen', { note: 'back again' }), { status: 'open', resolvedAt: null, resolvedBy: null, resolutionNote: null, reopenCount: 2 }, 'reopened', ['reopened']],
    ['reopen an open incident', open(), cmd('reopen', {}), 'none', null, []],
    ['pause', acked(), cmd('pause', { reason: 'waiting for the provider' }), { pausedAt: NOW }, 'paused', []],
    ['pause a paused incident', open({ pausedAt: NOW - 5 }), cmd('pause', { reason: 'x' }), 'none', null, []],
    ['pause a resolved incident', resolved(), cmd('pause', { reason: 'x' }), 'conflict', null, []],
    ['resume', open({ pausedAt: NOW - 90_000 }), cmd('resume', {}), { pausedAt: null }, 'resumed', []],
    ['resume a running incident', open(), cmd('resume', {}), 'none', null, []],
  ] as [string, IncidentRecord, PersonCommand, 'conflict' | 'none' | Partial<IncidentRecord>, string | null, string[]][])('%s', (_what, incident, command, expected, event, notify) => {
    const t = transition(incident, command, NOW);
    if (expected === 'conflict') {
      expect(t.conflict).toEqual(expect.any(String));
      expect(t.patch).toEqual({});
      expect(t.timeline).toEqual([]);
      return;
    }
    expect(t.conflict).toBeNull();
    if (expected === 'none') {
      expect(t.patch).toEqual({});
      expect(t.timeline).toEqual([]);
      expect(t.notify).toEqual([]);
      return;
    }
    for (const [field, value] of Object.entries(expected)) expect(t.patch[field as keyof typeof t.patch]).toEqual(value);
    expect(t.patch.updatedAt).toBe(NOW);
    expect(t.timeline.map((e) => [e.event, e.actor, e.at])).toEqual([[event, anna, NOW]]);
    expect(t.notify.map((n) => (n.step ? `${n.event}:${n.step}` : n.event))).toEqual(notify);
  });

  test('the timeline entry carries the note, and a resume how long the pause lasted', () => {
    expect(transition(open(), cmd('acknowledge', { note: 'on it' }), NOW).timeline[0]!.detail).toEqual({ note: 'on it' });
    expect(transition(open({ pausedAt: NOW - 90_000 }), cmd('resume', {}), NOW).timeline[0]!.detail).toEqual({ pausedSeconds: 90 });
    expect(transition(open(), cmd('escalate', { note: 'dba' }), NOW).timeline[0]!.detail).toEqual({ from: 'L1', to: 'L2', note: 'dba' });
  });

  test('outcomes: a resolve and a reopen by a person count like those of the alerts', () => {
    expect(transition(open(), cmd('resolve', { note: 'x' }), NOW).outcome).toBe('resolved');
    expect(transition(resolved(), cmd('reopen', {}), NOW).outcome).toBe('reopened');
    expect(transition(open(), cmd('acknowledge', {}), NOW).outcome).toBeNull();
  });
});
