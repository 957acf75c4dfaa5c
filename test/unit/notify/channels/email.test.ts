import { channelConfigSchema, channelSecrets, emailChannelSchema } from '../../../../src/config/channel-config';
import type { EmailChannelConfig } from '../../../../src/config/channel-config';
import { EmailChannel, mailThreadIds, outcomeOfSmtpError } from '../../../../src/notify/channels/email';
import { createChannel } from '../../../../src/notify/channels/index';
import { FakeClock } from '../../../helpers/fake-clock';
import { closedPort } from '../../../helpers/fake-http-service';
import { FakeSmtpServer, startSilentServer } from '../../../helpers/fake-smtp';
import { notificationFor, sampleAlerts, sampleIncident } from '../../../helpers/notifications';

function configFor(port: number, patch: Partial<EmailChannelConfig> = {}): EmailChannelConfig {
  return emailChannelSchema.parse({
    name: 'mail',
    type: 'email',
    smtp: { host: '127.0.0.1', port },
    from: 'Incident bridge <bridge@alerts.example.com>',
    to: ['l1@support.example.com', 'duty@support.example.com'],
    timeoutMs: 2000,
    ...patch,
  });
}

describe('EmailChannel', () => {
  let smtp: FakeSmtpServer;
  let channel: EmailChannel;

  beforeEach(async () => {
    smtp = new FakeSmtpServer();
    channel = new EmailChannel(configFor(await smtp.start()), new FakeClock());
  });
  afterEach(() => smtp.stop());

  test('sends the opened incident as text and HTML with the priority in the subject', async () => {
    const outcome = await channel.send(notificationFor('opened'));
    expect(outcome).toEqual({ ok: true });
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.from).toBe('bridge@alerts.example.com');
    expect(mail.to).toEqual(['l1@support.example.com', 'duty@support.example.com']);
    expect(mail.parsed.subject).toBe('[P1] Incident opened: Payments fail at checkout');
    expect(mail.parsed.text).toContain('Priority: P1 critical');
    expect(mail.parsed.text).toContain('- PaymentErrorsHigh payments-1.prod:9100 (firing)');
    expect(mail.parsed.html).toContain('<!DOCTYPE html>');
    expect(mail.parsed.html).toContain('<b>Impact:</b> full outage<br>');
    expect(mail.parsed.html).toContain('<a href="https://wiki.example.com/runbooks/checkout/payments">');
    expect(mail.parsed.headers.get('x-incident-bridge-incident')).toBe('42');
    expect(mail.parsed.date?.toISOString()).toBe('2025-03-18T09:00:00.000Z');
  });

  test("threads an incident's mails under the opened mail's Message-ID", async () => {
    const incident = sampleIncident();
    await channel.send(notificationFor('opened', incident, sampleAlerts(2), { id: 1 }));
    await channel.send(notificationFor('escalated', incident, sampleAlerts(2), { id: 2 }));
    await channel.send(notificationFor('resolved', sampleIncident({ status: 'resolved', resolvedAt: incident.openedAt + 600_000 }), sampleAlerts(2), { id: 3 }));
    const [opened, escalated, resolved] = smtp.mails.map((m) => m.parsed);
    expect(opened!.messageId).toBe('<incident-42@alerts.example.com>');
    expect(opened!.inReplyTo).toBeUndefined();
    expect(escalated!.messageId).toBe('<incident-42.escalated.2@alerts.example.com>');
    expect(resolved!.messageId).toBe('<incident-42.resolved.3@alerts.example.com>');
    for (const reply of [escalated!, resolved!]) {
      expect(reply.inReplyTo).toBe('<incident-42@alerts.example.com>');
      expect(reply.references).toBe('<incident-42@alerts.example.com>');
    }
    expect(resolved!.subject).toBe('[P1] Incident resolved: Payments fail at checkout');
  });

  test('a retry of the same notification keeps its Message-ID', async () => {
    const n = notificationFor('reopened', sampleIncident(), sampleAlerts(1), { id: 7 });
    await channel.send(n);
    await channel.send({ ...n, attempt: 2 });
    expect(smtp.mails.map((m) => m.parsed.messageId)).toEqual(['<incident-42.reopened.7@alerts.example.com>', '<incident-42.reopened.7@alerts.example.com>']);
  });

  test('Cyrillic content arrives intact in subject, text and HTML', async () => {
    const incident = sampleIncident({ title: 'Оплата не проходит', summary: 'Платёжный шлюз отвечает 5xx' });
    await channel.send(notificationFor('opened', incident, sampleAlerts(1), { locale: 'ru' }));
    const mail = smtp.mails[0]!.parsed;
    expect(mail.subject).toBe('[P1] Открыт инцидент: Оплата не проходит');
    expect(mail.text).toContain('Платёжный шлюз отвечает 5xx');
    expect(mail.text).toContain('Влияние: полная недоступность');
    expect(mail.html).toContain('<html lang="ru">');
    expect(mail.html).toContain('Оплата не проходит');
  });

  test.each([
    { stage: 'rcpt' as const, code: 450, retryable: true },
    { stage: 'rcpt' as const, code: 550, retryable: false },
    { stage: 'data' as const, code: 421, retryable: true },
    { stage: 'data' as const, code: 452, retryable: true },
    { stage: 'data' as const, code: 552, retryable: false },
    { stage: 'data' as const, code: 554, retryable: false },
  ])('an SMTP $code at $stage is retryable=$retryable', async ({ stage, code, retryable }) => {
    smtp.refuseNext(...(stage === 'rcpt' ? [{ stage, code }, { stage, code }] : [{ stage, code }]));
    const outcome = await channel.send(notificationFor('opened'));
    expect(outcome).toMatchObject({ ok: false, retryable });
    expect(outcome.ok === false && outcome.reason.startsWith(String(code))).toBe(true);
    expect(smtp.mails).toHaveLength(0);
  });

  test('one recipient refused for now: retried; refused for good: dead-lettered', async () => {
    smtp.refuseNext({ stage: 'rcpt', code: 452, recipient: 'duty@support.example.com' });
    expect(await channel.send(notificationFor('opened'))).toMatchObject({ ok: false, retryable: true });
    smtp.refuseNext({ stage: 'rcpt', code: 550, recipient: 'duty@support.example.com' });
    const outcome = await channel.send(notificationFor('opened'));
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.ok === false && outcome.reason).toContain('1 of 2 recipients refused');
    expect(smtp.mails).toHaveLength(2);
  });

  test('bad credentials dead-letter (535), good ones send', async () => {
    const secured = new FakeSmtpServer({ username: 'bridge', password: 's3cret' });
    const port = await secured.start();
    try {
      const wrong = new EmailChannel(configFor(port, { smtp: { host: '127.0.0.1', port, secure: false, username: 'bridge', password: 'nope' } }), new FakeClock());
      expect(await wrong.send(notificationFor('opened'))).toMatchObject({ ok: false, retryable: false, reason: expect.stringMatching(/^535/) });
      const right = new EmailChannel(configFor(port, { smtp: { host: '127.0.0.1', port, secure: false, username: 'bridge', password: 's3cret' } }), new FakeClock());
      expect(await right.send(notificationFor('opened'))).toEqual({ ok: true });
      expect(secured.mails).toHaveLength(1);
    } finally {
      await secured.stop();
    }
  });
});

