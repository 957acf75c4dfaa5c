import { createEngine } from '../../helpers/engine';
import { fixture } from '../../helpers/fixtures';

const legacy = (name: string) => fixture<Record<string, unknown>>(`grafana/legacy/${name}.json`);
const unified = (name: string) => fixture(`grafana/unified/${name}.json`);

describe('legacy Grafana alerts in the incident engine', () => {
  let engine: ReturnType<typeof createEngine>;
  beforeEach(() => {
    engine = createEngine();
  });
  afterEach(() => engine.close());

  const reminder = (value: number) => ({ ...legacy('gl-01-alerting'), evalMatches: [{ value, metric: 'web-01:9113', tags: null }] });

  test('alerting opens, alerting again attaches, ok resolves, alerting again reopens', async () => {
    const opened = await engine.push(legacy('gl-01-alerting'), { source: 'grafana' });
    expect(opened.events.map((e) => e.kind)).toEqual(['opened']);
    const id = opened.incidents[0]!;

    // Legacy bodies carry no time: the same body later is a reminder (a delivery), never a replay.
    engine.clock.advance({ minutes: 5 });
    const same = await engine.push(legacy('gl-01-alerting'), { source: 'grafana' });
    expect(same).toMatchObject({ replay: false, incidents: [id] });
    expect(same.events.map((e) => e.kind)).toEqual(['attached']);
    // In the same instant, another body for the rule is a repeat of that activation.
    const again = await engine.push(reminder(13.5), { source: 'grafana' });
    expect(again).toMatchObject({ replay: false, incidents: [id], events: [] });
    expect(await engine.incident(id)).toMatchObject({ status: 'open', alertCount: 1, firingCount: 1, deliveryCount: 3 });

    engine.clock.advance({ minutes: 5 });
    const ok = await engine.push(legacy('gl-02-ok'), { source: 'grafana' });
    expect(ok.events.map((e) => e.kind)).toEqual(['resolved']);
    expect(await engine.incident(id)).toMatchObject({ status: 'resolved', alertCount: 1, firingCount: 0, resolvedAt: engine.clock.now().getTime() });

    engine.clock.advance({ minutes: 2 });
    const refire = await engine.push(reminder(20), { source: 'grafana' });
    expect(refire.events.map((e) => e.kind)).toEqual(['reopened']);
    expect(await engine.incidents()).toHaveLength(1);
  });

  test('an ok without a stored firing opens nothing', async () => {
    expect(await engine.push(legacy('gl-02-ok'), { source: 'grafana' })).toMatchObject({ accepted: 1, incidents: [] });
    expect(await engine.incidents()).toEqual([]);
  });

  test('a unified group fires, partly resolves, then resolves', async () => {
    for (const name of ['gu-01-firing-grouped', 'gu-02-mixed-firing-resolved', 'gu-03-all-resolved']) {
      await engine.push(unified(name), { source: 'grafana' });
      engine.clock.advance({ minutes: 10 });
    }
    const incidents = await engine.incidents();
    expect(incidents.map((i) => [i.alertCount, i.firingCount, i.status])).toEqual([[3, 0, 'resolved']]);
  });
});
