import { channelConfigSchema, channelSecrets, mattermostChannelSchema, slackChannelSchema } from '../../../../src/config/channel-config';
import { createChannel } from '../../../../src/notify/channels';
import { ChatWebhookChannel, PRIORITY_COLORS } from '../../../../src/notify/channels/chat-webhook';
import { FakeChatWebhook } from '../../../helpers/fake-chat-webhook';
import type { ChatWebhookScript } from '../../../helpers/fake-chat-webhook';
import { FakeClock } from '../../../helpers/fake-clock';
import { LoopbackServer } from '../../../helpers/loopback-server';
import { notificationFor, sampleAlerts, sampleIncident } from '../../../helpers/notifications';

type Flavor = 'slack' | 'mattermost';

let fake: FakeChatWebhook;

afterEach(async () => {
  await fake.stop();
});

async function start(flavor: Flavor): Promise<void> {
  fake = new FakeChatWebhook(flavor);
  await fake.start();
}

function channel(flavor: Flavor, config: Record<string, unknown> = {}): ChatWebhookChannel {
  const raw = { name: `l1-${flavor}`, type: flavor, webhookUrl: fake.url, timeoutMs: 2_000, ...config };
  return new ChatWebhookChannel(flavor === 'slack' ? slackChannelSchema.parse(raw) : mattermostChannelSchema.parse(raw), new FakeClock());
}

