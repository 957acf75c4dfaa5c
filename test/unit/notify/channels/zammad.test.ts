import { channelConfigSchema, channelSecrets, zammadChannelSchema } from '../../../../src/config/channel-config';
import type { Notification } from '../../../../src/notify/channel';
import { createChannel } from '../../../../src/notify/channels/index';
import { ZammadChannel } from '../../../../src/notify/channels/zammad';
import { FakeClock } from '../../../helpers/fake-clock';
import { closedPort } from '../../../helpers/fake-http-service';
import { FakeZammad } from '../../../helpers/fake-zammad';
import { notificationFor, sampleAlerts, sampleIncident } from '../../../helpers/notifications';

function channelFor(url: string, patch: Record<string, unknown> = {}): ZammadChannel {
  const config = zammadChannelSchema.parse({ name: 'desk', type: 'zammad', url, apiToken: 'zammad-token', group: 'Service Desk', customer: 'monitoring@example.com', timeoutMs: 2000, ...patch });
  return new ZammadChannel(config, new FakeClock());
}

/** The notification of `event` that follows an earlier delivery that stored `ref`. */
function next(event: Notification['event'], ref: Notification['ref'], id: number, patch = {}): Notification {
  return notificationFor(event, sampleIncident(patch), sampleAlerts(2), { id, ref });
}

