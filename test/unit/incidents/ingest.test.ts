import { amBody, createEngine } from '../../helpers/engine';
import { fixture } from '../../helpers/fixtures';

const AM = (name: string) => fixture(`alertmanager/${name}.json`);
const cpu = (instance = 'db-03:9100') => ({ alertname: 'HostHighCpuLoad', instance });

describe('incident engine', () => {
  let engine: ReturnType<typeof createEngine>;
  beforeEach(() => {
    engine = createEngine();
  });
  afterEach(() => engine.close());

  test('a grouped webhook opens one incident per business metric', async () => {
    const result = await engine.push(AM('am-02-firing-grouped'));
    expect(result).toMatchObject({ accepted: 4, replay: false });
    const incidents = await engine.incidents();
    expect(incidents.map((i) => [i.metric, i.alertCount, i.firingCount, i.status])).toEqual([
      ['checkout-workloads', 1, 1, 'open'],
      ['payments-workloads', 3, 3, 'open'],
    ]);
    expect(result.incidents).toEqual([incidents[1]!.id, incidents[0]!.id]);
    expect(result.events.map((e) => e.kind)).toEqual(['opened', 'attached', 'opened', 'attached']);
  });

  test('a replayed body changes nothing and gets the same answer', async () => {
    const first = await engine.push(AM('am-02-firing-grouped'));
    const before = await engine.incidents();
    const again = await Promise.all([engine.push(AM('am-02-firing-grouped')), engine.push(AM('am-02-firing-grouped'))]);
    for (const r of again) expect(r).toMatchObject({ accepted: first.accepted, incidents: first.incidents, replay: true, events: [] });
    expect(await engine.incidents()).toEqual(before);
  });

  test('a repeat with changed annotations is a delivery, not a new alert', async () => {
    await engine.push(AM('am-01-firing-single'));
    await engine.push(AM('am-07-repeat-still-firing'));
    const [incident] = await engine.incidents();
    expect(incident).toMatchObject({ alertCount: 1, firingCount: 1, deliveryCount: 2, status: 'open' });
    const detail = await engine.readModel.getIncident(incident!.id);
    expect(detail?.alerts[0]?.annotations.description).toBe(fixture<{ alerts: { annotations: { description: string } }[] }>('alertmanager/am-07-repeat-still-firing.json').alerts[0]!.annotations.description);
  });

  test('the group life cycle: attach new alerts, resolve some, then all', async () => {
    await engine.push(AM('am-02-firing-grouped'));
    engine.clock.advance({ minutes: 30 });
    await engine.push(AM('am-03-mixed-firing-resolved'));
    let payments = (await engine.incidents()).find((i) => i.metric === 'payments-workloads')!;
    expect(payments).toMatchObject({ alertCount: 4, firingCount: 2, deliveryCount: 7, status: 'open' });
    engine.clock.advance({ minutes: 30 });
    await engine.push(AM('am-04-all-resolved'));
    const incidents = await engine.incidents();
    payments = incidents.find((i) => i.metric === 'payments-workloads')!;
    expect(payments).toMatchObject({ alertCount: 4, firingCount: 0, deliveryCount: 9, status: 'resolved', resolvedAt: engine.clock.now().getTime() });
    expect(payments.endedAt).toBe(Date.parse('2025-03-18T10:35:05.118Z'));
    expect(incidents.every((i) => i.status === 'resolved')).toBe(true);
    const timeline = (await engine.readModel.getIncident(payments.id))!.timeline.map((t) => t.event);
    expect(timeline[0]).toBe('opened');
    expect(timeline.filter((e) => e === 'alert_attached')).toHaveLength(3);
    expect(timeline.filter((e) => e === 'alert_resolved')).toHaveLength(4);
    expect(timeline.at(-1)).toBe('resolved');
  });

  test.each([
    [['am-02-firing-grouped', 'am-03-mixed-firing-resolved', 'am-04-all-resolved']],
    [['am-04-all-resolved', 'am-03-mixed-firing-resolved', 'am-02-firing-grouped']],
    [['am-03-mixed-firing-resolved', 'am-02-firing-grouped', 'am-04-all-resolved']],
    [['am-02-firing-grouped', 'am-04-all-resolved', 'am-03-mixed-firing-resolved']],
    [['am-03-mixed-firing-resolved', 'am-04-all-resolved', 'am-02-firing-grouped']],
    [['am-04-all-resolved', 'am-02-firing-grouped', 'am-03-mixed-firing-resolved']],
  ])('state follows the timestamps, not arrival order: %j ends with nothing firing', async (order) => {
    for (const name of order) await engine.push(AM(name));
    const incidents = await engine.incidents();
    expect(incidents.filter((i) => i.status !== 'resolved')).toEqual([]);
    const states = await engine.readModel.listAlerts({ limit: 1000 });
    expect(states.every((s) => s.status === 'resolved')).toBe(true);
    expect(incidents.filter((i) => i.metric === 'payments-workloads').length).toBeLessThanOrEqual(1);
  });

  test('a resolve that arrives before its firing opens nothing and is not lost', async () => {
    const at = { startsAt: '2025-03-18T08:00:00Z', labels: cpu() };
    await engine.push(amBody([{ ...at, status: 'resolved', endsAt: '2025-03-18T08:05:00Z' }]));
    expect(await engine.incidents()).toEqual([]);
    const late = await engine.push(amBody([at]));
    expect(late.incidents).toEqual([]);
    expect(await engine.incidents()).toEqual([]);
    const [alert, ...others] = await engine.readModel.listAlerts({ limit: 10 });
    expect(others).toEqual([]);
    const row = { status: alert!.status, ends_at: alert!.endsAt, delivery_count: alert!.deliveryCount };
    expect(row).toEqual({ status: 'resolved', ends_at: Date.parse('2025-03-18T08:05:00Z'), delivery_count: 2 });
  });

  test('a re-fire within the reopen window reopens the incident; later, a new one opens', async () => {
    await engine.push(amBody([{ labels: cpu(), startsAt: '2025-03-18T09:00:00Z' }]));
    await engine.push(amBody([{ labels: cpu(), status: 'resolved', startsAt: '2025-03-18T09:00:00Z', endsAt: '2025-03-18T09:10:00Z' }]));
    const [first] = await engine.incidents();
    expect(first?.status).toBe('resolved');

    const refire = await engine.push(amBody([{ labels: cpu(), startsAt: '2025-03-18T09:15:00Z' }]));
    expect(refire.incidents).toEqual([first!.id]);
    expect(refire.events.map((e) => e.kind)).toEqual(['reopened']);
    expect(await engine.incident(first!.id)).toMatchObject({ status: 'open', reopenCount: 1, alertCount: 1, firingCount: 1, resolvedAt: null });
    expect((await engine.readModel.getIncident(first!.id))!.timeline.map((t) => t.event)).toContain('reopened');

    await engine.push(amBody([{ labels: cpu(), status: 'resolved', startsAt: '2025-03-18T09:15:00Z', endsAt: '2025-03-18T09:20:00Z' }]));
    const later = await engine.push(amBody([{ labels: cpu(), startsAt: '2025-03-18T09:30:01Z' }]));
    expect(later.events.map((e) => e.kind)).toEqual(['opened']);
    expect(later.incidents).not.toEqual([first!.id]);
    expect((await engine.incidents()).map((i) => i.status)).toEqual(['open', 'resolved']);
  });

  test('three hosts failing one ungrouped metric make one incident with alertCount 3', async () => {
    const probes = ['a', 'b', 'c'].map((h) => ({ labels: { alertname: 'CheckoutErrorRateHigh', instance: `${h}:8080` }, startsAt: '2025-03-18T09:00:00Z' }));
    await engine.push(amBody(probes));
    const incidents = await engine.incidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ healthModel: 'online-shop', metric: 'checkout-success-rate', priority: 'P2', alertCount: 3, firingCount: 3 });
  });

  test('a hold-down resolves only after its time, and a re-fire cancels it', async () => {
    const search = { labels: { alertname: 'SearchLatencyHigh' }, startsAt: '2025-03-18T09:00:00Z' };
    await engine.push(amBody([search]));
    await engine.push(amBody([{ ...search, status: 'resolved', endsAt: '2025-03-18T09:01:00Z' }]));
    let [incident] = await engine.incidents();
    expect(incident).toMatchObject({ status: 'open', firingCount: 0, resolveDueAt: engine.clock.now().getTime() + 300_000 });

    engine.clock.advance({ minutes: 4 });
    await engine.worker.runOnce();
    expect((await engine.incident(incident!.id)).status).toBe('open');

    await engine.push(amBody([{ ...search, startsAt: '2025-03-18T09:04:00Z' }]));
    expect(await engine.incident(incident!.id)).toMatchObject({ status: 'open', firingCount: 1, resolveDueAt: null });
    engine.clock.advance({ minutes: 2 });
    await engine.worker.runOnce();
    expect((await engine.incident(incident!.id)).status).toBe('open');

    await engine.push(amBody([{ ...search, status: 'resolved', startsAt: '2025-03-18T09:04:00Z', endsAt: '2025-03-18T09:06:00Z' }]));
    engine.clock.advance({ minutes: 5, seconds: 1 });
    expect(await engine.worker.runOnce()).toBe(1);
    incident = await engine.incident(incident!.id);
    expect(incident).toMatchObject({ status: 'resolved', resolvedAt: engine.clock.now().getTime() });
  });

  test('concurrent deliveries of one alert never open two incidents', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => amBody([{ labels: cpu(), startsAt: '2025-03-18T09:00:00Z', annotations: { n: String(i) } }]));
    const results = await Promise.all(bodies.map((b) => engine.push(b)));
    const incidents = await engine.incidents();
    expect(incidents).toHaveLength(1);
    expect(new Set(results.map((r) => r.incidents[0]))).toEqual(new Set([incidents[0]!.id]));
    expect(incidents[0]).toMatchObject({ alertCount: 1, deliveryCount: 50 });
  });

  test('the store refuses a second active incident for one key', async () => {
    await engine.push(amBody([{ labels: cpu(), startsAt: '2025-03-18T09:00:00Z' }]));
    const [existing] = await engine.incidents();
    const { id: _id, acknowledgedAt: _a, resolvedAt: _r, resolveDueAt: _d, endedAt: _e, reopenCount: _c, line: _l, ...copy } = existing!;
    const [outcome] = await engine.store.incidents.runBatch([(tx) => tx.insertIncident(copy)]);
    expect(outcome).toMatchObject({ ok: false, error: expect.objectContaining({ message: expect.stringMatching(/UNIQUE constraint failed/) }) });
  });
});

