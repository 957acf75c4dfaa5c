import { channelConfigSchema, channelSecrets, jiraChannelSchema } from '../../../../src/config/channel-config';
import type { Notification } from '../../../../src/notify/channel';
import { createChannel } from '../../../../src/notify/channels/index';
import { JiraChannel } from '../../../../src/notify/channels/jira';
import { FakeClock } from '../../../helpers/fake-clock';
import { closedPort } from '../../../helpers/fake-http-service';
import { FakeJira } from '../../../helpers/fake-jira';
import { notificationFor, sampleAlerts, sampleIncident } from '../../../helpers/notifications';

const AUTH = { email: 'bridge@example.com', apiToken: 'jira-token' };

function channelFor(url: string, patch: Record<string, unknown> = {}): JiraChannel {
  const config = jiraChannelSchema.parse({ name: 'jsm', type: 'jira', url, ...AUTH, serviceDeskId: 1, requestTypeId: '10', timeoutMs: 2000, ...patch });
  return new JiraChannel(config, new FakeClock());
}

function next(event: Notification['event'], ref: Notification['ref'], id: number, patch = {}): Notification {
  return notificationFor(event, sampleIncident(patch), sampleAlerts(2), { id, ref });
}

describe('JiraChannel', () => {
  let jira: FakeJira;
  let url: string;

  beforeEach(async () => {
    jira = new FakeJira();
    url = await jira.start();
  });
  afterEach(() => jira.stop());

  test('opened creates a customer request with the marker, priority and description', async () => {
    const outcome = await channelFor(url, { raiseOnBehalfOf: 'l1@example.com' }).send(notificationFor('opened'));
    expect(outcome).toEqual({ ok: true, ref: { issueKey: 'ITSM-1', issueId: '10001', commentFor: '42:opened:1:test' } });
    const issue = jira.issue('ITSM-1')!;
    expect(issue).toMatchObject({ summary: 'Payments fail at checkout [IB-42]', priority: 'Highest', requestTypeId: '10', raiseOnBehalfOf: 'l1@example.com' });
    expect(issue.description).toContain('Impact: full outage');
    expect(issue.description).toContain('Category: integration');
    expect(jira.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('bridge@example.com:jira-token').toString('base64')}`);
  });

  test.each([
    [400, false],
    [403, false],
    [404, false],
    [408, true],
    [409, false],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
  ])('a %i answer to the create is retryable=%s', async (status, retryable) => {
    jira.failNext({ status, body: { errorMessages: [`scripted ${status}`], errors: {} } });
    expect(await channelFor(url).send(notificationFor('opened'))).toEqual({ ok: false, retryable, reason: `${status} scripted ${status}` });
    expect(jira.issues).toHaveLength(0);
  });

  test('429 is retried after the Retry-After wait', async () => {
    jira.failNext({ status: 429, headers: { 'retry-after': '17' }, body: { errorMessages: ['Rate limit exceeded.'] } });
    expect(await channelFor(url).send(notificationFor('opened'))).toEqual({ ok: false, retryable: true, reason: '429 Rate limit exceeded.', retryAfterMs: 17_000 });
  });

  test('Jira’s own refusals are dead-lettered with its words: 401, unknown desk (404), bad field (400)', async () => {
    expect(await channelFor(url, { apiToken: 'wrong' }).send(notificationFor('opened'))).toEqual({
      ok: false,
      retryable: false,
      reason: '401 Client must be authenticated to access this resource.',
    });
    expect(await channelFor(url, { serviceDeskId: 9 }).send(notificationFor('opened'))).toMatchObject({ ok: false, retryable: false, reason: '404 The service desk with ID 9 does not exist.' });
    const badPriority = await channelFor(url, { priorityMap: { P1: 'Blocker' } }).send(notificationFor('opened'));
    expect(badPriority).toEqual({ ok: false, retryable: false, reason: '400 priority: Specify a valid priority: Blocker' });
  });

  test('a request type without the priority field: setPriority false leaves it out', async () => {
    expect(await channelFor(url, { requestTypeId: 11 }).send(notificationFor('opened'))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining("Field 'priority' cannot be set") });
    expect(await channelFor(url, { requestTypeId: 11, setPriority: false }).send(notificationFor('opened'))).toMatchObject({ ok: true });
    expect(jira.issues[0]!.priority).toBeNull();
  });

  test('a bearer token signs in to Data Center', async () => {
    const dc = new FakeJira({ bearerToken: 'pat-123' });
    const dcUrl = await dc.start();
    try {
      const channel = new JiraChannel(jiraChannelSchema.parse({ name: 'jsm', type: 'jira', url: dcUrl, bearerToken: 'pat-123', serviceDeskId: '1', requestTypeId: '10' }), new FakeClock());
      expect(await channel.send(notificationFor('opened'))).toMatchObject({ ok: true });
      expect(dc.requests[0]!.headers.authorization).toBe('Bearer pat-123');
    } finally {
      await dc.stop();
    }
  });

  test('a dropped connection, a hang past timeoutMs and a refused connection are retried', async () => {
    jira.failNext('drop');
    expect(await channelFor(url).send(notificationFor('opened'))).toMatchObject({ ok: false, retryable: true });
    jira.failNext('hang');
    expect(await channelFor(url, { timeoutMs: 200 }).send(notificationFor('opened'))).toEqual({ ok: false, retryable: true, reason: 'timeout' });
    expect(await channelFor(`http://127.0.0.1:${await closedPort()}`).send(notificationFor('opened'))).toEqual({ ok: false, retryable: true, reason: 'ECONNREFUSED' });
    expect(jira.issues).toHaveLength(0);
  });

  test('applied, then failed: the retry adopts the request by its marker instead of creating another', async () => {
    const channel = channelFor(url);
    jira.failNext({ status: 502, apply: true, body: { errorMessages: ['Bad gateway'] } }, 1, { method: 'POST', path: '/rest/servicedeskapi/request' });
    expect(await channel.send(notificationFor('opened'))).toMatchObject({ ok: false, retryable: true });
    const retry = await channel.send(notificationFor('opened', sampleIncident(), sampleAlerts(2), { attempt: 2 }));
    expect(retry).toEqual({ ok: true, ref: { issueKey: 'ITSM-1', issueId: '10001' } });
    expect(jira.issues).toHaveLength(1);
    const search = jira.requestsTo('GET', '/rest/servicedeskapi/request')[0]!;
    expect(Object.fromEntries(search.query)).toMatchObject({ serviceDeskId: '1', searchTerm: 'IB-42', requestStatus: 'ALL_REQUESTS' });
  });

  test('a summary that only contains the same words is not adopted', async () => {
    await channelFor(url).send(notificationFor('opened', sampleIncident({ id: 7, title: 'Disk IB 42 full' })));
    const outcome = await channelFor(url).send(notificationFor('opened', sampleIncident(), sampleAlerts(1), { attempt: 2 }));
    expect(outcome).toMatchObject({ ok: true, ref: { issueKey: 'ITSM-2' } });
    expect(jira.issues.map((i) => i.summary)).toEqual(['Disk IB 42 full [IB-7]', 'Payments fail at checkout [IB-42]']);
  });

  test('reopened comments publicly; resolved comments and takes the Resolve transition', async () => {
    const channel = channelFor(url);
    const opened = await channel.send(notificationFor('opened'));
    const ref = opened.ok ? opened.ref! : null;
    expect(await channel.send(next('reopened', ref, 2, { reopenCount: 1 }))).toMatchObject({ ok: true, ref: { issueKey: 'ITSM-1', commentFor: '42:reopened:2:test' } });
    expect(await channel.send(next('resolved', ref, 3, { status: 'resolved' }))).toMatchObject({ ok: true });
    const issue = jira.issue('ITSM-1')!;
    expect(issue.comments.map((c) => [c.body.split('\n')[0], c.public])).toEqual([
      ['Incident reopened: Payments fail at checkout', true],
      ['Incident resolved: Payments fail at checkout', true],
    ]);
    expect(issue.transitions).toEqual(['Resolve']);
    expect(issue.status).toBe('Resolved');
    expect(jira.issues).toHaveLength(1);
  });

  test('a transition applied, then failed, is not tried twice and its comment not repeated', async () => {
    const channel = channelFor(url);
    const opened = await channel.send(notificationFor('opened'));
    jira.failNext({ status: 500, apply: true }, 1, { method: 'POST', path: /\/transition$/ });
    const failed = await channel.send(next('resolved', opened.ok ? opened.ref! : null, 2));
    expect(failed).toMatchObject({ ok: false, retryable: true, ref: { issueKey: 'ITSM-1', commentFor: '42:resolved:2:test' } });
    expect(await channel.send({ ...next('resolved', failed.ref!, 2), attempt: 2 })).toMatchObject({ ok: true });
    const issue = jira.issue('ITSM-1')!;
    expect(issue.comments).toHaveLength(1);
    expect(issue.transitions).toEqual(['Resolve']);
  });

  test('a misnamed resolve transition is dead-lettered with the ones offered', async () => {
    const channel = channelFor(url, { resolveTransition: 'Done' });
    const opened = await channel.send(notificationFor('opened'));
    expect(await channel.send(next('resolved', opened.ok ? opened.ref! : null, 2))).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'no transition "Done" (offered: Resolve, Start progress)',
    });
  });

  test('without a ref, resolved with no request does nothing and escalated creates one', async () => {
    const channel = channelFor(url);
    expect(await channel.send(next('resolved', null, 4))).toEqual({ ok: true });
    expect(await channel.send(next('escalated', null, 5))).toMatchObject({ ok: true, ref: { issueKey: 'ITSM-1' } });
    expect(jira.issues).toHaveLength(1);
  });

  test.each([
    ['P1', 'Highest'],
    ['P2', 'High'],
    ['P3', 'Medium'],
    ['P4', 'Low'],
  ] as const)('%s is created with the priority %s', async (priority, name) => {
    await channelFor(url).send(notificationFor('opened', sampleIncident({ priority })));
    expect(jira.issues[0]!.priority).toBe(name);
  });

  test('Cyrillic content arrives intact', async () => {
    const incident = sampleIncident({ title: 'Оплата не проходит', summary: 'Платёжный шлюз отвечает 5xx' });
    await channelFor(url).send(notificationFor('opened', incident, sampleAlerts(1), { locale: 'ru' }));
    const issue = jira.issues[0]!;
    expect(issue.summary).toBe('Оплата не проходит [IB-42]');
    expect(issue.description).toContain('Открыт инцидент: Оплата не проходит');
    expect(issue.description).toContain('Влияние: полная недоступность');
  });
});

