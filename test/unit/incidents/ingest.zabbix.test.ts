import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../helpers/engine';
import { fixture } from '../../helpers/fixtures';

const ZBX = (name: string) => fixture(`zabbix/${name}.json`);
const ZBX60 = (name: string) => JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/zabbix', `${name}.json`), 'utf8')) as unknown;
const zabbix = { source: 'zabbix' as const };

describe('incident engine with Zabbix events', () => {
  let engine: ReturnType<typeof createEngine>;
  beforeEach(() => {
    engine = createEngine();
  });
  afterEach(() => engine.close());

  const timeline = async (id: number) => (await engine.readModel.getIncident(id))!.timeline;

  test('problem, acknowledge, severity change, recovery: one incident with the notes, resolved', async () => {
    const opened = await engine.push(ZBX('zbx-01-problem'), zabbix);
    expect(opened.events.map((e) => e.kind)).toEqual(['opened']);
    engine.clock.advance({ minutes: 22 });
    const acked = await engine.push(ZBX('zbx-02-update-acknowledge'), zabbix);
    engine.clock.advance({ minutes: 7 });
    await engine.push(ZBX('zbx-03-update-severity-change'), zabbix);
    engine.clock.advance({ minutes: 36 });
    const recovered = await engine.push(ZBX('zbx-04-recovery'), zabbix);

    expect(acked).toMatchObject({ incidents: opened.incidents, events: [] });
    expect(recovered.events.map((e) => e.kind)).toEqual(['resolved']);
    const incidents = await engine.incidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ status: 'resolved', alertCount: 1, firingCount: 0, deliveryCount: 4, endedAt: 1742292459_000 });

    const entries = await timeline(incidents[0]!.id);
    expect(entries.map((t) => t.event)).toEqual(['opened', 'source_update', 'source_update', 'alert_resolved', 'resolved']);
    expect(entries[1]!.detail).toMatchObject({
      source: 'zabbix',
      action: 'acknowledged and commented',
      message: 'Берём в работу: переключаем чтение на реплику. Тикет INC-4821.',
      user: 'Иван Петров (ipetrov)',
      updatedAt: '2025-03-18T09:25:08.000Z',
    });
    expect(entries[2]!.detail).toMatchObject({ action: 'commented and changed severity from High to Disaster', user: 'Анна Смирнова (asmirnova)' });
  });

  test('an update after the recovery adds its note and re-opens nothing', async () => {
    await engine.push(ZBX60('zbx60-01-problem'), zabbix);
    await engine.push(ZBX60('zbx60-03-recovery'), zabbix);
    engine.clock.advance({ minutes: 20 });
    const result = await engine.push(ZBX60('zbx60-04-update-after-recovery'), zabbix);
    expect(result.events).toEqual([]);
    const [incident] = await engine.incidents();
    expect(incident).toMatchObject({ status: 'resolved', firingCount: 0, reopenCount: 0 });
    expect((await timeline(incident!.id)).map((t) => t.event)).toEqual(['opened', 'alert_resolved', 'resolved', 'source_update']);
  });

  test('a recovery that arrives before its problem leaves nothing open', async () => {
    await engine.push(ZBX('zbx-04-recovery'), zabbix);
    await engine.push(ZBX('zbx-02-update-acknowledge'), zabbix);
    await engine.push(ZBX('zbx-01-problem'), zabbix);
    expect((await engine.incidents()).filter((i) => i.status !== 'resolved')).toEqual([]);
  });

  test('a replayed problem changes nothing; two problems open two alerts', async () => {
    const first = await engine.push(ZBX('zbx-01-problem'), zabbix);
    const again = await engine.push(ZBX('zbx-01-problem'), zabbix);
    expect(again).toMatchObject({ replay: true, incidents: first.incidents });
    await engine.push(ZBX('zbx-05-problem-no-tags-empty-opdata'), zabbix);
    const alerts = await engine.readModel.listAlerts({ source: 'zabbix', limit: 100 });
    expect(alerts).toHaveLength(2);
  });
});
