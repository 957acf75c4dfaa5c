import { channelConfigSchema, channelSecrets, telegramChannelSchema } from '../../../../src/config/channel-config';
import type { Notification } from '../../../../src/notify/channel';
import { createChannel } from '../../../../src/notify/channels';
import { TELEGRAM_MAX_TEXT, TelegramChannel } from '../../../../src/notify/channels/telegram';
import { renderHtml, renderPlainText } from '../../../../src/notify/message-content';
import { htmlToPlainText } from '../../../../src/notify/split-html';
import { telegramBotsOf } from '../../../../src/notify/telegram-updates';
import { FakeClock } from '../../../helpers/fake-clock';
import { buttonData, FakeTelegram, telegramHtmlError } from '../../../helpers/fake-telegram';
import type { TelegramScript } from '../../../helpers/fake-telegram';
import { LoopbackServer } from '../../../helpers/loopback-server';
import { notificationFor, sampleAlerts, sampleIncident } from '../../../helpers/notifications';

let fake: FakeTelegram;
let apiUrl: string;

beforeEach(async () => {
  fake = new FakeTelegram();
  apiUrl = await fake.start();
});

afterEach(async () => {
  await fake.stop();
});

function channel(config: Record<string, unknown> = {}): TelegramChannel {
  const parsed = telegramChannelSchema.parse({ name: 'l1-telegram', type: 'telegram', botToken: fake.token, chatId: -1001234567890, apiUrl, timeoutMs: 2_000, ...config });
  return new TelegramChannel(parsed, new FakeClock());
}

/** A P1 of 200 alerts whose text is far over Telegram's limit, with characters HTML must escape. */
function longNotification(summary: string, title?: string): Notification {
  return notificationFor('opened', sampleIncident({ summary, ...(title ? { title } : {}) }), sampleAlerts(200), { alertTotal: 200 });
}

const collapse = (html: string): string => htmlToPlainText(html).replace(/\n+/g, '');

