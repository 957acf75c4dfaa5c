import { createHmac } from 'node:crypto';
import { fixture, fixtureText } from '../helpers/fixtures';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

type Json = Record<string, unknown>;

const SECRET = 'incident-daemon-test-secret';
const CONFIG = `
listen: 127.0.0.1:0
sources:
  - name: grafana
    type: grafana
    auth: {type: hmac, secret: ${SECRET}, timestampHeader: X-Grafana-Alerting-Timestamp}
`;
// The HMAC test vector of test/fixtures/payloads/README.md ("The wire files"), over the exact bytes of gu-10.
const WIRE = fixtureText('grafana/unified/gu-10-hmac-signed.wire.json');
const TIMESTAMP = '1742290300';
const SIGNED = { 'X-Grafana-Alerting-Signature': 'db4153cf3ad20389f1ee365fc674aebdf98fb17714bd1974c5cc68235e584e23', 'X-Grafana-Alerting-Timestamp': TIMESTAMP };
const SIGNED_WITHOUT_TIMESTAMP = '1f6ae0614e5d9c27cf52b8e455680bed4bbefaf6b168b124b612cd7979537344';

function sign(body: string, timestamp: string): Record<string, string> {
  const signature = createHmac('sha256', SECRET).update(`${timestamp}:`).update(body).digest('hex');
  return { 'X-Grafana-Alerting-Signature': signature, 'X-Grafana-Alerting-Timestamp': timestamp };
}

describe('Grafana webhooks signed with HMAC', () => {
  let t: TestApp;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock(Number(TIMESTAMP) * 1000 + 2_000);
    t = await startTestApp({ clock, configYaml: CONFIG });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
  });

  const incidents = async (): Promise<Json[]> => (await t.get('/api/v1/incidents')).json.incidents as Json[];

  test('the exact wire bytes with their signature and timestamp become an incident; the same request again is refused', async () => {
    const res = await t.post('grafana', WIRE, SIGNED);
    expect(res).toEqual({ status: 200, json: { accepted: 2, incidents: [1] } });
    const detail = (await t.get('/api/v1/incidents/1')).json;
    expect(detail).toMatchObject({ status: 'open', alertCount: 2, firingCount: 2, deliveryCount: 2 });
    expect((detail.alerts as Json[]).map((a) => a.fingerprint)).toEqual(['f84c877695e4b9a4', '81eca1dcaa545c21']);
    expect((detail.alerts as Json[])[0]).toMatchObject({ labels: { grafana_folder: 'Инфраструктура' } });

    const replayed = await t.post('grafana', WIRE, SIGNED);
    expect(replayed).toMatchObject({ status: 401, json: { error: 'unauthorized', detail: { reason: 'replayed_signature' } } });
    expect((await t.get('/api/v1/incidents/1')).json).toMatchObject({ deliveryCount: 2 });
  });

  test.each([
    ['a signature made without the timestamp', { ...SIGNED, 'X-Grafana-Alerting-Signature': SIGNED_WITHOUT_TIMESTAMP }, 'bad_signature'],
    ['no signature', { 'X-Grafana-Alerting-Timestamp': TIMESTAMP }, 'missing_signature'],
    ['no timestamp', { 'X-Grafana-Alerting-Signature': SIGNED['X-Grafana-Alerting-Signature'] }, 'missing_timestamp'],
    ['another timestamp', { ...SIGNED, 'X-Grafana-Alerting-Timestamp': String(Number(TIMESTAMP) + 1) }, 'bad_signature'],
    ['a signature that is not hex', { ...SIGNED, 'X-Grafana-Alerting-Signature': 'sha256=nope' }, 'malformed_signature'],
  ])('%s: 401 and nothing stored', async (_what, headers, reason) => {
    const res = await t.post('grafana', WIRE, headers);
    expect(res).toMatchObject({ status: 401, json: { error: 'unauthorized', detail: { reason } } });
    expect(await incidents()).toEqual([]);
  });

  test('a body re-serialised after signing fails: the signature covers the raw bytes', async () => {
    const res = await t.post('grafana', fixtureText('grafana/unified/gu-01-firing-grouped.json'), SIGNED);
    expect(res).toMatchObject({ status: 401, json: { detail: { reason: 'bad_signature' } } });
    expect(await incidents()).toEqual([]);
  });

  test('a signature older than the replay window has expired', async () => {
    clock.advance({ minutes: 6 });
    const res = await t.post('grafana', WIRE, SIGNED);
    expect(res).toMatchObject({ status: 401, json: { detail: { reason: 'expired_timestamp' } } });
    expect(await incidents()).toEqual([]);
  });

  test('a legacy dashboard alert on the same endpoint: no_data opens a monitoring-gap incident, ok resolves it', async () => {
    const noData = fixtureText('grafana/legacy/gl-03-no-data.json');
    expect((await t.post('grafana', noData, sign(noData, TIMESTAMP))).status).toBe(200);
    expect(await incidents()).toMatchObject([{ healthModel: 'monitoring', metric: 'monitoring-gap', status: 'open' }]);

    clock.advance({ seconds: 30 });
    const ok = JSON.stringify({ ...fixture('grafana/legacy/gl-03-no-data.json'), state: 'ok', title: '[OK] Kafka consumer lag' });
    expect((await t.post('grafana', ok, sign(ok, String(Number(TIMESTAMP) + 30)))).status).toBe(200);
    expect(await incidents()).toMatchObject([{ healthModel: 'monitoring', status: 'resolved', firingCount: 0 }]);
  });

  test('a signed body of the wrong shape is a 400 naming the path', async () => {
    const body = JSON.stringify({ title: 'not an alert' });
    const res = await t.post('grafana', body, sign(body, TIMESTAMP));
    expect(res).toMatchObject({ status: 400, json: { error: 'invalid_payload', detail: [{ path: 'alerts' }] } });
  });
});
