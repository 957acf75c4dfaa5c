import { createHmac } from 'node:crypto';
import { webhookChannelSchema } from '../../../../src/config/channel-config';
import { WebhookChannel } from '../../../../src/notify/channels/webhook';
import { FakeClock } from '../../../helpers/fake-clock';
import { notificationFor, sampleAlerts, sampleIncident } from '../../../helpers/notifications';
import { WebhookReceiver } from '../../../helpers/webhook-receiver';
import type { Script } from '../../../helpers/webhook-receiver';

describe('WebhookChannel', () => {
  let receiver: WebhookReceiver;
  let url: string;
  const clock = new FakeClock('2025-03-18T09:00:00Z');
  beforeEach(async () => {
    receiver = new WebhookReceiver();
    url = await receiver.start();
  });
  afterEach(() => receiver.stop());

  const channel = (extra: Record<string, unknown> = {}) => new WebhookChannel(webhookChannelSchema.parse({ name: 'hook', type: 'webhook', url, timeoutMs: 300, ...extra }), clock);
  const send = (c = channel()) => c.send(notificationFor('opened', sampleIncident(), sampleAlerts(2)));

  test.each<[string, Script, string, number | undefined]>([
    ['200', { status: 200 }, 'ok', undefined],
    ['204', { status: 204 }, 'ok', undefined],
    ['400', { status: 400 }, 'dead', undefined],
    ['401', { status: 401 }, 'dead', undefined],
    ['404', { status: 404 }, 'dead', undefined],
    ['410', { status: 410 }, 'dead', undefined],
    ['408', { status: 408 }, 'retry', undefined],
    ['429 with Retry-After', { status: 429, headers: { 'retry-after': '30' } }, 'retry', 30_000],
    ['500', { status: 500 }, 'retry', undefined],
    ['503', { status: 503 }, 'retry', undefined],
    ['a dropped connection', 'drop', 'retry', undefined],
    ['a hanging receiver (timeout)', 'hang', 'retry', undefined],
  ])('%s -> %s', async (_what, script, expected, retryAfterMs) => {
    receiver.failNext(script);
    const outcome = await send();
    expect(outcome.ok ? 'ok' : outcome.retryable ? 'retry' : 'dead').toBe(expected);
    if (!outcome.ok) expect(outcome.retryAfterMs).toBe(retryAfterMs);
  });

  test('a refused connection is retried', async () => {
    await receiver.stop();
    const outcome = await send();
    expect(outcome).toMatchObject({ ok: false, retryable: true, reason: 'ECONNREFUSED' });
  });

  test('sends the idempotency key and a verifiable signature', async () => {
    await send(channel({ secret: 'hook-secret' }));
    const [r] = receiver.requests;
    expect(r!.headers['idempotency-key']).toBe(notificationFor('opened', sampleIncident(), sampleAlerts(2)).idempotencyKey);
    const sig = String(r!.headers['x-incident-bridge-signature']);
    expect(sig).toMatch(/^t=1742288400,v1=[0-9a-f]{64}$/);
    expect(sig.split('v1=')[1]).toBe(createHmac('sha256', 'hook-secret').update(`1742288400.${r!.raw}`).digest('hex'));
    expect(r!.body).toMatchObject({ event: 'opened', incident: { id: 42, priority: 'P1', title: 'Payments fail at checkout' } });
  });
});