describe('ZammadChannel', () => {
  let zammad: FakeZammad;
  let url: string;

  beforeEach(async () => {
    zammad = new FakeZammad();
    url = await zammad.start();
  });
  afterEach(() => zammad.stop());

  test('opened creates one ticket with the marker, group, customer, priority, tags and an HTML note', async () => {
    const outcome = await channelFor(url).send(notificationFor('opened'));
    expect(outcome).toEqual({ ok: true, ref: { ticketId: 101, ticketNumber: '31101', articleFor: '42:opened:1:test' } });
    expect(zammad.tickets).toEqual([
      expect.objectContaining({ title: 'Payments fail at checkout [IB-42]', group: 'Service Desk', customer: 'monitoring@example.com', priority: '3 high', state: 'new' }),
    ]);
    expect(zammad.tickets[0]!.tags).toEqual(['incident-bridge', 'ib-42', 'full_outage', 'integration', 'checkout']);
    const [note] = zammad.articlesOf(101);
    expect(note).toMatchObject({ subject: 'Incident opened: Payments fail at checkout', content_type: 'text/html', type: 'note', internal: false });
    expect(note!.body).toContain('<b>Impact:</b> full outage<br><b>Category:</b> integration');
    expect(zammad.requests[0]!.headers.authorization).toBe('Token token=zammad-token');
  });

  test.each([
    [400, false],
    [403, false],
    [404, false],
    [408, true],
    [422, false],
    [500, true],
    [502, true],
    [503, true],
  ])('a %i answer to the create is retryable=%s', async (status, retryable) => {
    zammad.failNext({ status, body: { error: `scripted ${status}` } });
    const outcome = await channelFor(url).send(notificationFor('opened'));
    expect(outcome).toEqual({ ok: false, retryable, reason: `${status} scripted ${status}` });
    expect(zammad.tickets).toHaveLength(0);
  });

  test('429 is retried after the wait Zammad asks for', async () => {
    zammad.failNext({ status: 429, headers: { 'retry-after': '30' }, body: { error: 'Too many requests' } });
    expect(await channelFor(url).send(notificationFor('opened'))).toEqual({ ok: false, retryable: true, reason: '429 Too many requests', retryAfterMs: 30_000 });
  });

  test('a bad token (401) and an unknown group (422) are dead-lettered with Zammad’s words', async () => {
    expect(await channelFor(url, { apiToken: 'wrong' }).send(notificationFor('opened'))).toEqual({ ok: false, retryable: false, reason: '401 Invalid token!' });
    expect(await channelFor(url, { group: 'Nobody' }).send(notificationFor('opened'))).toEqual({ ok: false, retryable: false, reason: '422 No lookup value found for \'group\': "Nobody"' });
  });

  test('a dropped connection and a hang past timeoutMs are retried', async () => {
    zammad.failNext('drop');
    expect(await channelFor(url).send(notificationFor('opened'))).toMatchObject({ ok: false, retryable: true });
    zammad.failNext('hang');
    expect(await channelFor(url, { timeoutMs: 200 }).send(notificationFor('opened'))).toEqual({ ok: false, retryable: true, reason: 'timeout' });
    expect(await channelFor(`http://127.0.0.1:${await closedPort()}`).send(notificationFor('opened'))).toEqual({ ok: false, retryable: true, reason: 'ECONNREFUSED' });
  });

  test('applied, then failed: the retry finds the ticket by its marker instead of creating another', async () => {
    const channel = channelFor(url);
    zammad.failNext({ status: 500, apply: true, body: { error: 'Internal Server Error' } }, 1, { method: 'POST', path: '/api/v1/tickets' });
    const first = await channel.send(notificationFor('opened'));
    expect(first).toMatchObject({ ok: false, retryable: true });
    const retry = await channel.send(notificationFor('opened', sampleIncident(), sampleAlerts(2), { attempt: 2 }));
    expect(retry).toEqual({ ok: true, ref: { ticketId: 101, ticketNumber: '31101' } });
    expect(zammad.tickets).toHaveLength(1);
    expect(zammad.requestsTo('POST', '/api/v1/tickets')).toHaveLength(1);
  });

  test('the marker search matches the exact incident, not one whose id starts alike', async () => {
    await channelFor(url).send(notificationFor('opened', sampleIncident({ id: 420 })));
    const outcome = await channelFor(url).send(notificationFor('opened', sampleIncident({ id: 42 }), sampleAlerts(1), { attempt: 2 }));
    expect(outcome).toMatchObject({ ok: true, ref: { ticketId: 102 } });
    expect(zammad.tickets.map((t) => t.title)).toEqual(['Payments fail at checkout [IB-420]', 'Payments fail at checkout [IB-42]']);
  });

  test('with a ticket in the ref: reopened adds a note and sets open; resolved adds a note and closes', async () => {
    const channel = channelFor(url);
    const opened = await channel.send(notificationFor('opened'));
    const ref = opened.ok ? opened.ref! : null;
    const reopened = await channel.send(next('reopened', ref, 2, { reopenCount: 1 }));
    expect(reopened).toEqual({ ok: true, ref: { ticketId: 101, ticketNumber: '31101', articleFor: '42:reopened:2:test' } });
    expect(zammad.tickets[0]!.state).toBe('open');
    await channel.send(next('resolved', ref, 3, { status: 'resolved', resolvedAt: Date.parse('2025-03-18T10:00:00Z') }));
    expect(zammad.tickets).toHaveLength(1);
    expect(zammad.tickets[0]!.state).toBe('closed');
    expect(zammad.articlesOf(101).map((a) => a.subject)).toEqual([
      'Incident opened: Payments fail at checkout',
      'Incident reopened: Payments fail at checkout',
      'Incident resolved: Payments fail at checkout',
    ]);
    expect(zammad.requestsTo('GET', '/api/v1/tickets/search')).toHaveLength(0);
  });

  test('closeOnResolve: false only comments on resolve', async () => {
    const channel = channelFor(url, { closeOnResolve: false });
    const opened = await channel.send(notificationFor('opened'));
    await channel.send(next('resolved', opened.ok ? opened.ref! : null, 2, { status: 'resolved' }));
    expect(zammad.tickets[0]!.state).toBe('new');
    expect(zammad.articlesOf(101)).toHaveLength(2);
    expect(zammad.requestsTo('PUT', '/api/v1/tickets/')).toHaveLength(0);
  });

  test('a failed close is retried without a second note', async () => {
    const channel = channelFor(url);
    const opened = await channel.send(notificationFor('opened'));
    zammad.failNext({ status: 503 }, 1, { method: 'PUT' });
    const failed = await channel.send(next('resolved', opened.ok ? opened.ref! : null, 2));
    expect(failed).toMatchObject({ ok: false, retryable: true, ref: { ticketId: 101, articleFor: '42:resolved:2:test' } });
    const retried = await channel.send({ ...next('resolved', failed.ref!, 2), attempt: 2 });
    expect(retried).toMatchObject({ ok: true });
    expect(zammad.articlesOf(101)).toHaveLength(2);
    expect(zammad.tickets[0]!.state).toBe('closed');
  });

  test('without a ref, reopened finds or creates the ticket, and resolved with no ticket does nothing', async () => {
    const channel = channelFor(url);
    expect(await channel.send(next('resolved', null, 5, { status: 'resolved' }))).toEqual({ ok: true });
    expect(zammad.tickets).toHaveLength(0);
    expect(await channel.send(next('reopened', null, 6))).toMatchObject({ ok: true, ref: { ticketId: 101 } });
    expect(await channel.send(next('escalated', null, 7))).toMatchObject({ ok: true, ref: { ticketId: 101, articleFor: '42:escalated:7:test' } });
    expect(zammad.tickets).toHaveLength(1);
    expect(zammad.articlesOf(101)).toHaveLength(2);
  });

  test.each([
    ['P2', undefined, '3 high'],
    ['P3', undefined, '2 normal'],
    ['P4', undefined, '1 low'],
    ['P1', { P1: '2 normal' }, '2 normal'],
  ] as const)('%s with the map %j becomes %s', async (priority, priorityMap, expected) => {
    await channelFor(url, priorityMap ? { priorityMap } : {}).send(notificationFor('opened', sampleIncident({ priority })));
    expect(zammad.tickets[0]!.priority).toBe(expected);
  });

  test('Cyrillic content arrives intact', async () => {
    const incident = sampleIncident({ title: 'Оплата не проходит', summary: 'Платёжный шлюз отвечает 5xx' });
    await channelFor(url).send(notificationFor('opened', incident, sampleAlerts(1), { locale: 'ru' }));
    expect(zammad.tickets[0]!.title).toBe('Оплата не проходит [IB-42]');
    const [note] = zammad.articlesOf(101);
    expect(note!.subject).toBe('Открыт инцидент: Оплата не проходит');
    expect(note!.body).toContain('Платёжный шлюз отвечает 5xx');
    expect(note!.body).toContain('<b>Влияние:</b> полная недоступность');
  });
});

describe('zammad config', () => {
  test('defaults the priority map and closeOnResolve; the token is a secret', () => {
    const config = zammadChannelSchema.parse({ name: 'desk', type: 'zammad', url: 'https://desk.example.com', apiToken: 't0k', group: 'Users', customer: 7, priorityMap: { P4: '2 normal' } });
    expect(config.priorityMap).toEqual({ P1: '3 high', P2: '3 high', P3: '2 normal', P4: '2 normal' });
    expect(config.closeOnResolve).toBe(true);
    expect(config.timeoutMs).toBe(10_000);
    expect(channelSecrets(config)).toEqual(['t0k']);
    expect(createChannel(channelConfigSchema.parse(config), { clock: new FakeClock() })).toBeInstanceOf(ZammadChannel);
  });
});