const attachment = (i = 0): Record<string, unknown> => ((fake.posts[i]?.body.attachments as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};

describe.each<Flavor>(['slack', 'mattermost'])('%s status table', (flavor) => {
  beforeEach(() => start(flavor));

  test.each<[string, ChatWebhookScript | null, { ok: boolean; retryable?: boolean; retryAfterMs?: number; reason?: string }]>([
    ['200 ok delivers', null, { ok: true }],
    ['400 invalid_payload dead-letters', { status: 400, body: 'invalid_payload' }, { ok: false, retryable: false, reason: '400 invalid_payload' }],
    ['403 action_prohibited dead-letters', { status: 403, body: 'action_prohibited' }, { ok: false, retryable: false }],
    ['404 channel_not_found dead-letters', { status: 404, body: 'channel_not_found' }, { ok: false, retryable: false, reason: '404 channel_not_found' }],
    ['410 channel_is_archived dead-letters', { status: 410, body: 'channel_is_archived' }, { ok: false, retryable: false }],
    ['408 retries', { status: 408 }, { ok: false, retryable: true }],
    ['500 rollup_error retries', { status: 500, body: 'rollup_error' }, { ok: false, retryable: true, reason: '500 rollup_error' }],
    ['503 retries', { status: 503, body: '{"message":"Service Unavailable","status_code":503}' }, { ok: false, retryable: true, reason: '503 Service Unavailable' }],
    ['429 retries after Retry-After', { status: 429, retryAfter: '30' }, { ok: false, retryable: true, retryAfterMs: 30_000, reason: '429 rate_limited' }],
    ['a dropped connection retries', 'drop', { ok: false, retryable: true }],
    ['applied then 500 retries', 'apply-then-fail', { ok: false, retryable: true }],
  ])('%s', async (_label, script, expected) => {
    if (script) fake.failNext(script);
    const outcome = await channel(flavor).send(notificationFor('opened'));
    expect(outcome).toMatchObject(expected);
    if (expected.retryAfterMs === undefined) expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  test('a hanging webhook times out after timeoutMs and retries', async () => {
    fake.failNext('hang');
    expect(await channel(flavor, { timeoutMs: 200 }).send(notificationFor('opened'))).toMatchObject({ ok: false, retryable: true, reason: 'timeout' });
  });

  test('a refused connection retries', async () => {
    const closed = new LoopbackServer();
    const url = await closed.start(() => undefined);
    await closed.stop();
    expect(await channel(flavor, { webhookUrl: `${url}/hooks/x` }).send(notificationFor('opened'))).toMatchObject({ ok: false, retryable: true, reason: 'ECONNREFUSED' });
  });

  test('an unknown hook dead-letters with the service answer, and the URL never shows in the reason', async () => {
    const wrong = fake.url.replace(fake.hookPath, '/hooks/revoked-secret-path');
    const outcome = await channel(flavor, { webhookUrl: wrong }).send(notificationFor('opened'));
    expect(outcome).toEqual({ ok: false, retryable: false, reason: flavor === 'slack' ? '404 no_service' : '400 Invalid webhook' });
  });

  test('the webhook URL is redacted from a reason that echoes it', async () => {
    fake.failNext({ status: 502, body: `bad gateway for ${fake.url}` }, { status: 400, body: `no hook at ${fake.hookPath}` });
    const first = await channel(flavor).send(notificationFor('opened'));
    const second = await channel(flavor).send(notificationFor('opened'));
    expect(first).toMatchObject({ ok: false, reason: '502 bad gateway for <redacted>' });
    expect(second).toMatchObject({ ok: false, reason: '400 no hook at <redacted>' });
  });
});

describe('chat webhook payload', () => {
  test('Slack: bold headline, mrkdwn attachment coloured by priority, fields and links', async () => {
    await start('slack');
    await channel('slack', { channel: '#support-l1', username: 'incident-bridge', iconEmoji: ':rotating_light:' }).send(notificationFor('opened'));
    const body = fake.posts[0]?.body ?? {};
    expect(body).toMatchObject({ text: '*Incident opened: Payments fail at checkout*', channel: '#support-l1', username: 'incident-bridge', icon_emoji: ':rotating_light:' });
    const a = attachment();
    expect(a.color).toBe(PRIORITY_COLORS.P1);
    expect(a.fallback).toBe('Incident opened: Payments fail at checkout');
    expect(a.fields).toEqual(expect.arrayContaining([{ title: 'Priority', value: 'P1 critical', short: true }, { title: 'Health model', value: 'checkout', short: true }]));
    expect(a.text).toContain('*Affected alerts (2)*\n• PaymentErrorsHigh payments-1.prod:9100 (firing)');
    expect(a.text).toContain('<https://wiki.example.com/runbooks/checkout/payments|Runbook> | <https://incidents.example.com/api/v1/incidents/42|Incident #42>');
  });

  test('Mattermost: **bold**, no channel override unless configured', async () => {
    await start('mattermost');
    await channel('mattermost').send(notificationFor('opened', sampleIncident({ priority: 'P3' })));
    const body = fake.posts[0]?.body ?? {};
    expect(body.text).toBe('**Incident opened: Payments fail at checkout**');
    expect(body).not.toHaveProperty('channel');
    expect(body).not.toHaveProperty('icon_emoji');
    expect(attachment().color).toBe(PRIORITY_COLORS.P3);
    expect(attachment().text).toContain('**Affected alerts (2)**');
  });

  test('escapes &, < and > in every text from the incident', async () => {
    await start('slack');
    const incident = sampleIncident({ title: 'Prices <stale> & wrong', summary: 'Feed <b>late</b> & <!channel>', healthModel: 'a&b' });
    await channel('slack').send(notificationFor('opened', incident, sampleAlerts(1, { labels: { alertname: '<x>&y', instance: 'i' } })));
    const body = fake.posts[0]?.body ?? {};
    expect(body.text).toBe('*Incident opened: Prices &lt;stale&gt; &amp; wrong*');
    expect(attachment().text).toContain('Feed &lt;b&gt;late&lt;/b&gt; &amp; &lt;!channel&gt;');
    expect(attachment().text).toContain('• &lt;x&gt;&amp;y i (firing)');
    expect(attachment().fields).toEqual(expect.arrayContaining([{ title: 'Health model', value: 'a&amp;b', short: true }]));
  });

  test('resolved is green, and a 10,000-character summary is cut with the link kept', async () => {
    await start('slack');
    const incident = sampleIncident({ status: 'resolved', resolvedAt: Date.parse('2025-03-18T10:00:00Z'), summary: 's'.repeat(10_000) });
    expect(await channel('slack').send(notificationFor('resolved', incident, sampleAlerts(200), { alertTotal: 200 }))).toEqual({ ok: true });
    const a = attachment();
    expect(a.color).toBe('#2eb886');
    expect(String(a.text).length).toBeLessThan(4_000);
    expect(a.text).toContain('s…');
    expect(a.text).toContain('and 195 more');
    expect(a.text).toContain('|Incident #42>');
  });
});

describe('registry', () => {
  test.each<Flavor>(['slack', 'mattermost'])('a %s entry builds a ChatWebhookChannel whose URL is a secret', (type) => {
    const config = channelConfigSchema.parse({ name: 'chat', type, webhookUrl: 'https://chat.example.com/hooks/s3cr3t' });
    const built = createChannel(config, { clock: new FakeClock() });
    expect(built).toBeInstanceOf(ChatWebhookChannel);
    expect(built.type).toBe(type);
    expect(channelSecrets(config)).toEqual(['https://chat.example.com/hooks/s3cr3t']);
  });
});
