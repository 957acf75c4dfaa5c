import { callApi } from '../helpers/api-client';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

const ENV = { TOKEN_ANNA: 'anna-token-0123456789' };
const CONFIG = `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
people:
  - {name: anna, role: responder, lines: [L1], token: "\${TOKEN_ANNA}"}
sla:
  policies:
    - name: standard
      targets:
        P1: {response: 15m, resolution: 4h}
        P2: {response: 30m, resolution: 8h}
        P3: {response: 4h, resolution: 3d}
        P4: {response: 1d, resolution: 10d}
escalation:
  policies:
    - name: by-sla
      steps:
        - {clock: response, at: 50%, action: remind}
        - {clock: response, at: 100%, action: escalate}
`;
const auth = { authorization: `Bearer ${ENV.TOKEN_ANNA}` };
// The fallback metric: P4 (response 1 day, resolution 10 days, day and night).
const firing = amBody([{ labels: { alertname: 'SomethingOdd', instance: 'db-1:9100' }, startsAt: '2026-05-04T09:59:00Z' }]);

describe('SLA over the API and in the metrics', () => {
  let t: TestApp;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock('2026-05-04T10:00:00Z');
    t = await startTestApp({ configYaml: CONFIG, env: ENV, clock });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
  });
  const incident = async () => (await callApi(t.url, 'GET', '/api/v1/incidents/1', { headers: auth })).json as Record<string, unknown>;
  const metric = async (name: string) => {
    const text = (await callApi(t.url, 'GET', '/metrics')).text;
    return text.split('\n').filter((l) => l.startsWith(name));
  };

  test('the incident JSON carries its SLA; the scheduler runs the steps; lag, steps, breaches and escalations are counted', async () => {
    expect((await t.post('alertmanager', firing)).json).toEqual({ accepted: 1, incidents: [1] });
    expect((await incident()).sla).toEqual({
      policy: 'standard',
      responseDueAt: '2026-05-05T10:00:00.000Z',
      respondedAt: null,
      responseBreached: false,
      resolutionDueAt: '2026-05-14T10:00:00.000Z',
      resolutionBreached: false,
      paused: false,
      pausedSeconds: 0,
    });
    // The daemon was down across the response due time: the lag shows, then the steps run at once.
    clock.set('2026-05-05T11:00:00Z');
    expect(await metric('incident_bridge_sla_scheduler_lag_seconds ')).toEqual([`incident_bridge_sla_scheduler_lag_seconds ${13 * 3600}`]);
    expect((await incident()).sla).toMatchObject({ responseBreached: true });
    expect(await t.app.slaWorker().runOnce()).toBe(3);
    expect(await metric('incident_bridge_sla_scheduler_lag_seconds ')).toEqual(['incident_bridge_sla_scheduler_lag_seconds 0']);
    expect(await metric('incident_bridge_sla_breaches_total{')).toEqual(['incident_bridge_sla_breaches_total{clock="response",priority="P4"} 1']);
    expect(await metric('incident_bridge_escalations_total{')).toEqual(['incident_bridge_escalations_total{line="L2",by="sla"} 1']);
    const detail = await incident();
    expect(detail).toMatchObject({ line: 'L2' });
    const steps = (detail.timeline as { event: string; actor: { name: string }; detail: Record<string, unknown> }[]).filter((e) => e.actor.name === 'sla');
    expect(steps.map((e) => [e.event, e.detail.step, e.detail.lateSeconds])).toEqual([
      ['reminder', 'response:0', 13 * 3600],
      ['sla_breached', 'breach:response', 3600],
      ['escalated', 'response:1', 3600],
    ]);

    clock.advance({ minutes: 1 });
    const moved = await callApi(t.url, 'POST', '/api/v1/incidents/1/prioritize', { headers: auth, body: { priority: 'P1', note: 'the whole database is down' } });
    expect(moved.json).toMatchObject({ priority: 'P1', sla: { responseDueAt: '2026-05-04T10:15:00.000Z', responseBreached: true, resolutionDueAt: '2026-05-04T14:00:00.000Z', resolutionBreached: true } });
    expect(await metric('incident_bridge_escalations_total{')).toEqual(['incident_bridge_escalations_total{line="L2",by="sla"} 1']);
    const refused = await callApi(t.url, 'POST', '/api/v1/incidents/1/prioritize', { headers: auth, body: { priority: 'P9', note: 'x' } });
    expect(refused.status).toBe(400);
  });
});
