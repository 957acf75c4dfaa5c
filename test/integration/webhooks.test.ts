import { gzipSync } from 'node:zlib';
import { fixture, fixtureText } from '../helpers/fixtures';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';
import { FakeClock } from '../helpers/fake-clock';

type Json = Record<string, unknown>;
const CONTRACT_FIELDS = ['id', 'status', 'priority', 'impact', 'category', 'healthModel', 'metric', 'title', 'alertCount', 'firingCount', 'deliveryCount', 'openedAt', 'acknowledgedAt', 'resolvedAt'];

describe('webhooks over HTTP with a SQLite file', () => {
  let t: TestApp;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock('2025-03-18T09:40:00Z');
    t = await startTestApp({ clock });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
  });

  const incidents = async (query = ''): Promise<Json[]> => (await t.get(`/api/v1/incidents${query}`)).json.incidents as Json[];

  test('a grouped Alertmanager webhook becomes classified incidents, answered after commit', async () => {
    const res = await t.post('alertmanager', fixtureText('alertmanager/am-02-firing-grouped.json'));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ accepted: 4, incidents: [1, 2] });

    const list = await incidents();
    expect(list.map((i) => i.id)).toEqual([2, 1]);
    for (const field of CONTRACT_FIELDS) expect(list[0]).toHaveProperty(field);
    expect(list[1]).toMatchObject({
      status: 'open',
      priority: 'P2',
      impact: 'partial_outage',
      category: 'software',
      healthModel: 'online-shop',
      metric: 'payments-workloads',
      title: 'Payment service pods unhealthy in prod-eu1',
      alertCount: 3,
      firingCount: 3,
      deliveryCount: 3,
      openedAt: '2025-03-18T09:40:00.000Z',
      acknowledgedAt: null,
      resolvedAt: null,
    });

    const detail = await t.get('/api/v1/incidents/1');
    expect(detail.status).toBe(200);
    expect((detail.json.alerts as Json[]).map((a) => a.fingerprint)).toEqual(['c53d4c76eef27bdd', '6685deaf24fd75c1', 'ab96405baa0e3937']);
    expect((detail.json.timeline as Json[]).map((e) => e.event)).toEqual(['opened', 'alert_attached', 'alert_attached']);
    expect((detail.json.timeline as Json[])[0]).toMatchObject({ at: '2025-03-18T09:40:00.000Z', detail: { source: 'alertmanager', fingerprint: 'c53d4c76eef27bdd' } });
  });

  test('the wire bytes of a mixed webhook resolve what ended and keep the rest', async () => {
    await t.post('alertmanager', fixtureText('alertmanager/am-02-firing-grouped.json'));
    clock.advance({ minutes: 25 });
    const res = await t.post('alertmanager', fixtureText('alertmanager/am-03-mixed-firing-resolved.wire.json'));
    expect(res.json).toEqual({ accepted: 5, incidents: [1, 2] });
    clock.advance({ minutes: 40 });
    await t.post('alertmanager', fixture('alertmanager/am-04-all-resolved.json'));
    const [checkout, payments] = await incidents();
    expect(payments).toMatchObject({ status: 'resolved', alertCount: 4, firingCount: 0, resolvedAt: '2025-03-18T10:45:00.000Z' });
    expect(checkout).toMatchObject({ status: 'resolved', alertCount: 1 });
  });

  test('filters by status, priority, health model and limit', async () => {
    await t.post('alertmanager', fixture('alertmanager/am-02-firing-grouped.json'));
    await t.post('alertmanager', fixture('alertmanager/am-01-firing-single.json'));
    await t.post('alertmanager', fixture('alertmanager/am-06-watchdog-empty-group-labels.json'));
    expect((await incidents('?priority=P4')).map((i) => i.healthModel)).toEqual(['unclassified', 'shop-infrastructure']);
    expect((await incidents('?healthModel=online-shop')).map((i) => i.metric)).toEqual(['checkout-workloads', 'payments-workloads']);
    expect(await incidents('?status=resolved')).toEqual([]);
    expect((await incidents('?status=open,acknowledged&limit=2')).map((i) => i.id)).toEqual([4, 3]);
    const bad = await t.get('/api/v1/incidents?status=closed');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'invalid_query' });
    expect((await t.get('/api/v1/incidents/999')).status).toBe(404);
    expect((await t.get('/api/v1/incidents/abc')).json).toMatchObject({ error: 'not_found' });
  });

  test('hostile label names are stored and shown as data', async () => {
    const body = '{"alerts":[{"status":"firing","labels":{"alertname":"Odd","__proto__":"p","constructor":"c"},"startsAt":"2025-03-18T09:00:00Z"}]}';
    expect((await t.post('alertmanager', body)).status).toBe(200);
    const detail = await t.get('/api/v1/incidents/1');
    expect((detail.json.alerts as Json[])[0]!.labels).toEqual(JSON.parse('{"__proto__":"p","alertname":"Odd","constructor":"c","severity_level":"unknown"}'));
    expect(({} as Json).p).toBeUndefined();
  });

  test('health, readiness and metrics', async () => {
    expect((await t.get('/-/healthy')).status).toBe(200);
    expect((await t.get('/-/ready')).json).toEqual({ status: 'ready' });
    await t.post('alertmanager', fixture('alertmanager/am-03-mixed-firing-resolved.json'));
    await t.post('alertmanager', 'not json');
    const res = await fetch(`${t.url}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(text).toContain('incident_bridge_alerts_received_total{source="alertmanager",status="firing"} 3');
    expect(text).toContain('incident_bridge_alerts_received_total{source="alertmanager",status="resolved"} 2');
    expect(text).toContain('incident_bridge_webhook_rejections_total{source="alertmanager",reason="invalid_json"} 1');
    expect(text).toContain('incident_bridge_incident_events_total{event="opened",priority="P2"} 2');
    expect(text).toContain('incident_bridge_open_incidents{priority="P2"} 2');
    expect(text).toContain('incident_bridge_rules_last_reload_successful 1');
    expect(text).toMatch(/incident_bridge_ingest_duration_seconds_count\{source="alertmanager"\} 1\b/);
  });
});

describe('bad input is refused, visible, and stores nothing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      configYaml: 'listen: 127.0.0.1:0\nsources:\n  - {name: alertmanager, type: alertmanager}\nlimits: {maxBodyBytes: 64KiB}\nrejections: {maxCount: 3, maxBodyBytes: 16}\n',
    });
  });
  afterAll(async () => {
    await t.stop();
    t.cleanup();
  });

  const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }, source = 'alertmanager') =>
    fetch(`${t.url}/webhooks/${source}`, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, json: (await r.json()) as Json }));

  const bigLabel = 'x'.repeat(70 * 1024);
  test.each([
    ['not JSON', () => post('{"alerts": ['), 400, 'invalid_json'],
    ['a wrong content type', () => post('{}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
    ['a wrong shape', () => post('{"alerts":[{"status":"firing","labels":{"a":1},"startsAt":"2025-03-18T09:00:00Z"}]}'), 400, 'invalid_payload'],
    ['a body over the limit', () => post(JSON.stringify({ alerts: [{ status: 'firing', labels: { a: bigLabel }, startsAt: '2025-03-18T09:00:00Z' }] })), 413, 'body_too_large'],
    ['a gzip body that inflates past the limit', () => post(gzipSync(Buffer.alloc(10 * 1024 * 1024, 32)), { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 413, 'body_too_large'],
    ['an unknown content encoding', () => post('{}', { 'content-type': 'application/json', 'content-encoding': 'br2' }), 415, 'unsupported_encoding'],
    ['an unknown source', () => post('{"alerts":[]}', { 'content-type': 'application/json' }, 'nagios'), 404, 'unknown_source'],
  ])('%s -> %d %s', async (_what, send, status, error) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ error });
    expect(res.json).toHaveProperty('detail');
    expect((await t.get('/api/v1/incidents')).json).toEqual({ incidents: [] });
  });

  test('the wrong shape names every bad path', async () => {
    const res = await post(JSON.stringify({ alerts: [{ status: 'firing', labels: {}, startsAt: 'x' }, { status: 'gone', labels: {}, startsAt: '2025-03-18T09:00:00Z' }] }));
    expect((res.json.detail as Json[]).map((d) => d.path)).toEqual(['alerts[0].startsAt', 'alerts[1].status']);
  });

  test('the last rejections are kept, capped, with their reasons and bodies', async () => {
    await post('first bad body that is long');
    await post('{"alerts": 3}');
    const { json } = await t.get('/api/v1/rejections');
    const rejections = json.rejections as Json[];
    expect(rejections).toHaveLength(3);
    expect(rejections[0]).toMatchObject({ source: 'alertmanager', status: 400, error: 'invalid_payload', body: '{"alerts": 3}', bodyTruncated: false });
    expect(rejections[1]).toMatchObject({ error: 'invalid_json', body: 'first bad body t', bodyBytes: 27, bodyTruncated: true });
  });
});

describe('authentication', () => {
  test('a bearer source answers 401 without the token and never logs it', async () => {
    const lines: string[] = [];
    const { Writable } = await import('node:stream');
    const stream = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) });
    const { createLogger } = await import('../../src/core/logger');
    const t = await startTestApp({
      configYaml: 'listen: 127.0.0.1:0\nsources:\n  - name: alertmanager\n    type: alertmanager\n    auth: {type: bearer, token: "${AM_TOKEN}"}\n',
      env: { AM_TOKEN: 'very-secret-token' },
    });
    // A logger that masks the configured secrets, fed a message that contains one.
    const logger = createLogger({ secrets: ['very-secret-token'], stream });
    logger.warn('header was Bearer very-secret-token', { auth: 'Bearer very-secret-token' });
    try {
      const body = fixture('alertmanager/am-01-firing-single.json');
      expect((await t.post('alertmanager', body)).json).toMatchObject({ error: 'unauthorized', detail: { reason: 'missing_credentials' } });
      expect((await t.post('alertmanager', body, { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await t.post('alertmanager', body, { authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(401);
      expect((await t.get('/api/v1/incidents')).json).toEqual({ incidents: [] });
      expect((await t.post('alertmanager', body, { authorization: 'Bearer very-secret-token' })).status).toBe(200);
      expect(JSON.stringify((await t.get('/api/v1/rejections')).json)).not.toContain('very-secret-token');
      expect(lines.join('')).toContain('[REDACTED]');
      expect(lines.join('')).not.toContain('very-secret-token');
    } finally {
      await t.stop();
      t.cleanup();
    }
  });
});
