import { callApi } from '../helpers/api-client';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

const ENV = { TOKEN_ANNA: 'anna-token-0123456789', TOKEN_BORIS: 'boris-token-0123456789', TOKEN_VERA: 'vera-token-0123456789' };
const CONFIG = `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
people:
  - {name: anna, role: responder, lines: [L1], token: "\${TOKEN_ANNA}"}
  - {name: boris, role: responder, lines: [L2], token: "\${TOKEN_BORIS}"}
  - {name: vera, role: viewer, token: "\${TOKEN_VERA}"}
`;
const as = (who: 'anna' | 'boris' | 'vera') => ({ authorization: `Bearer ${ENV[`TOKEN_${who.toUpperCase()}` as keyof typeof ENV]}` });
const firing = amBody([{ labels: { alertname: 'HostHighCpuLoad', instance: 'db-1:9100' }, startsAt: '2026-05-04T09:59:00Z' }]);

describe('actions of people over the API', () => {
  let t: TestApp;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock('2026-05-04T10:00:00Z');
    t = await startTestApp({ configYaml: CONFIG, env: ENV, clock });
    expect((await t.post('alertmanager', firing)).json).toEqual({ accepted: 1, incidents: [1] });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
  });
  const act = (who: 'anna' | 'boris' | 'vera', action: string, body?: unknown, id = 1) => callApi(t.url, 'POST', `/api/v1/incidents/${id}/${action}`, { headers: as(who), body });

  test('a timeline: acknowledge, assign, comment, escalate, pause, resume, resolve, reopen, each by its person', async () => {
    clock.advance({ minutes: 1 });
    expect((await act('anna', 'acknowledge', { note: 'looking' })).json).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'anna', assignee: 'anna', acknowledgedAt: '2026-05-04T10:01:00.000Z' });
    clock.advance({ minutes: 1 });
    expect((await act('anna', 'assign', { assignee: 'boris' })).json).toMatchObject({ assignee: 'boris' });
    expect((await act('boris', 'comment', { note: 'the disk is full' })).status).toBe(200);
    expect((await act('boris', 'escalate', { note: 'the vendor must patch', line: 'L3' })).json).toMatchObject({ line: 'L3' });
    expect((await act('boris', 'pause', { reason: 'waiting for the vendor' })).json).toMatchObject({ paused: true, pausedAt: '2026-05-04T10:02:00.000Z' });
    clock.advance({ minutes: 30 });
    expect((await act('boris', 'resume')).json).toMatchObject({ paused: false });
    const resolved = await act('boris', 'resolve', { note: 'vendor patch applied' });
    expect(resolved.json).toMatchObject({ status: 'resolved', resolvedBy: 'boris', resolutionNote: 'vendor patch applied', resolvedAt: '2026-05-04T10:32:00.000Z' });
    expect((await act('anna', 'reopen', { note: 'it is back' })).json).toMatchObject({ status: 'open', resolvedBy: null, reopenCount: 1 });
    const detail = await callApi(t.url, 'GET', '/api/v1/incidents/1', { headers: as('vera') });
    const people = (detail.json.timeline as { event: string; actor: { type: string; name: string } }[]).filter((e) => e.actor.type === 'person');
    expect(people.map((e) => `${e.event} by ${e.actor.name}`)).toEqual([
      'acknowledged by anna',
      'assigned by anna',
      'commented by boris',
      'escalated by boris',
      'paused by boris',
      'resumed by boris',
      'resolved by boris',
      'reopened by anna',
    ]);
  });

  test('idempotent and forbidden actions: 200 with no new entry, 409 conflict, nothing changed', async () => {
    await act('anna', 'acknowledge');
    const again = await act('boris', 'acknowledge');
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ acknowledgedBy: 'anna' });
    await act('anna', 'resolve', { note: 'done' });
    const conflict = await act('anna', 'acknowledge');
    expect(conflict.status).toBe(409);
    expect(conflict.json).toMatchObject({ error: 'conflict' });
    expect((await act('anna', 'escalate', { note: 'x' })).status).toBe(409);
    const detail = await callApi(t.url, 'GET', '/api/v1/incidents/1', { headers: as('vera') });
    expect((detail.json.timeline as { event: string }[]).map((e) => e.event)).toEqual(['opened', 'acknowledged', 'resolved']);
  });

  test.each([
    ['an unknown action', 'snooze', {}, 'action'],
    ['an unknown assignee', 'assign', { assignee: 'nobody' }, 'assignee'],
    ['a note over 10,000 characters', 'comment', { note: 'x'.repeat(10_001) }, 'note'],
    ['a resolve without a note', 'resolve', {}, 'note'],
    ['an escalation above L3', 'escalate', { line: 'L4', note: 'x' }, 'line'],
    ['a pause without a reason', 'pause', { reason: '' }, 'reason'],
  ])('%s: 400 naming the field, nothing changed', async (_what, action, body, field) => {
    const answer = await act('anna', action, body);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json.detail)).toContain(`"${field}"`);
    const detail = await callApi(t.url, 'GET', '/api/v1/incidents/1', { headers: as('vera') });
    expect((detail.json.timeline as unknown[]).length).toBe(1);
  });

  test('a body that is not JSON is 400; an unknown incident is 404', async () => {
    const bad = await callApi(t.url, 'POST', '/api/v1/incidents/1/comment', { headers: { ...as('anna'), 'content-type': 'application/json' }, body: '{note:' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'invalid_json' });
    const missing = await act('anna', 'acknowledge', {}, 42);
    expect(missing.status).toBe(404);
  });

  test('50 concurrent acknowledges from two people: one acknowledged entry, every answer 200', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => act(i % 2 ? 'anna' : 'boris', 'acknowledge')));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    const detail = await callApi(t.url, 'GET', '/api/v1/incidents/1', { headers: as('vera') });
    expect((detail.json.timeline as { event: string }[]).filter((e) => e.event === 'acknowledged')).toHaveLength(1);
  });
});
