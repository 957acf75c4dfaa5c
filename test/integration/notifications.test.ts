import { createHmac } from 'node:crypto';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';
import { WebhookReceiver } from '../helpers/webhook-receiver';

type Json = Record<string, unknown>;

const config = (a: string, b: string, extra = '') => `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
notifications:
  publicUrl: http://incident-bridge.example.net
  channels:
    - {name: hook-a, type: webhook, url: "${a}", secret: s3cret-hook, timeoutMs: 300}
    - {name: hook-b, type: webhook, url: "${b}", timeoutMs: 300}
  outbox:
    initialBackoff: 5s
    maxBackoff: 2m
    maxAge: 1h
${extra}`;

const cpu = (instance: string, startsAt: string, status: 'firing' | 'resolved' = 'firing', endsAt?: string) =>
  amBody([{ labels: { alertname: 'HostHighCpuLoad', instance }, startsAt, status, ...(endsAt ? { endsAt } : {}) }]);

describe('notifications through the durable outbox', () => {
  let a: WebhookReceiver;
  let b: WebhookReceiver;
  let urls: [string, string];
  let clock: FakeClock;
  let t: TestApp;

  beforeEach(async () => {
    a = new WebhookReceiver();
    b = new WebhookReceiver();
    urls = [await a.start(), await b.start()];
    clock = new FakeClock('2025-03-18T09:00:00Z');
    t = await startTestApp({ clock, configYaml: config(...urls) });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
    await a.stop();
    await b.stop();
  });

  const run = () => t.app.outboxWorker().runOnce();
  const detail = async (id: number) => (await t.get(`/api/v1/incidents/${id}`)).json;

  test('an opened and a resolved incident reach every channel once, signed, with their keys', async () => {
    await t.post('alertmanager', cpu('db-1:9100', '2025-03-18T08:59:00Z'));
    expect(await run()).toBe(2);
    clock.advance({ minutes: 3 });
    await t.post('alertmanager', cpu('db-1:9100', '2025-03-18T08:59:00Z', 'resolved', '2025-03-18T09:02:00Z'));
    expect(await run()).toBe(2);
    expect(await run()).toBe(0);

    expect(a.requests.map((r) => r.headers['idempotency-key'])).toEqual(['1:opened:0:hook-a', '1:resolved:0:hook-a']);
    expect(b.requests.map((r) => r.body.event)).toEqual(['opened', 'resolved']);
    const first = a.requests[0]!;
    expect(first.body).toMatchObject({ event: 'opened', incident: { id: 1, priority: 'P4', healthModel: 'shop-infrastructure', link: 'http://incident-bridge.example.net/api/v1/incidents/1' } });
    const [ts, v1] = String(first.headers['x-incident-bridge-signature']).split(',').map((p) => p.split('=')[1]);
    expect(v1).toBe(createHmac('sha256', 's3cret-hook').update(`${ts}.${first.raw}`).digest('hex'));
    expect(b.requests[0]!.headers['x-incident-bridge-signature']).toBeUndefined();

    const notifications = (await detail(1)).notifications as Json[];
    expect(notifications.map((n) => [n.channel, n.event, n.state, n.attempts])).toEqual([
      ['hook-a', 'opened', 'sent', 1],
      ['hook-b', 'opened', 'sent', 1],
      ['hook-a', 'resolved', 'sent', 1],
      ['hook-b', 'resolved', 'sent', 1],
    ]);
  });

  test('an outage with a restart in the middle: everything arrives once, 429 waits are kept, the other channel is unaffected', async () => {
    a.failNext({ status: 503 }, { status: 429, headers: { 'retry-after': '120' } }, 'drop', 'hang', { status: 502 });
    await t.post('alertmanager', cpu('db-1:9100', '2025-03-18T08:59:00Z'));
    await t.post('alertmanager', cpu('db-2:9100', '2025-03-18T08:59:00Z'));
    await run(); // hook-a: 503 for incident 1, then 429 (Retry-After: 120) for incident 2; hook-b gets both
    expect(b.requests.map((r) => r.headers['idempotency-key'])).toEqual(['1:opened:0:hook-b', '2:opened:0:hook-b']);
    expect(a.requests).toHaveLength(2);
    const notes1 = (await detail(1)).notifications as Json[];
    expect(notes1.find((n) => n.channel === 'hook-a')).toMatchObject({ state: 'retrying', attempts: 1, lastError: expect.stringContaining('503') });

    // The rate limit holds the whole channel, even the row whose own backoff is shorter.
    clock.advance({ seconds: 119 });
    await run();
    expect(a.requests).toHaveLength(2);

    // The daemon dies during the outage and starts again on the same store.
    await t.stop();
    t = await startTestApp({ clock, configYaml: config(...urls), dbFile: t.dbFile });
    clock.advance({ seconds: 2 });
    await t.post('alertmanager', cpu('db-1:9100', '2025-03-18T08:59:00Z', 'resolved', '2025-03-18T09:02:00Z'));
    for (let i = 0; i < 12; i++) {
      await run();
      clock.advance({ minutes: 2 });
    }
    expect(a.duplicates()).toEqual([]);
    expect([...a.effects.keys()].sort()).toEqual(['1:opened:0:hook-a', '1:resolved:0:hook-a', '2:opened:0:hook-a']);
    expect([...b.effects.keys()].sort()).toEqual(['1:opened:0:hook-b', '1:resolved:0:hook-b', '2:opened:0:hook-b']);
    // hook-b never waited for hook-a: it got every notification at its first attempt.
    const notes = [...((await detail(1)).notifications as Json[]), ...((await detail(2)).notifications as Json[])];
    expect(notes.filter((n) => n.channel === 'hook-b').every((n) => n.attempts === 1 && n.state === 'sent')).toBe(true);
    expect(notes.every((n) => n.state === 'sent')).toBe(true);
    // Order per incident holds on the failing channel: opened before resolved.
    const keys = a.requests.filter((r) => String(r.headers['idempotency-key']).startsWith('1:')).map((r) => r.body.event);
    expect(keys.indexOf('resolved')).toBeGreaterThan(keys.lastIndexOf('opened'));
  });

  test('a 400 dead-letters with a timeline entry and a metric; resend delivers it', async () => {
    a.failNext({ status: 400, body: '{"error":"bad"}' });
    await t.post('alertmanager', cpu('db-1:9100', '2025-03-18T08:59:00Z'));
    await run();
    const d = await detail(1);
    const dead = (d.notifications as Json[]).find((n) => n.channel === 'hook-a')!;
    expect(dead).toMatchObject({ state: 'dead', attempts: 1, lastError: expect.stringContaining('400') });
    expect((d.timeline as Json[]).find((e) => e.event === 'notification_dead')).toMatchObject({ detail: { channel: 'hook-a', event: 'opened' } });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('incident_bridge_notifications_dead_total{channel="hook-a"} 1');
    expect(metrics).toContain('incident_bridge_notifications_sent_total{channel="hook-b"} 1');

    const resend = await fetch(`${t.url}/api/v1/notifications/${String(dead.id)}/resend`, { method: 'POST' });
    expect(resend.status).toBe(202);
    await run();
    expect(((await detail(1)).notifications as Json[]).find((n) => n.id === dead.id)).toMatchObject({ state: 'sent', attempts: 2 });
    expect((await fetch(`${t.url}/api/v1/notifications/999/resend`, { method: 'POST' })).status).toBe(404);
  });

  test('a notification that keeps failing past maxAge is dead-lettered', async () => {
    a.failNext(...Array.from({ length: 50 }, () => ({ status: 503 })));
    await t.post('alertmanager', cpu('db-1:9100', '2025-03-18T08:59:00Z'));
    for (let i = 0; i < 40; i++) {
      await run();
      clock.advance({ minutes: 2 });
    }
    const n = ((await detail(1)).notifications as Json[]).find((x) => x.channel === 'hook-a')!;
    expect(n.state).toBe('dead');
    expect(String(n.lastError)).toMatch(/^gave up after \d+ attempts: 503/);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/incident_bridge_notifications_failed_total\{channel="hook-a",reason="503"\} \d+/);
  });
});
