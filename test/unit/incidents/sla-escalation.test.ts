import type { SlaTerms } from '../../../src/core/sla-terms';
import { runAction } from '../../../src/incidents/actions';
import { rebuildSla } from '../../../src/incidents/sla-rebuild';
import { createPipeline } from '../../../src/incidents/pipeline';
import type { PersonCommand } from '../../../src/incidents/state-machine';
import { slaJson } from '../../../src/sla/view';
import { amBody } from '../../helpers/engine';
import { FakeClock } from '../../helpers/fake-clock';
import { exampleRuleSet } from '../../helpers/rules';

const M = 60_000;
const TERMS: SlaTerms = {
  policy: 'standard',
  targets: {
    P1: { responseMs: 15 * M, resolutionMs: 240 * M, calendar: '24x7' },
    P2: { responseMs: 30 * M, resolutionMs: 480 * M, calendar: '24x7' },
    P3: { responseMs: 240 * M, resolutionMs: 72 * 60 * M, calendar: 'office' },
    P4: { responseMs: 24 * 60 * M, resolutionMs: 240 * 60 * M, calendar: 'office' },
  },
  calendars: [{ name: 'office', timezone: 'Europe/Amsterdam', hours: { mon: ['09:00-18:00'], tue: ['09:00-18:00'], wed: ['09:00-18:00'], thu: ['09:00-18:00'], fri: ['09:00-17:00'] }, holidays: [] }],
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

const anna = { type: 'person', name: 'anna' } as const;
// The checkout probe of the example rules: a full outage of a high-criticality model, P1.
const probe = (startsAt: string, status: 'firing' | 'resolved' = 'firing', endsAt?: string) =>
  amBody([{ labels: { alertname: 'BlackboxProbeFailed', instance: 'https://checkout.example.net/health' }, startsAt, status, ...(endsAt ? { endsAt } : {}) }]);

function setup() {
  const clock = new FakeClock('2026-05-04T10:00:00Z');
  const channelsFor = (_event: string, _incident: unknown, line?: string) => [`${line ?? 'none'}-chat`];
  const pipeline = createPipeline({ ruleSet: exampleRuleSet(), clock, policy: { reopenWindowMs: 3_600_000, channelsFor, slaTermsFor: () => TERMS } });
  const at = (time: string) => clock.set(`2026-05-04T${time}Z`);
  const act = (id: number, command: PersonCommand) => runAction({ store: pipeline.store.incidents, channelsFor }, id, command, clock.now().getTime());
  let seen = 0;
  /** Notifications queued since the last call, as `event step -> channel`. */
  const told = async () => {
    const rows = await pipeline.readModel.listNotifications({ afterId: seen, limit: 1000 });
    if (rows.length > 0) seen = rows[rows.length - 1]!.id;
    return rows.map((n) => `${n.event}${n.step ? ` ${n.step}` : ''} -> ${n.channel}`);
  };
  const sla = async (id: number) => {
    const { incident } = (await pipeline.readModel.getIncident(id))!;
    return { line: incident.line, ...slaJson(incident, clock.now().getTime()) };
  };
  const timeline = async (id: number) => (await pipeline.readModel.getIncident(id))!.timeline.filter((t) => t.actor.name === 'sla').map((t) => ({ event: t.event, step: t.detail.step, lateSeconds: t.detail.lateSeconds }));
  const open = async () => (await pipeline.push(probe('2026-05-04T09:59:00Z'), { name: 'alertmanager', type: 'alertmanager' })).incidents[0]!;
  let latest = 0;
  /**
   * One scheduler pass; after it, the SLA kept on every incident (index, due time, steps to come)
   * is what its timeline says (as of a time no earlier than every entry: not after the clock is set back).
   */
  const run = async () => {
    const ran = await pipeline.sla.runOnce();
    const now = clock.now().getTime();
    if (now >= latest) expect((await rebuildSla(pipeline.store, now, false)).differences).toEqual([]);
    latest = Math.max(latest, now);
    return ran;
  };
  return { clock, pipeline, at, act, told, sla, timeline, open, run };
}

describe('SLA steps on a fake clock (P1: response 15m, resolution 4h, 24x7)', () => {
  test('not taken in hand: reminder at 50%, breach and escalation to L2 at 100% of the response, L3 at 80% of the resolution, L3 told at 100%', async () => {
    const t = setup();
    try {
      const id = await t.open();
      expect(await t.told()).toEqual(['opened -> L1-chat']);
      expect(await t.sla(id)).toMatchObject({ line: 'L1', policy: 'standard', responseDueAt: '2026-05-04T10:15:00.000Z', resolutionDueAt: '2026-05-04T14:00:00.000Z', responseBreached: false });
      t.at('10:07:29');
      expect(await t.run()).toBe(0);
      t.at('10:07:30');
      expect(await t.run()).toBe(1);
      expect(await t.told()).toEqual(['reminder response:0 -> L1-chat']);
      expect(await t.run()).toBe(0); // once
      t.at('10:15:00');
      expect(await t.run()).toBe(2);
      expect(await t.told()).toEqual(['sla_breached breach:response -> L1-chat', 'escalated response:1 -> L2-chat']);
      expect(await t.sla(id)).toMatchObject({ line: 'L2', responseBreached: true, respondedAt: null, resolutionBreached: false });
      t.at('13:12:00');
      expect(await t.run()).toBe(1);
      expect(await t.told()).toEqual(['escalated resolution:2@0 -> L3-chat']);
      t.at('14:00:00');
      expect(await t.run()).toBe(2);
      expect(await t.told()).toEqual(['sla_breached breach:resolution@0 -> L3-chat', 'reminder resolution:3@0 -> L3-chat']);
      expect(await t.sla(id)).toMatchObject({ line: 'L3', responseBreached: true, resolutionBreached: true });
      t.at('18:00:00');
      expect(await t.run()).toBe(0);
      // The wall clock is set back (NTP, a resumed VM): no step runs a second time.
      t.at('10:16:00');
      expect(await t.run()).toBe(0);
      expect(await t.told()).toEqual([]);
      expect((await t.timeline(id)).map((e) => `${e.event} ${String(e.step)} late ${String(e.lateSeconds)}`)).toEqual([
        'reminder response:0 late 0',
        'sla_breached breach:response late 0',
        'escalated response:1 late 0',
        'escalated resolution:2@0 late 0',
        'sla_breached breach:resolution@0 late 0',
        'reminder resolution:3@0 late 0',
      ]);
    } finally {
      await t.pipeline.close();
    }
  });

  test('acknowledged in time: no response step and no escalation; the acknowledge timeout re-pages after 30 quiet minutes, and a comment restarts it', async () => {
    const t = setup();
    try {
      const id = await t.open();
      await t.told();
      t.at('10:05:00');
      await t.act(id, { type: 'acknowledge', actor: anna });
      expect(await t.sla(id)).toMatchObject({ respondedAt: '2026-05-04T10:05:00.000Z', responseDueAt: '2026-05-04T10:15:00.000Z', responseBreached: false });
      t.at('10:34:59');
      expect(await t.run()).toBe(0);
      expect(await t.told()).toEqual(['acknowledged -> L1-chat']);
      t.at('10:35:00');
      expect(await t.run()).toBe(1);
      expect(await t.told()).toEqual([`reminder acknowledged:4@${Date.parse('2026-05-04T10:05:00Z')} -> L1-chat`]);
      t.at('10:50:00');
      await t.act(id, { type: 'comment', actor: anna, note: 'waiting for the payment provider' });
      t.at('11:19:59');
      expect(await t.run()).toBe(0);
      t.at('11:20:00');
      expect(await t.run()).toBe(1);
      expect((await t.told()).filter((n) => n.startsWith('reminder'))).toEqual([`reminder acknowledged:4@${Date.parse('2026-05-04T10:50:00Z')} -> L1-chat`]);
      expect(await t.sla(id)).toMatchObject({ line: 'L1', responseBreached: false });
    } finally {
      await t.pipeline.close();
    }
  });

  test('pause and resume move both due times by the time paused; no step runs while paused', async () => {
    const t = setup();
    try {
      const id = await t.open();
      t.at('10:05:00');
      await t.act(id, { type: 'pause', actor: anna, reason: 'waiting for the customer' });
      t.at('10:20:00');
      expect(await t.run()).toBe(0); // the 50% reminder (10:07:30) and the breach (10:15) do not run while paused
      expect(await t.sla(id)).toMatchObject({ paused: true, responseBreached: false, pausedSeconds: 900 });
      await t.act(id, { type: 'resume', actor: anna });
      expect(await t.sla(id)).toMatchObject({ paused: false, pausedSeconds: 900, responseDueAt: '2026-05-04T10:30:00.000Z', resolutionDueAt: '2026-05-04T14:15:00.000Z' });
      t.at('10:22:30');
      expect(await t.run()).toBe(1); // 50% of the response: 5 min before the pause + 2.5 after
      t.at('10:30:00');
      expect(await t.run()).toBe(2);
      expect(await t.sla(id)).toMatchObject({ line: 'L2', responseBreached: true });
    } finally {
      await t.pipeline.close();
    }
  });

  test('a priority change recomputes the due times from the opening with the new targets, keeping the pause', async () => {
    const t = setup();
    try {
      const id = await t.open();
      t.at('10:02:00');
      await t.act(id, { type: 'pause', actor: anna, reason: 'customer checks' });
      t.at('10:06:00');
      await t.act(id, { type: 'resume', actor: anna });
      t.at('10:10:00');
      await t.act(id, { type: 'prioritize', actor: anna, priority: 'P2', note: 'only some card types fail' });
      // P2: response 30m, resolution 8h, from 10:00, plus the 4 paused minutes.
      expect(await t.sla(id)).toMatchObject({ responseDueAt: '2026-05-04T10:34:00.000Z', resolutionDueAt: '2026-05-04T18:04:00.000Z', pausedSeconds: 240 });
      t.at('10:19:00');
      expect(await t.run()).toBe(1); // the reminder at 50% of 30m: 15 working minutes, at 10:19
      expect(await t.told()).toContain('reminder response:0 -> L1-chat');
    } finally {
      await t.pipeline.close();
    }
  });

  test('a reopen continues the resolution clock where it stopped; resolution steps may run again, response steps do not', async () => {
    const t = setup();
    try {
      const id = await t.open();
      t.at('10:05:00');
      await t.act(id, { type: 'acknowledge', actor: anna });
      t.at('11:00:00');
      await t.pipeline.push(probe('2026-05-04T09:59:00Z', 'resolved', '2026-05-04T11:00:00Z'), { name: 'alertmanager', type: 'alertmanager' });
      expect(await t.sla(id)).toMatchObject({ resolutionDueAt: '2026-05-04T14:00:00.000Z', resolutionBreached: false });
      t.at('11:30:00');
      await t.pipeline.push(probe('2026-05-04T11:29:00Z'), { name: 'alertmanager', type: 'alertmanager' });
      // 60 minutes ran before the resolve; 180 are left from 11:30.
      expect(await t.sla(id)).toMatchObject({ resolutionDueAt: '2026-05-04T14:30:00.000Z', respondedAt: '2026-05-04T10:05:00.000Z' });
      t.at('13:42:00');
      expect(await t.run()).toBe(1);
      expect(await t.told()).toContain('escalated resolution:2@1 -> L2-chat');
    } finally {
      await t.pipeline.close();
    }
  });

  test('after downtime every missed step runs at once, once, in time order, and says how late it is', async () => {
    const t = setup();
    try {
      const id = await t.open();
      t.at('15:00:00');
      expect(await t.run()).toBe(6);
      expect(await t.run()).toBe(0);
      const late = (await t.timeline(id)).map((e) => [e.step, e.lateSeconds]);
      expect(late).toEqual([
        ['response:0', 4 * 3600 + 52 * 60 + 30],
        ['breach:response', 4 * 3600 + 45 * 60],
        ['response:1', 4 * 3600 + 45 * 60],
        ['resolution:2@0', 108 * 60],
        ['breach:resolution@0', 3600],
        ['resolution:3@0', 3600],
      ]);
      expect(await t.sla(id)).toMatchObject({ line: 'L3' });
    } finally {
      await t.pipeline.close();
    }
  });
});
