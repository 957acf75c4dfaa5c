import type { SlaTerms } from '../../../src/core/sla-terms';
import type { IncidentEventName } from '../../../src/core/vocabulary';
import { afterStep, slaPlan } from '../../../src/sla/plan';
import type { ClockEntry } from '../../../src/sla/clocks';

const M = 60_000;
const office = { name: 'office', timezone: 'Europe/Amsterdam', hours: { mon: ['09:00-18:00'], tue: ['09:00-18:00'], wed: ['09:00-13:00', '14:00-18:00'], thu: ['09:00-18:00'], fri: ['09:00-17:00'] }, holidays: ['2026-12-25'] };
const TERMS: SlaTerms = {
  policy: 'standard',
  targets: {
    P1: { responseMs: 15 * M, resolutionMs: 240 * M, calendar: '24x7' },
    P2: { responseMs: 30 * M, resolutionMs: 480 * M, calendar: '24x7' },
    P3: { responseMs: 240 * M, resolutionMs: 72 * 60 * M, calendar: 'office' },
    P4: { responseMs: 1440 * M, resolutionMs: 240 * 60 * M, calendar: 'office' },
  },
  calendars: [office],
  escalation: {
    policy: 'by-sla',
    steps: [
      { clock: 'response', at: { kind: 'share', share: 0.5 }, atText: '50%', action: 'remind' },
      { clock: 'response', at: { kind: 'share', share: 1 }, atText: '100%', action: 'escalate' },
      { clock: 'resolution', at: { kind: 'share', share: 0.8 }, atText: '80%', action: 'escalate' },
      { clock: 'resolution', at: { kind: 'share', share: 1 }, atText: '100%', action: 'notify', line: 'L3' },
      { clock: 'acknowledged', at: { kind: 'working', ms: 30 * M }, atText: '30m', action: 'remind' },
    ],
  },
};
const T0 = Date.parse('2026-12-01T10:00:00Z');
const EVENT: Record<string, IncidentEventName> = { remind: 'reminder', notify: 'reminder', escalate: 'escalated', breach: 'sla_breached' };

describe('the plan after a step is the plan recomputed with its entry', () => {
  test.each(['P1', 'P2', 'P3', 'P4'] as const)('%s: every step of a long downtime, one by one', (priority) => {
    const timeline: ClockEntry[] = [{ at: T0, event: 'opened', actor: { type: 'source', name: 'am' } }];
    const incident = { openedAt: T0, priority, status: 'open' as const };
    const now = T0 + 60 * 24 * 60 * M;
    let plan = slaPlan(TERMS, incident, timeline, now);
    let steps = 0;
    while (plan.pending[0] && plan.pending[0].dueAt <= now) {
      const step = plan.pending[0];
      timeline.push({ at: now, event: EVENT[step.action]!, actor: { type: 'system', name: 'sla' }, detail: { step: step.key, clock: step.clock } });
      plan = afterStep(plan, step);
      expect(plan).toEqual(slaPlan(TERMS, incident, timeline, now));
      steps++;
    }
    expect(steps).toBe(6);
  });
});