describe('EmailChannel without a reachable relay', () => {
  test('a refused connection is retried', async () => {
    const port = await closedPort();
    const outcome = await new EmailChannel(configFor(port), new FakeClock()).send(notificationFor('opened'));
    expect(outcome).toMatchObject({ ok: false, retryable: true });
  });

  test('a relay that never greets times out after timeoutMs and is retried', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const outcome = await new EmailChannel(configFor(silent.port, { timeoutMs: 200 }), new FakeClock()).send(notificationFor('opened'));
      expect(outcome).toEqual({ ok: false, retryable: true, reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await silent.stop();
    }
  });
});

describe('email config and helpers', () => {
  test('defaults, and the password is a secret the logger masks', () => {
    const config = emailChannelSchema.parse({
      name: 'mail',
      type: 'email',
      smtp: { host: 'smtp.example.com', username: 'bridge', password: 'p4ss' },
      from: 'bridge@example.com',
      to: ['l1@example.com'],
    });
    expect(config.smtp.secure).toBe(false);
    expect(config.timeoutMs).toBe(10_000);
    expect(channelSecrets(config)).toEqual(['p4ss']);
    expect(createChannel(channelConfigSchema.parse(config), { clock: new FakeClock() })).toBeInstanceOf(EmailChannel);
  });

  test('rejects a sender without a domain and a username without a password', () => {
    const base = { name: 'mail', type: 'email', smtp: { host: 'smtp.example.com' }, to: ['l1@example.com'] };
    expect(emailChannelSchema.safeParse({ ...base, from: 'bridge' }).success).toBe(false);
    expect(emailChannelSchema.safeParse({ ...base, from: 'b@example.com', smtp: { host: 'h', username: 'u' } }).success).toBe(false);
    expect(emailChannelSchema.safeParse({ ...base, from: 'b@example.com', to: [] }).success).toBe(false);
  });

  test('two escalations of one occurrence get two Message-IDs; a step that is not a token is hashed', () => {
    const escalation = (step: string) => {
      const n = notificationFor('escalated');
      return { ...n, identity: { ...n.identity, occurrence: 0, step } };
    };
    expect(mailThreadIds(escalation('L2'), 'example.com').messageId).toBe('<incident-42.escalated.0.L2@example.com>');
    expect(mailThreadIds(escalation('L3'), 'example.com').messageId).toBe('<incident-42.escalated.0.L3@example.com>');
    const odd = mailThreadIds(escalation('resolution 80%'), 'example.com');
    expect(odd.messageId).toMatch(/^<incident-42\.escalated\.0\.[0-9a-f]{16}@example\.com>$/);
    expect(mailThreadIds(escalation('resolution 80%'), 'example.com')).toEqual(odd);
  });

  test.each([
    ['ECONNECTION', { code: 'ECONNECTION', message: 'Connection closed' }, true],
    ['ESOCKET', { code: 'ESOCKET', message: 'connect ECONNREFUSED' }, true],
    ['EAUTH 454', { code: 'EAUTH', responseCode: 454, response: '454 Temporary authentication failure' }, true],
    ['EENVELOPE', { code: 'EENVELOPE', message: 'No recipients defined' }, false],
    ['a plain Error', new Error('boom'), false],
  ])('%s is retryable=%s', (_name, error, retryable) => {
    expect(outcomeOfSmtpError(error)).toMatchObject({ ok: false, retryable });
  });
});
