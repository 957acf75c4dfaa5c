import { PassThrough } from 'node:stream';
import { callApi } from '../helpers/api-client';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { buttonData, FakeTelegram, telegramHtmlError } from '../helpers/fake-telegram';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

const ENV = {
  TOKEN_ANNA: 'anna-token-0123456789',
  TOKEN_BORIS: 'boris-token-0123456789',
  TOKEN_VERA: 'vera-token-0123456789',
  TOKEN_CARL: 'carl-token-0123456789',
};
const ANNA = 1001;
const BORIS = 1002;
const VERA = 1003;
const CARL = 1004;
const STRANGER = 4242;

const config = (apiUrl: string, token: string, locale = 'en') => `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
people:
  - {name: anna, role: responder, lines: [L1], token: "\${TOKEN_ANNA}", telegramUserId: ${ANNA}}
  - {name: boris, role: admin, lines: [L2], token: "\${TOKEN_BORIS}", telegramUserId: ${BORIS}}
  - {name: vera, role: viewer, token: "\${TOKEN_VERA}", telegramUserId: ${VERA}}
  - {name: carl, role: customer, customer: acme, token: "\${TOKEN_CARL}", telegramUserId: ${CARL}}
customers:
  - {name: acme}
  - {name: globex}
notifications:
  locale: ${locale}
  channels:
    - name: l1-telegram
      type: telegram
      botToken: "${token}"
      chatId: -1001234567890
      apiUrl: ${apiUrl}
      timeoutMs: 2000
      buttons: {enabled: true, pollTimeout: 30s}
`;
const firing = amBody([{ labels: { alertname: 'HostHighCpuLoad', instance: 'db-1:9100' }, startsAt: '2026-05-04T09:59:00Z' }]);

type Json = Record<string, unknown>;
type Entry = { event: string; actor: { type: string; name: string }; detail: Json };

/** Collects the JSON log lines of an app that builds its own logger (secrets masked). */
class LogLines {
  readonly stream = new PassThrough();
  private text = '';
  constructor() {
    this.stream.on('data', (chunk: Buffer) => (this.text += chunk.toString('utf8')));
  }
  get raw(): string {
    return this.text;
  }
  entries(): Json[] {
    return this.text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Json);
  }
}