describe('TelegramChannel status table', () => {
  test.each<[string, TelegramScript | null, { ok: boolean; retryable?: boolean; retryAfterMs?: number }]>([
    ['200 delivers', null, { ok: true }],
    ['400 chat not found dead-letters', { status: 400, description: 'Bad Request: chat not found' }, { ok: false, retryable: false }],
    ['401 dead-letters', { status: 401, description: 'Unauthorized' }, { ok: false, retryable: false }],
    ['403 bot blocked dead-letters', { status: 403, description: 'Forbidden: bot was kicked from the supergroup chat' }, { ok: false, retryable: false }],
    ['404 dead-letters', { status: 404, description: 'Not Found' }, { ok: false, retryable: false }],
    ['408 retries', { status: 408, description: 'Request Timeout' }, { ok: false, retryable: true }],
    ['500 retries', { status: 500, description: 'Internal Server Error' }, { ok: false, retryable: true }],
    ['502 retries', { status: 502, description: 'Bad Gateway' }, { ok: false, retryable: true }],
    ['429 retries after the asked wait', { status: 429, retryAfter: 17 }, { ok: false, retryable: true, retryAfterMs: 17_000 }],
    ['a dropped connection retries', 'drop', { ok: false, retryable: true }],
    ['applied then 500 retries (Telegram has no idempotency key)', 'apply-then-fail', { ok: false, retryable: true }],
  ])('%s', async (_label, script, expected) => {
    if (script) fake.failNext(script);
    const outcome = await channel().send(notificationFor('opened'));
    expect(outcome).toMatchObject(expected);
    if (expected.ok || expected.retryAfterMs === undefined) expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  test('a wrong bot token is a 401 from the API and dead-letters', async () => {
    const outcome = await channel({ botToken: '999:wrong' }).send(notificationFor('opened'));
    expect(outcome).toEqual({ ok: false, retryable: false, reason: '401 Unauthorized', ref: {} });
  });

  test('a hanging API times out after timeoutMs and retries', async () => {
    fake.failNext('hang');
    const started = Date.now();
    const outcome = await channel({ timeoutMs: 200 }).send(notificationFor('opened'));
    expect(outcome).toMatchObject({ ok: false, retryable: true, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a refused connection retries', async () => {
    const closed = new LoopbackServer();
    const url = await closed.start(() => undefined);
    await closed.stop();
    const outcome = await channel({ apiUrl: url }).send(notificationFor('opened'));
    expect(outcome).toMatchObject({ ok: false, retryable: true, reason: 'ECONNREFUSED' });
  });
});

describe('TelegramChannel messages', () => {
  test('sends HTML to the chat, with the forum topic when configured, and stores the message id', async () => {
    const outcome = await channel({ messageThreadId: 7 }).send(notificationFor('opened'));
    expect(outcome).toEqual({ ok: true, ref: { messageId: 100 } });
    const [request] = fake.requests;
    expect(request?.method).toBe('sendMessage');
    expect(request?.body).toEqual({ chat_id: -1001234567890, message_thread_id: 7, text: renderHtml(notificationFor('opened').content), parse_mode: 'HTML', disable_web_page_preview: true });
    expect(telegramHtmlError(fake.messages[0]?.text ?? '')).toBeNull();
  });

  test('no message_thread_id without a forum topic', async () => {
    await channel({ chatId: '@support_l1' }).send(notificationFor('opened'));
    expect(fake.requests[0]?.body).not.toHaveProperty('message_thread_id');
    expect(fake.messages[0]?.chatId).toBe('@support_l1');
  });

  test.each<[string, string, string]>([
    ['many lines', Array.from({ length: 120 }, (_, i) => `Step ${i}: checkout <form> & "pay" button errors on node-${i} (${'x'.repeat(60)})`).join('\n'), ''],
    ['one 12,000-character line', Array.from({ length: 1500 }, (_, i) => `a<b>&${i % 10}`).join(' '), ''],
    ['a 10,000-character bold title', 'short summary', `Checkout & payments <down> ${'€'.repeat(10_000)}`],
  ])('an incident over 4096 characters (%s) arrives as several valid messages, in order and complete', async (_label, summary, title) => {
    const n = longNotification(summary, title);
    const html = renderHtml(n.content);
    expect(html.length).toBeGreaterThan(10_000);
    const outcome = await channel().send(n);
    expect(outcome).toEqual({ ok: true, ref: { messageId: 100 } });
    expect(fake.messages.length).toBeGreaterThanOrEqual(3);
    for (const m of fake.messages) {
      expect(m.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
      expect(m.parseMode).toBe('HTML');
      expect(telegramHtmlError(m.text)).toBeNull();
    }
    expect(fake.messages.map((m) => m.messageId)).toEqual(fake.messages.map((_, i) => 100 + i));
    expect(collapse(fake.messages.map((m) => m.text).join('\n'))).toBe(collapse(html));
  });

  test('a retry after a failure mid-way sends only the parts not yet sent', async () => {
    const n = longNotification(Array.from({ length: 150 }, (_, i) => `line ${i} ${'y'.repeat(80)}`).join('\n'));
    fake.failNext('ok', { status: 502, description: 'Bad Gateway' });
    const first = await channel().send(n);
    expect(first).toMatchObject({ ok: false, retryable: true, reason: '502 Bad Gateway', ref: { messageId: 100, pendingKey: n.idempotencyKey, sentParts: 1 } });
    expect(fake.messages).toHaveLength(1);
    const second = await channel().send({ ...n, ref: first.ref ?? null, attempt: 2 });
    expect(second).toEqual({ ok: true, ref: { messageId: 100 } });
    const texts = fake.messages.map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect(collapse(texts.join('\n'))).toBe(collapse(renderHtml(n.content)));
  });

  test("a 400 can't parse entities is sent again at once as plain text", async () => {
    fake.failNext({ status: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"br\" at byte offset 12" });
    const n = notificationFor('opened');
    const outcome = await channel().send(n);
    expect(outcome).toEqual({ ok: true, ref: { messageId: 100 } });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]?.body).not.toHaveProperty('parse_mode');
    expect(fake.messages).toEqual([expect.objectContaining({ parseMode: null, text: renderPlainText(n.content) })]);
  });

  test('a plain-text fallback that fails too keeps its own status', async () => {
    fake.failNext({ status: 400, description: "Bad Request: can't parse entities: x" }, { status: 503, description: 'Service Unavailable' });
    expect(await channel().send(notificationFor('opened'))).toMatchObject({ ok: false, retryable: true, reason: '503 Service Unavailable' });
  });

  test('resolved sends the resolve message and edits the opened one', async () => {
    const opened = await channel().send(notificationFor('opened'));
    const incident = sampleIncident({ status: 'resolved', firingCount: 0, resolvedAt: Date.parse('2025-03-18T09:40:00Z') });
    const resolved = notificationFor('resolved', incident, sampleAlerts(2, { status: 'resolved' }), { id: 2, ref: opened.ref ?? null });
    expect(await channel().send(resolved)).toEqual({ ok: true, ref: { messageId: 100 } });
    expect(fake.messages.map((m) => m.messageId)).toEqual([100, 101]);
    expect(fake.messages[1]?.text).toContain('Incident resolved');
    expect(fake.edits).toEqual([expect.objectContaining({ messageId: 100, parseMode: 'HTML' })]);
    expect(fake.edits[0]?.text).toMatch(/^✅ <b>Incident resolved: Payments fail at checkout<\/b>/);
    expect(telegramHtmlError(fake.edits[0]?.text ?? '')).toBeNull();
  });

  test.each<[string, TelegramScript]>([
    ['429', { status: 429, retryAfter: 30 }],
    ['500', { status: 500 }],
    ['a hang', 'hang'],
  ])('a failed edit (%s) does not fail the resolve notification', async (_label, script) => {
    const resolved = notificationFor('resolved', sampleIncident({ status: 'resolved' }), sampleAlerts(1), { ref: { messageId: 100 } });
    fake.failNext('ok', script);
    expect(await channel({ timeoutMs: 300 }).send(resolved)).toEqual({ ok: true, ref: { messageId: 100 } });
    expect(fake.messages).toHaveLength(1);
    expect(fake.edits).toHaveLength(0);
  });

  test('resolved without a stored message id only sends', async () => {
    await channel().send(notificationFor('resolved', sampleIncident({ status: 'resolved' })));
    expect(fake.requests.map((r) => r.method)).toEqual(['sendMessage']);
  });

  test('other events keep the announcing message id; reopened replaces it', async () => {
    const ack = await channel().send(notificationFor('acknowledged', sampleIncident(), sampleAlerts(1), { ref: { messageId: 55 } }));
    expect(ack).toEqual({ ok: true, ref: { messageId: 55 } });
    const reopened = await channel().send(notificationFor('reopened', sampleIncident(), sampleAlerts(1), { ref: { messageId: 55 } }));
    expect(reopened).toEqual({ ok: true, ref: { messageId: 101 } });
  });

  test('the bot token never appears in a reason', async () => {
    const token = fake.token;
    fake.failNext({ status: 500, description: `upstream failed for /bot${token}/sendMessage` }, { status: 400, description: `Bad Request: token ${encodeURIComponent(token)} rejected` });
    const outcomes = [await channel().send(notificationFor('opened')), await channel().send(notificationFor('opened'))];
    outcomes.push(await channel({ apiUrl: 'http://127.0.0.1:1' }).send(notificationFor('opened')));
    for (const o of outcomes) {
      expect(o.ok).toBe(false);
      if (!o.ok) {
        expect(o.reason).not.toContain(token);
        expect(o.reason).not.toContain(encodeURIComponent(token));
      }
    }
    expect(outcomes[0]).toMatchObject({ reason: '500 upstream failed for /bot<redacted>/sendMessage' });
  });
});

describe('TelegramChannel buttons', () => {
  const withButtons = () => channel({ buttons: { enabled: true } });

  test('off by default: no keyboard on any message', async () => {
    await channel().send(notificationFor('opened'));
    expect(fake.requests[0]?.body).not.toHaveProperty('reply_markup');
  });

  test('the opening message carries the buttons that apply now; other events carry none', async () => {
    await withButtons().send(notificationFor('opened'));
    expect(buttonData(fake.messages[0]!.replyMarkup)).toEqual(['ib1:42:acknowledge', 'ib1:42:escalate', 'ib1:42:resolve']);
    // Delivered after an acknowledge and an escalation to L3: only Resolve is left.
    await withButtons().send(notificationFor('reopened', sampleIncident({ status: 'acknowledged', line: 'L3', reopenCount: 1 })));
    expect(buttonData(fake.messages[1]!.replyMarkup)).toEqual(['ib1:42:resolve']);
    await withButtons().send(notificationFor('acknowledged', sampleIncident({ status: 'acknowledged' })));
    expect(fake.messages[2]!.replyMarkup).toBeNull();
  });

  test('a long opening message has its buttons under the first part, the one the ref keeps', async () => {
    const n = longNotification(Array.from({ length: 150 }, (_, i) => `line ${i} ${'y'.repeat(80)}`).join('\n'));
    expect(await withButtons().send(n)).toEqual({ ok: true, ref: { messageId: 100 } });
    expect(fake.messages.length).toBeGreaterThan(1);
    expect(fake.messages.map((m) => m.replyMarkup !== null)).toEqual(fake.messages.map((_, i) => i === 0));
  });

  test('an acknowledge or escalation made elsewhere updates the buttons; a resolve drops them', async () => {
    const opened = await withButtons().send(notificationFor('opened'));
    const ref = opened.ok ? (opened.ref ?? null) : null;
    await withButtons().send(notificationFor('acknowledged', sampleIncident({ status: 'acknowledged' }), sampleAlerts(2), { ref }));
    expect(fake.edits.at(-1)).toMatchObject({ method: 'editMessageReplyMarkup', messageId: 100 });
    expect(buttonData(fake.messages[0]!.replyMarkup)).toEqual(['ib1:42:escalate', 'ib1:42:resolve']);
    await withButtons().send(notificationFor('resolved', sampleIncident({ status: 'resolved' }), sampleAlerts(2), { ref }));
    expect(fake.edits.at(-1)).toMatchObject({ method: 'editMessageText', messageId: 100 });
    expect(fake.messages[0]!.replyMarkup).toBeNull();
  });

  test('a failed update of the buttons does not fail the notification', async () => {
    fake.failNext('ok', { status: 429, retryAfter: 5 });
    const outcome = await withButtons().send(notificationFor('escalated', sampleIncident({ line: 'L2' }), sampleAlerts(1), { ref: { messageId: 100 } }));
    expect(outcome).toEqual({ ok: true, ref: { messageId: 100 } });
  });

  test.each([
    ['enabled alone', { enabled: true }, { enabled: true, pollTimeout: 30_000 }],
    ['a poll timeout', { enabled: true, pollTimeout: '50s' }, { enabled: true, pollTimeout: 50_000 }],
  ])('config: %s', (_what, buttons, expected) => {
    expect(telegramChannelSchema.parse({ name: 'tg', type: 'telegram', botToken: '1:abc', chatId: 1, buttons }).buttons).toEqual(expected);
  });

  test.each([['0s'], ['51s'], ['1500ms'], ['soon']])('config: a poll timeout of %s is refused', (pollTimeout) => {
    expect(() => telegramChannelSchema.parse({ name: 'tg', type: 'telegram', botToken: '1:abc', chatId: 1, buttons: { enabled: true, pollTimeout } })).toThrow(/invalid poll timeout/);
  });

  test('one poller per bot: channels that share a token share it, channels without buttons have none', () => {
    const parse = (c: Record<string, unknown>) => channelConfigSchema.parse({ type: 'telegram', chatId: 1, ...c });
    const bots = telegramBotsOf([
      parse({ name: 'l1', botToken: '1:a', buttons: { enabled: true } }),
      parse({ name: 'l3', botToken: '1:a', buttons: { enabled: true, pollTimeout: '10s' } }),
      parse({ name: 'ops', botToken: '2:b', buttons: { enabled: true, pollTimeout: '10s' } }),
      parse({ name: 'quiet', botToken: '3:c' }),
    ]);
    expect(bots.map((b) => [b.channels, b.pollTimeoutMs])).toEqual([
      [['l1', 'l3'], 30_000],
      [['ops'], 10_000],
    ]);
  });
});

describe('fake Telegram HTML validator', () => {
  test.each([
    ['<b>ok</b> &amp; <a href="https://x.example/?a=1&amp;b=2">link</a>', null],
    ['<b>unclosed', /end tag/],
    ['<b><i>crossed</b></i>', /Unmatched end tag/],
    ['<script>x</script>', /Unsupported start tag/],
    ['a &nbsp; b', /Unsupported HTML entity/],
    ['1 < 2', /can't parse entities/],
  ])('%s', (text, expected) => {
    const error = telegramHtmlError(text);
    if (expected === null) expect(error).toBeNull();
    else expect(error).toMatch(expected);
  });
});

describe('registry', () => {
  test('a telegram entry parses with defaults, builds a TelegramChannel, and its token is a secret', () => {
    const config = channelConfigSchema.parse({ name: 'tg', type: 'telegram', botToken: '1:abc', chatId: '-100200' });
    expect(config).toMatchObject({ apiUrl: 'https://api.telegram.org', timeoutMs: 10_000, buttons: { enabled: false, pollTimeout: 30_000 } });
    expect(createChannel(config, { clock: new FakeClock() })).toBeInstanceOf(TelegramChannel);
    expect(channelSecrets(config)).toEqual(['1:abc']);
    expect(() => channelConfigSchema.parse({ name: 'tg', type: 'telegram', botToken: '1:abc', chatId: 1, token: 'typo' })).toThrow();
  });
});
