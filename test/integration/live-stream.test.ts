import path from 'node:path';
import { amBody } from '../helpers/engine';
import { REPO_DIR } from '../helpers/fixtures';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

const RULES = path.join(REPO_DIR, 'test/fixtures/rules/customers');
const ENV = { T_ANNA: 'anna-token-0123456789', T_ACME: 'acme-token-0123456789' };
const CONFIG = `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
people:
  - {name: anna, role: responder, token: "\${T_ANNA}"}
  - {name: acme-desk, role: customer, customer: acme, token: "\${T_ACME}"}
customers:
  - {name: acme, displayName: ACME Retail}
  - {name: globex, displayName: Globex}
`;
const probe = (instance: string) => amBody([{ labels: { alertname: 'BlackboxProbeFailed', instance, job: 'blackbox' }, startsAt: new Date(Date.now() - 60_000).toISOString() }]);

/** An open live stream: its events as they come, parsed. */
async function openStream(t: TestApp, token: string, query = '') {
  const controller = new AbortController();
  const res = await fetch(`${t.url}/api/v1/stream${query}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const events: { event: string; data: Record<string, unknown> }[] = [];
  let buffer = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    } catch {
      // aborted
    }
  })();
  const until = async (check: () => boolean, ms = 3000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`no such event within ${ms} ms: ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { res, events, until, close: async () => (controller.abort(), await reading) };
}

describe('GET /api/v1/stream: the console live stream', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ configYaml: CONFIG, rulesDir: RULES, env: ENV });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
  });

  test("each committed change of an incident goes to the stream; a customer's stream carries only its own, in its view", async () => {
    const anna = await openStream(t, ENV.T_ANNA);
    const acme = await openStream(t, ENV.T_ACME);
    expect(anna.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await anna.until(() => anna.events.some((e) => e.event === 'hello'));
    await acme.until(() => acme.events.some((e) => e.event === 'hello'));

    const globexId = ((await t.post('alertmanager', probe('https://portal.globex.example/'))).json.incidents as number[])[0]!;
    const acmeId = ((await t.post('alertmanager', probe('https://shop.acme.example/health'))).json.incidents as number[])[0]!;
    await anna.until(() => anna.events.some((e) => e.data.id === acmeId) && anna.events.some((e) => e.data.id === globexId));
    await acme.until(() => acme.events.some((e) => e.data.id === acmeId));
    const act = await t.request('POST', `/api/v1/incidents/${acmeId}/acknowledge`, {}, { authorization: `Bearer ${ENV.T_ANNA}` });
    expect(act.status).toBe(200);
    await anna.until(() => anna.events.some((e) => e.data.id === acmeId && e.data.status === 'acknowledged'));
    await acme.until(() => acme.events.some((e) => e.data.id === acmeId && e.data.status === 'acknowledged'));

    const seenByAcme = acme.events.filter((e) => e.event === 'incident');
    expect(seenByAcme.every((e) => e.data.id === acmeId)).toBe(true);
    // The customer's view: no internal fields such as the key or the assignee.
    expect(seenByAcme[0]!.data).not.toHaveProperty('key');
    expect(seenByAcme.at(-1)!.data).not.toHaveProperty('assignee');
    expect(anna.events.filter((e) => e.data.id === acmeId).at(-1)!.data).toMatchObject({ assignee: 'anna', customer: 'acme', key: expect.any(String) });
    await anna.close();
    await acme.close();
  });

  test('fields= narrows each incident of the stream to those fields (id always), per stream; an unknown field is a 400', async () => {
    const narrow = await openStream(t, ENV.T_ANNA, '?fields=status,priority');
    const full = await openStream(t, ENV.T_ANNA);
    const acmeNarrow = await openStream(t, ENV.T_ACME, '?fields=status,title');
    for (const s of [narrow, full, acmeNarrow]) await s.until(() => s.events.some((e) => e.event === 'hello'));
    const id = ((await t.post('alertmanager', probe('https://shop.acme.example/health'))).json.incidents as number[])[0]!;
    await narrow.until(() => narrow.events.some((e) => e.data.id === id));
    await full.until(() => full.events.some((e) => e.data.id === id));
    await acmeNarrow.until(() => acmeNarrow.events.some((e) => e.data.id === id));
    const of = (s: typeof full) => s.events.find((e) => e.event === 'incident' && e.data.id === id)!.data;
    expect(of(narrow)).toEqual({ id, status: of(full).status, priority: of(full).priority });
    // A customer's stream keeps to the customer's view: no title, whatever it asks.
    expect(of(acmeNarrow)).toEqual({ id, status: 'open' });
    expect(Object.keys(of(full)).length).toBeGreaterThan(20);
    const bad = await fetch(`${t.url}/api/v1/stream?fields=status,secret`, { headers: { authorization: `Bearer ${ENV.T_ANNA}` } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_query');
    for (const s of [narrow, full, acmeNarrow]) await s.close();
  });

  test('a stream opened with a session ends when the session does', async () => {
    const login = await fetch(`${t.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ENV.T_ANNA }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const res = await fetch(`${t.url}/api/v1/stream`, { headers: { cookie } });
    expect(res.status).toBe(200);
    let text = '';
    const ended = (async () => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += Buffer.from(chunk).toString();
    })();
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    expect((await fetch(`${t.url}/api/v1/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } })).status).toBe(204);
    // The next change to go out finds the session gone and ends the stream instead.
    await t.post('alertmanager', probe('https://shop.acme.example/health'));
    await ended;
    expect(text).toContain('event: hello');
    expect(text).not.toContain('event: incident');
  });

  test('the stream needs a person, and the daemon stops with streams open', async () => {
    expect((await fetch(`${t.url}/api/v1/stream`)).status).toBe(401);
    const open = await openStream(t, ENV.T_ANNA);
    await open.until(() => open.events.length > 0);
    // stop() in afterEach must not wait for the open stream.
  });
});
