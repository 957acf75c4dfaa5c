import type { Suppression } from '../../../src/core/vocabulary';
import { runAction } from '../../../src/incidents/actions';
import { createPipeline } from '../../../src/incidents/pipeline';
import { compileInhibit } from '../../../src/incidents/quiet-policy';
import { amBody } from '../../helpers/engine';
import { FakeClock } from '../../helpers/fake-clock';
import { exampleRuleSet } from '../../helpers/rules';

const anna = { type: 'person', name: 'anna' } as const;
const probe = (instance: string, startsAt: string, status: 'firing' | 'resolved' = 'firing', endsAt?: string) =>
  amBody([{ labels: { alertname: 'BlackboxProbeFailed', instance }, startsAt, status, ...(endsAt ? { endsAt } : {}) }]);
// online-shop: checkout-available is a full outage (P1); checkout-success-rate a partial outage.
const CHECKOUT = 'https://checkout.example.net/health';

/** A cover the test switches on and off: covers alerts whose instance is in `covered`. */
function testCovers() {
  const covered = new Map<string, Suppression>();
  const edges: number[] = [];
  return {
    covered,
    edges,
    policy: {
      coverFor: (labels: Readonly<Record<string, string>>) => covered.get(labels.instance ?? '') ?? null,
      nextEdge: (after: number) => edges.filter((e) => e > after).sort((a, b) => a - b)[0] ?? null,
      // With no cover in force, the worker re-examines only the incidents suppressed now.
      anyInForce: () => covered.size > 0,
      inhibit: compileInhibit([{ when: { impact: 'full_outage' }, mute: { impact: ['partial_outage', 'defect'] }, equal: ['healthModel'] }]),
    },
  };
}

function setup() {
  const clock = new FakeClock('2026-05-04T10:00:00Z');
  const covers = testCovers();
  const channelsFor = () => ['l1'];
  const pipeline = createPipeline({ ruleSet: exampleRuleSet(), clock, policy: { reopenWindowMs: 3_600_000, channelsFor }, quiet: { policy: covers.policy, heartbeats: [] } });
  let seen = 0;
  const told = async () => {
    const rows = await pipeline.readModel.listNotifications({ afterId: seen, limit: 1000 });
    if (rows.length > 0) seen = rows[rows.length - 1]!.id;
    return rows.map((n) => `${n.incidentId} ${n.event}`);
  };
  const push = (body: unknown) => pipeline.push(body, { name: 'alertmanager', type: 'alertmanager' });
  const incident = async (id: number) => (await pipeline.readModel.getIncident(id))!;
  const act = (id: number, command: Parameters<typeof runAction>[2]) => runAction({ store: pipeline.store.incidents, channelsFor, quiet: covers.policy }, id, command, clock.now().getTime());
  return { clock, covers, pipeline, told, push, incident, act };
}

describe('quiet: suppression by a cover', () => {
  test('an incident opened under a cover pages nobody and its SLA stands still; the cover ends while it fires: it pages opened, once', async () => {
    const t = setup();
    try {
      t.covers.covered.set(CHECKOUT, { by: 'maintenance', name: 'weekly-db' });
      const id = (await t.push(probe(CHECKOUT, '2026-05-04T09:59:00Z'))).incidents[0]!;
      expect((await t.incident(id)).incident).toMatchObject({ suppressed: { by: 'maintenance', name: 'weekly-db' }, paged: false });
      expect(await t.told()).toEqual([]);
      // A repeat of the covered alert changes nothing.
      t.clock.advance({ minutes: 1 });
      await t.push(probe(CHECKOUT, '2026-05-04T09:59:00Z'));
      expect(await t.told()).toEqual([]);
      // The window ends at 10:30.
      t.clock.set('2026-05-04T10:30:00Z');
      t.covers.covered.clear();
      t.covers.edges.push(Date.parse('2026-05-04T10:30:00Z'));
      expect(await t.pipeline.quiet!.runOnce()).toBe(1);
      expect(await t.told()).toEqual([`${id} opened`]);
      expect((await t.incident(id)).incident).toMatchObject({ suppressed: null, paged: true });
      expect(await t.pipeline.quiet!.runOnce()).toBe(0);
      expect(await t.told()).toEqual([]);
      const events = (await t.incident(id)).timeline.map((e) => e.event);
      expect(events.filter((e) => e === 'suppressed' || e === 'unsuppressed')).toEqual(['suppressed', 'unsuppressed']);
    } finally {
      await t.pipeline.close();
    }
  });

  test('a resolve inside the cover resolves and pages nobody (it never paged)', async () => {
    const t = setup();
    try {
      t.covers.covered.set(CHECKOUT, { by: 'silence', name: 's-1' });
      const id = (await t.push(probe(CHECKOUT, '2026-05-04T09:59:00Z'))).incidents[0]!;
      t.clock.advance({ minutes: 5 });
      await t.push(probe(CHECKOUT, '2026-05-04T09:59:00Z', 'resolved', '2026-05-04T10:04:00Z'));
      expect((await t.incident(id)).incident.status).toBe('resolved');
      expect(await t.told()).toEqual([]);
      // The cover ends while it is resolved; a person reopens it later: an ordinary incident that pages.
      t.covers.covered.clear();
      t.clock.advance({ hours: 1 });
      await t.act(id, { type: 'reopen', actor: anna, note: 'the checkout still fails for some customers' });
      expect((await t.incident(id)).incident).toMatchObject({ status: 'open', suppressed: null, paged: true });
      expect(await t.told()).toEqual([`${id} reopened`]);
    } finally {
      await t.pipeline.close();
    }
  });

  test('an alert no cover takes fires on a suppressed incident: it pages at once', async () => {
    const t = setup();
    try {
      t.covers.covered.set(CHECKOUT, { by: 'silence', name: 's-1' });
      const id = (await t.push(probe(CHECKOUT, '2026-05-04T09:59:00Z'))).incidents[0]!;
      t.clock.advance({ minutes: 1 });
      expect((await t.push(probe('https://checkout.example.net/cart', '2026-05-04T10:00:30Z'))).incidents).toEqual([id]);
      expect(await t.told()).toEqual([`${id} opened`]);
      expect((await t.incident(id)).incident.suppressed).toBeNull();
    } finally {
      await t.pipeline.close();
    }
  });
});