describe('an early resolve for an alert that already has an incident', () => {
  test('a later firing reuses the alert row of that incident instead of breaking the store', async () => {
    const engine = createEngine();
    try {
      const alert = (startsAt: string, status: 'firing' | 'resolved' = 'firing', endsAt?: string) =>
        amBody([{ labels: { alertname: 'HostHighCpuLoad', instance: 'db-9:9100' }, startsAt, status, ...(endsAt ? { endsAt } : {}) }]);
      await engine.push(alert('2025-03-18T09:00:00Z'));
      await engine.push(alert('2025-03-18T09:00:00Z', 'resolved', '2025-03-18T09:01:00Z'));
      // The next activation's resolve overtakes its firing; then a third activation fires.
      await engine.push(alert('2025-03-18T09:02:00Z', 'resolved', '2025-03-18T09:03:00Z'));
      expect((await engine.push(alert('2025-03-18T09:02:00Z'))).events).toEqual([]);
      const refire = await engine.push(alert('2025-03-18T09:04:00Z'));
      expect(refire.events.map((e) => e.kind)).toEqual(['reopened']);
      const [incident] = await engine.incidents();
      expect(incident).toMatchObject({ status: 'open', alertCount: 1, firingCount: 1, reopenCount: 1 });
      // And the alert keeps working afterwards.
      const resolved = await engine.push(alert('2025-03-18T09:04:00Z', 'resolved', '2025-03-18T09:05:00Z'));
      expect(resolved.events.map((e) => e.kind)).toEqual(['resolved']);
      expect(await engine.incidents()).toHaveLength(1);
    } finally {
      await engine.close();
    }
  });
});
