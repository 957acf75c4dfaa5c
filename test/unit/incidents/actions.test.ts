import { runAction } from '../../../src/incidents/actions';
import { createPipeline } from '../../../src/incidents/pipeline';
import type { PersonCommand } from '../../../src/incidents/state-machine';
import { amBody } from '../../helpers/engine';
import { FakeClock } from '../../helpers/fake-clock';
import { exampleRuleSet } from '../../helpers/rules';

const anna = { type: 'person', name: 'anna' } as const;
const boris = { type: 'person', name: 'boris' } as const;
const probe = (startsAt: string, status: 'firing' | 'resolved' = 'firing', endsAt?: string) =>
  amBody([{ labels: { alertname: 'BlackboxProbeFailed', instance: 'https://checkout.example.net/health' }, startsAt, status, ...(endsAt ? { endsAt } : {}) }]);

function setup() {
  const clock = new FakeClock('2026-05-04T10:00:00Z');
  const pipeline = createPipeline({ ruleSet: exampleRuleSet(), clock, policy: { reopenWindowMs: 600_000, channelsFor: () => ['l1'] } });
  const act = (id: number, command: PersonCommand) => runAction({ store: pipeline.store.incidents, channelsFor: () => ['l1'] }, id, command, clock.now().getTime());
  const timeline = async (id: number) => (await pipeline.readModel.getIncident(id))!.timeline.map((t) => t.event);
  const notifications = async () => (await pipeline.readModel.listNotifications({ afterId: 0, limit: 100 })).map((n) => `${n.event}${n.step ? `:${n.step}` : ''}`);
  const push = (body: unknown) => pipeline.push(body, { name: 'alertmanager', type: 'alertmanager' });
  return { clock, pipeline, act, timeline, notifications, push };
}

describe('actions of people on the real store', () => {
  test('50 concurrent acknowledges from two people: one acknowledged entry, one change', async () => {
    const { pipeline, act, timeline, push } = setup();
    try {
      const { incidents } = await push(probe('2026-05-04T09:59:00Z'));
      const id = incidents[0]!;
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => act(id, { type: 'acknowledge', actor: i % 2 ? anna : boris })));
      expect(results.filter((r) => r.changed)).toHaveLength(1);
      expect(new Set(results.map((r) => r.incident.status))).toEqual(new Set(['acknowledged']));
      expect((await timeline(id)).filter((e) => e === 'acknowledged')).toHaveLength(1);
    } finally {
      await pipeline.close();
    }
  });

  test('timeline: acknowledge, escalate twice, resolve by hand; a repeat of the still firing alert pages nobody; a new firing reopens', async () => {
    const { clock, pipeline, act, timeline, notifications, push } = setup();
    try {
      const { incidents } = await push(probe('2026-05-04T09:59:00Z'));
      const id = incidents[0]!;
      clock.advance({ minutes: 2 });
      await act(id, { type: 'acknowledge', actor: anna, note: 'looking' });
      clock.advance({ minutes: 5 });
      await act(id, { type: 'escalate', actor: anna, note: 'needs the payments team' });
      await act(id, { type: 'escalate', actor: boris, note: 'vendor' });
      clock.advance({ minutes: 3 });
      const resolved = await act(id, { type: 'resolve', actor: boris, note: 'vendor rolled back' });
      expect(resolved.incident).toMatchObject({ status: 'resolved', resolvedBy: 'boris', resolutionNote: 'vendor rolled back', line: 'L3', acknowledgedBy: 'anna', firingCount: 1 });
      expect(await notifications()).toEqual(['opened', 'acknowledged', 'escalated:L2', 'escalated:L3', 'resolved']);

      // Alertmanager repeats the alert that was firing when the person resolved: nothing pages.
      clock.advance({ minutes: 1 });
      await push(probe('2026-05-04T09:59:00Z'));
      expect(await notifications()).toHaveLength(5);
      expect((await pipeline.readModel.getIncident(id))!.incident.status).toBe('resolved');

      // Its resolve ends the alert on the resolved incident, quietly.
      await push(probe('2026-05-04T09:59:00Z', 'resolved', '2026-05-04T10:11:00Z'));
      expect(await notifications()).toHaveLength(5);

      // A new firing within the reopen window reopens the incident and pages as a reopen.
      clock.advance({ minutes: 2 });
      await push(probe('2026-05-04T10:13:00Z'));
      const after = (await pipeline.readModel.getIncident(id))!.incident;
      expect(after).toMatchObject({ status: 'open', reopenCount: 1, resolvedBy: null, firingCount: 1 });
      expect(await notifications()).toEqual(['opened', 'acknowledged', 'escalated:L2', 'escalated:L3', 'resolved', 'reopened']);
      expect(await timeline(id)).toEqual(['opened', 'acknowledged', 'escalated', 'escalated', 'resolved', 'alert_resolved', 'reopened', 'alert_attached']);
    } finally {
      await pipeline.close();
    }
  });

  test('an unknown incident is not found; a forbidden action is a conflict and changes nothing', async () => {
    const { pipeline, act, timeline, push } = setup();
    try {
      await expect(act(99, { type: 'acknowledge', actor: anna })).rejects.toMatchObject({ code: 'not_found', status: 404 });
      const { incidents } = await push(probe('2026-05-04T09:59:00Z'));
      await act(incidents[0]!, { type: 'resolve', actor: anna, note: 'fixed' });
      await expect(act(incidents[0]!, { type: 'acknowledge', actor: boris })).rejects.toMatchObject({ code: 'conflict', status: 409 });
      expect(await timeline(incidents[0]!)).toEqual(['opened', 'resolved']);
    } finally {
      await pipeline.close();
    }
  });
});