describe('quiet: flapping', () => {
  test('four changes within 30 minutes: one flapping notification, the changes in between page nobody, the settled state is told once', async () => {
    const t = setup();
    try {
      const id = (await t.push(probe(CHECKOUT, '2026-05-04T09:59:00Z'))).incidents[0]!;
      t.clock.set('2026-05-04T10:02:00Z');
      await t.push(probe(CHECKOUT, '2026-05-04T09:59:00Z', 'resolved', '2026-05-04T10:02:00Z'));
      t.clock.set('2026-05-04T10:04:00Z');
      await t.push(probe(CHECKOUT, '2026-05-04T10:04:00Z'));
      expect(await t.told()).toEqual([`${id} opened`, `${id} resolved`, `${id} reopened`]);
      t.clock.set('2026-05-04T10:06:00Z');
      await t.push(probe(CHECKOUT, '2026-05-04T10:04:00Z', 'resolved', '2026-05-04T10:06:00Z'));
      expect(await t.told()).toEqual([`${id} flapping`]);
      expect((await t.incident(id)).incident).toMatchObject({ flapping: true, status: 'resolved', settleDueAt: Date.parse('2026-05-04T10:36:00Z') });
      t.clock.set('2026-05-04T10:08:00Z');
      await t.push(probe(CHECKOUT, '2026-05-04T10:08:00Z'));
      t.clock.set('2026-05-04T10:10:00Z');
      await t.push(probe(CHECKOUT, '2026-05-04T10:08:00Z', 'resolved', '2026-05-04T10:10:00Z'));
      expect(await t.told()).toEqual([]);
      t.clock.set('2026-05-04T10:39:59Z');
      expect(await t.pipeline.quiet!.runOnce()).toBe(0);
      t.clock.set('2026-05-04T10:40:00Z');
      expect(await t.pipeline.quiet!.runOnce()).toBe(1);
      expect(await t.told()).toEqual([`${id} resolved`]);
      expect((await t.incident(id)).incident).toMatchObject({ flapping: false, settleDueAt: null });
      const events = (await t.incident(id)).timeline.map((e) => e.event);
      expect(events.filter((e) => e === 'flapping' || e === 'settled')).toEqual(['flapping', 'settled']);
    } finally {
      await t.pipeline.close();
    }
  });
});

describe('quiet: inhibition', () => {
  test('an open full outage mutes a partial outage of its health model; it pages when the outage resolves first', async () => {
    const t = setup();
    try {
      const outage = (await t.push(probe(CHECKOUT, '2026-05-04T09:59:00Z'))).incidents[0]!;
      t.clock.advance({ minutes: 1 });
      const partial = (await t.push(amBody([{ labels: { alertname: 'CheckoutSuccessRateLow' }, startsAt: '2026-05-04T10:00:30Z' }]))).incidents[0]!;
      const muted = (await t.incident(partial)).incident;
      expect(muted).toMatchObject({ impact: 'partial_outage', suppressed: { by: 'inhibition', name: (await t.incident(outage)).incident.key } });
      expect(await t.told()).toEqual([`${outage} opened`]);
      t.clock.advance({ minutes: 5 });
      await t.act(outage, { type: 'resolve', actor: anna, note: 'load balancer pool restored' });
      expect(await t.told()).toEqual([`${outage} resolved`, `${partial} opened`]);
      expect((await t.incident(partial)).incident.suppressed).toBeNull();
    } finally {
      await t.pipeline.close();
    }
  });
});