describe('jira config', () => {
  test('defaults, and both token kinds are secrets', () => {
    const cloud = jiraChannelSchema.parse({ name: 'jsm', type: 'jira', url: 'https://x.atlassian.net', ...AUTH, serviceDeskId: 1, requestTypeId: 10 });
    expect(cloud).toMatchObject({ serviceDeskId: '1', requestTypeId: '10', resolveTransition: 'Resolve', setPriority: true, timeoutMs: 10_000 });
    expect(cloud.priorityMap).toEqual({ P1: 'Highest', P2: 'High', P3: 'Medium', P4: 'Low' });
    expect(channelSecrets(cloud)).toEqual(['jira-token']);
    const dc = jiraChannelSchema.parse({ name: 'jsm', type: 'jira', url: 'https://jira.example.com', bearerToken: 'pat', serviceDeskId: 1, requestTypeId: 10 });
    expect(channelSecrets(dc)).toEqual(['pat']);
    expect(createChannel(channelConfigSchema.parse(dc), { clock: new FakeClock() })).toBeInstanceOf(JiraChannel);
  });

  test('needs exactly one way to sign in', () => {
    const base = { name: 'jsm', type: 'jira', url: 'https://jira.example.com', serviceDeskId: 1, requestTypeId: 10 };
    expect(jiraChannelSchema.safeParse(base).success).toBe(false);
    expect(jiraChannelSchema.safeParse({ ...base, email: 'a@b.c' }).success).toBe(false);
    expect(jiraChannelSchema.safeParse({ ...base, ...AUTH, bearerToken: 'pat' }).success).toBe(false);
    expect(channelConfigSchema.safeParse(base).success).toBe(false);
  });
});