describe('Telegram buttons without a public URL', () => {
  let fake: FakeTelegram;
  let apiUrl: string;
  let clock: FakeClock;
  let logs: LogLines;
  const apps: TestApp[] = [];

  beforeEach(async () => {
    fake = new FakeTelegram();
    apiUrl = await fake.start();
    clock = new FakeClock('2026-05-04T10:00:00Z');
    logs = new LogLines();
  });
  afterEach(async () => {
    for (const t of apps.splice(0)) {
      await t.stop();
      t.cleanup();
    }
    await fake.stop();
  });

  async function start(options: { dbFile?: string; locale?: string } = {}): Promise<TestApp> {
    const t = await startTestApp({ configYaml: config(apiUrl, fake.token, options.locale), env: ENV, clock, logStream: logs.stream, ...(options.dbFile ? { dbFile: options.dbFile } : {}) });
    apps.push(t);
    return t;
  }
  /** Opens incident 1 and delivers its opening message; returns that message's id. */
  async function openIncident(t: TestApp): Promise<number> {
    expect((await t.post('alertmanager', firing)).json).toEqual({ accepted: 1, incidents: [1] });
    await t.app.outboxWorker().runOnce();
    const opening = fake.messages.at(-1)!;
    expect(opening.replyMarkup).not.toBeNull();
    return opening.messageId;
  }
  const poller = (t: TestApp) => t.app.telegramPollers()[0]!;
  const incident = async (t: TestApp) => (await callApi(t.url, 'GET', '/api/v1/incidents/1', { headers: { authorization: `Bearer ${ENV.TOKEN_VERA}` } })).json;
  const people = async (t: TestApp) => ((await incident(t)).timeline as Entry[]).filter((e) => e.actor.type === 'person').map((e) => `${e.event} by ${e.actor.name}`);
  const message = (id: number) => fake.messages.find((m) => m.messageId === id)!;

  test('a press acknowledges the incident: the API agrees, the press is answered, the message shows who and drops the button', async () => {
    const t = await start();
    const messageId = await openIncident(t);
    expect(buttonData(message(messageId).replyMarkup)).toEqual(['ib1:1:acknowledge', 'ib1:1:escalate', 'ib1:1:resolve']);

    clock.advance({ minutes: 2 });
    fake.press({ userId: ANNA, data: 'ib1:1:acknowledge', messageId });
    expect(await poller(t).runOnce()).toEqual({ updates: 1, delayMs: 0 });

    expect(await incident(t)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'anna', assignee: 'anna', acknowledgedAt: '2026-05-04T10:02:00.000Z' });
    expect(await people(t)).toEqual(['acknowledged by anna']);
    expect(fake.answers).toEqual([{ callbackQueryId: 'q1', text: 'Acknowledged by anna', showAlert: false }]);
    const edit = fake.edits.at(-1)!;
    expect(edit).toMatchObject({ method: 'editMessageText', messageId, parseMode: 'HTML' });
    expect(edit.text).toMatch(/^<b>Acknowledged by anna<\/b>\n\n<b>Incident opened: HostHighCpuLoad on db-1:9100<\/b>/);
    expect(edit.text).toContain('<b>Status:</b> acknowledged');
    expect(telegramHtmlError(edit.text)).toBeNull();
    expect(buttonData(message(messageId).replyMarkup)).toEqual(['ib1:1:escalate', 'ib1:1:resolve']);
    expect(fake.polls[0]).toMatchObject({ offset: null, timeout: 30, allowedUpdates: ['callback_query', 'message'] });

    // The acknowledge is also delivered as a notification, like one made through the API.
    await t.app.outboxWorker().runOnce();
    expect(fake.messages.at(-1)!.text).toContain('Incident acknowledged');
    // A second press of a stale Acknowledge (another client) changes nothing and says who has it.
    fake.press({ userId: BORIS, data: 'ib1:1:acknowledge', messageId });
    await poller(t).runOnce();
    expect(fake.answers.at(-1)).toMatchObject({ text: 'Already acknowledged by anna', showAlert: false });
    expect(await people(t)).toEqual(['acknowledged by anna']);
  });

  test('escalate from a button moves up a line with a note, says who, and drops Escalate on L3; one more is a conflict', async () => {
    const t = await start();
    const messageId = await openIncident(t);
    fake.press({ userId: BORIS, data: 'ib1:1:escalate', messageId });
    await poller(t).runOnce();
    expect(await incident(t)).toMatchObject({ line: 'L2', status: 'open' });
    expect(fake.answers.at(-1)).toMatchObject({ text: 'Escalated to L2 by boris' });
    expect(message(messageId).text).toMatch(/^<b>Escalated to L2 by boris<\/b>/);

    fake.press({ userId: ANNA, data: 'ib1:1:acknowledge', messageId });
    fake.press({ userId: ANNA, data: 'ib1:1:escalate', messageId });
    expect(await poller(t).runOnce()).toEqual({ updates: 2, delayMs: 0 });
    expect(message(messageId).text).toMatch(/^<b>Acknowledged by anna<\/b>\n<b>Escalated to L3 by anna<\/b>\n\n/);
    expect(buttonData(message(messageId).replyMarkup)).toEqual(['ib1:1:resolve']);

    fake.press({ userId: ANNA, data: 'ib1:1:escalate', messageId });
    await poller(t).runOnce();
    expect(fake.answers.at(-1)).toMatchObject({ text: 'Not possible: the incident is already on L3, the last line', showAlert: true });
    const escalations = ((await incident(t)).timeline as Entry[]).filter((e) => e.event === 'escalated');
    expect(escalations.map((e) => [e.actor.name, e.detail])).toEqual([
      ['boris', { from: 'L1', to: 'L2', note: 'escalated from Telegram' }],
      ['anna', { from: 'L2', to: 'L3', note: 'escalated from Telegram' }],
    ]);
    while ((await t.app.outboxWorker().runOnce()) > 0);
    expect(fake.messages.filter((m) => m.text.includes('Incident escalated'))).toHaveLength(2);
  });

  test.each([
    ['a stranger', STRANGER],
    ['a viewer', VERA],
    ['a customer', CARL],
  ])("%s's press changes nothing and is answered not allowed; the warning names the Telegram user, never the token", async (_who, userId) => {
    const t = await start();
    const messageId = await openIncident(t);
    for (const action of ['acknowledge', 'escalate', 'resolve']) fake.press({ userId, data: `ib1:1:${action}`, messageId });
    expect(await poller(t).runOnce()).toEqual({ updates: 3, delayMs: 0 });
    expect(await incident(t)).toMatchObject({ status: 'open', line: 'L1', acknowledgedBy: null });
    expect(await people(t)).toEqual([]);
    expect(fake.answers.map((a) => [a.text, a.showAlert])).toEqual(Array(3).fill(['Not allowed: your Telegram account may not act on incidents', true]));
    expect(fake.messages).toHaveLength(1);
    expect(fake.edits).toEqual([]);
    const warnings = logs.entries().filter((e) => e.level === 'warn' && String(e.message).includes('refused'));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatchObject({ telegramUserId: userId, incidentId: 1, action: 'acknowledge' });
    expect(logs.raw).not.toContain(fake.token);
    expect(logs.raw).not.toContain(fake.token.split(':')[1]);
  });

  test('malformed or forged callback data changes nothing and is answered; updates the poller cannot use are confirmed too', async () => {
    const t = await start();
    const messageId = await openIncident(t);
    const forged = ['ib1:99:acknowledge', 'ib1:1:snooze', 'garbage', 'ib1:1:acknowledge:again', 'ib1:01:acknowledge', 'ib1:-1:acknowledge', 'ib2:1:acknowledge', `ib1:${'9'.repeat(20)}:acknowledge`];
    for (const data of forged) fake.press({ userId: ANNA, data, messageId });
    fake.push({ callback_query: { id: 'no-from', data: 'ib1:1:acknowledge' } });
    fake.push({ message: { text: 'no chat' } });
    const last = fake.push({ message: { message_id: 5, chat: { id: -1001234567890 }, from: { id: ANNA }, text: 'just chatting' } });
    expect(await poller(t).runOnce()).toEqual({ updates: forged.length + 3, delayMs: 0 });

    expect(await incident(t)).toMatchObject({ status: 'open', line: 'L1' });
    expect(((await incident(t)).timeline as Entry[]).map((e) => e.event)).toEqual(['opened']);
    expect(fake.answers.map((a) => a.text)).toEqual(['Incident #99 not found', ...Array(forged.length - 1).fill('This button is not valid')]);
    expect(fake.messages).toHaveLength(1);

    // Every one of them is confirmed: the next poll starts after the last.
    fake.press({ userId: ANNA, data: 'ib1:1:acknowledge', messageId });
    await poller(t).runOnce();
    expect(fake.polls.at(-1)!.offset).toBe(last + 1);
    expect(await incident(t)).toMatchObject({ status: 'acknowledged' });
  });

  test('resolve asks for the note; a reply from a responder resolves with it; a viewer, a missing note and a second reply change nothing', async () => {
    const t = await start({ locale: 'ru' });
    const messageId = await openIncident(t);
    expect(message(messageId).replyMarkup).toMatchObject({ inline_keyboard: [[{ text: 'Принять' }, { text: 'Эскалировать' }, { text: 'Решить' }]] });

    fake.press({ userId: ANNA, data: 'ib1:1:resolve', messageId });
    await poller(t).runOnce();
    const prompt = fake.messages.at(-1)!;
    expect(prompt).toMatchObject({ text: 'Ответьте на это сообщение описанием решения инцидента #1', replyTo: messageId, replyMarkup: { force_reply: true } });
    expect(fake.answers.at(-1)).toMatchObject({ text: 'Ответьте на запрос описанием решения' });
    expect(await incident(t)).toMatchObject({ status: 'open' });

    fake.reply({ userId: VERA, text: 'I think it is fine', replyTo: prompt.messageId });
    fake.push({ message: { message_id: 900, chat: { id: -1001234567890 }, from: { id: ANNA }, sticker: {}, reply_to_message: { message_id: prompt.messageId } } });
    fake.reply({ userId: ANNA, text: 'an answer to something else', replyTo: messageId });
    await poller(t).runOnce();
    expect(await incident(t)).toMatchObject({ status: 'open' });
    expect(fake.messages.slice(-2).map((m) => m.text)).toEqual([
      'Нет прав: этому аккаунту Telegram нельзя действовать по инцидентам',
      'Описание решения должно быть текстом: ответьте на запрос ещё раз',
    ]);

    clock.advance({ minutes: 7 });
    fake.reply({ userId: ANNA, text: 'Restarted the payment gateway', replyTo: prompt.messageId });
    await poller(t).runOnce();
    expect(await incident(t)).toMatchObject({ status: 'resolved', resolvedBy: 'anna', resolutionNote: 'Restarted the payment gateway', resolvedAt: '2026-05-04T10:07:00.000Z' });
    expect(fake.messages.at(-1)!.text).toBe('Инцидент #1 решён: anna');
    expect(message(messageId).replyMarkup).toBeNull();

    const sent = fake.messages.length;
    fake.reply({ userId: BORIS, text: 'a second note', replyTo: prompt.messageId });
    await poller(t).runOnce();
    expect(fake.messages).toHaveLength(sent);
    expect(await people(t)).toEqual(['resolved by anna']);
    // The resolve reaches the channel as usual: its message, and the opening message marked resolved.
    await t.app.outboxWorker().runOnce();
    expect(fake.messages.at(-1)!.text).toContain('Инцидент решён');
    expect(message(messageId).text).toMatch(/^✅ /);
  });

  test('Resolve on a resolved incident says so and drops the buttons', async () => {
    const t = await start();
    const messageId = await openIncident(t);
    await callApi(t.url, 'POST', '/api/v1/incidents/1/resolve', { headers: { authorization: `Bearer ${ENV.TOKEN_BORIS}` }, body: { note: 'fixed' } });
    fake.press({ userId: ANNA, data: 'ib1:1:resolve', messageId });
    fake.press({ userId: ANNA, data: 'ib1:1:acknowledge', messageId });
    await poller(t).runOnce();
    expect(fake.answers.map((a) => a.text)).toEqual(['Incident #1 is already resolved', 'Not possible: a resolved incident cannot be acknowledged; reopen it first']);
    expect(message(messageId).replyMarkup).toBeNull();
    expect(fake.messages).toHaveLength(1);
  });

  test('a restart during a long poll, and one between a commit and its answer, lose and repeat no press', async () => {
    const first = await start();
    const messageId = await openIncident(first);
    const u1 = fake.press({ userId: ANNA, data: 'ib1:1:acknowledge', messageId });
    await poller(first).runOnce();
    // A long poll waits for presses; the daemon stops while it waits.
    const waiting = poller(first).runOnce();
    await fake.waitFor('getUpdates');
    expect(fake.pollWaiting).toBe(true);
    await first.stop();
    expect(await waiting).toEqual({ updates: 0, delayMs: 0 });

    // Pressed while the daemon is down.
    const u2 = fake.press({ userId: BORIS, data: 'ib1:1:escalate', messageId });
    const second = await start({ dbFile: first.dbFile });
    // The press is applied and committed, then the daemon stops before Telegram hears the answer.
    fake.failNext('ok', 'hang');
    const answering = poller(second).runOnce();
    await fake.waitFor('answerCallbackQuery');
    await second.stop();
    await answering;

    const u3 = fake.press({ userId: BORIS, data: 'ib1:1:escalate', messageId });
    const third = await start({ dbFile: first.dbFile });
    await poller(third).runOnce();

    // The poll that was waiting when the first daemon stopped confirmed nothing: u2 came with the next one.
    expect(fake.polls.map((p) => p.offset)).toEqual([null, u1 + 1, u1 + 1, u2 + 1]);
    expect(fake.polls.map((p) => p.answered)).toEqual([[u1], expect.anything(), [u2], [u3]]);
    expect(await people(third)).toEqual(['acknowledged by anna', 'escalated by boris', 'escalated by boris']);
    expect(await incident(third)).toMatchObject({ line: 'L3', acknowledgedBy: 'anna' });
  });

  test('an update sent again (below the stored offset) is skipped: each press is applied once', async () => {
    const t = await start();
    const messageId = await openIncident(t);
    fake.confirmOffsets = false;
    const u1 = fake.press({ userId: ANNA, data: 'ib1:1:escalate', messageId });
    await poller(t).runOnce();
    const u2 = fake.press({ userId: ANNA, data: 'ib1:1:acknowledge', messageId });
    expect(await poller(t).runOnce()).toEqual({ updates: 2, delayMs: 0 });
    expect(fake.polls.map((p) => p.answered)).toEqual([[u1], [u1, u2]]);
    expect(await people(t)).toEqual(['escalated by anna', 'acknowledged by anna']);
    expect(fake.answers.map((a) => a.text)).toEqual(['Escalated to L2 by anna', 'Acknowledged by anna']);
  });

  test('two daemons polling one bot: the first gets 409 Conflict and backs off, the second reads the press', async () => {
    const a = await start();
    const messageId = await openIncident(a);
    const b = await start();
    await b.post('alertmanager', firing);
    const first = poller(a).runOnce();
    await fake.waitFor('getUpdates');
    const second = poller(b).runOnce();
    const ended = await first;
    expect(ended.updates).toBe(0);
    expect(ended.delayMs).toBeGreaterThanOrEqual(1000);
    expect(ended.delayMs).toBeLessThanOrEqual(1000 * 60);
    expect(fake.polls.map((p) => p.answered)).toEqual(['conflict', null]);
    fake.press({ userId: ANNA, data: 'ib1:1:acknowledge', messageId });
    expect(await second).toEqual({ updates: 1, delayMs: 0 });
    expect(await incident(b)).toMatchObject({ status: 'acknowledged' });
    expect(await incident(a)).toMatchObject({ status: 'open' });
    expect(logs.entries().find((e) => e.level === 'warn' && String(e.message).includes('only one daemon may poll a bot'))).toMatchObject({ status: 409, reason: expect.stringContaining('terminated by other getUpdates request') });
  });

  test("429 waits Telegram's retry_after; a network failure backs off; the next poll goes on", async () => {
    const t = await start();
    const messageId = await openIncident(t);
    fake.failNext({ status: 429, retryAfter: 7 });
    expect(await poller(t).runOnce()).toEqual({ updates: 0, delayMs: 7000 });
    fake.failNext('drop');
    const dropped = await poller(t).runOnce();
    expect(dropped.updates).toBe(0);
    expect(dropped.delayMs).toBeGreaterThanOrEqual(1000);
    fake.press({ userId: ANNA, data: 'ib1:1:acknowledge', messageId });
    expect(await poller(t).runOnce()).toEqual({ updates: 1, delayMs: 0 });
    expect(logs.entries().find((e) => e.level === 'warn' && String(e.message).includes('rate-limits'))).toMatchObject({ status: 429, retryInMs: 7000 });
    expect(logs.raw).not.toContain(fake.token);
  });
});
