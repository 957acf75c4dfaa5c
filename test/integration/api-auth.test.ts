import { randomBytes } from 'node:crypto';
import { callApi } from '../helpers/api-client';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';

// Fresh tokens per run, so a match anywhere can only come from this test's configuration.
const token = (who: string) => `${who}-${randomBytes(16).toString('hex')}`;
const TOKENS = { viewer: token('vera'), responder: token('rita'), admin: token('adam'), customer: token('acme'), source: token('am') };
const ENV = { TOKEN_VERA: TOKENS.viewer, TOKEN_RITA: TOKENS.responder, TOKEN_ADAM: TOKENS.admin, TOKEN_ACME: TOKENS.customer, AM_TOKEN: TOKENS.source };

const CONFIG = `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager, auth: {type: bearer, token: "\${AM_TOKEN}"}}
notifications:
  channels:
    - {name: hook, type: webhook, url: "http://127.0.0.1:9/hook"}
people:
  - {name: vera, role: viewer, token: "\${TOKEN_VERA}"}
  - {name: rita, displayName: Rita Responder, role: responder, lines: [L1], token: "\${TOKEN_RITA}"}
  - {name: adam, role: admin, lines: [L2, L3], token: "\${TOKEN_ADAM}"}
  - {name: acme-desk, role: customer, customer: acme, token: "\${TOKEN_ACME}"}
customers:
  - {name: acme, displayName: ACME Retail}
  - {name: globex, displayName: Globex Bank}
`;

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const changeOne = (t: string) => `${t.slice(0, -1)}${t.endsWith('0') ? '1' : '0'}`;

/** The columns of the table: what a client sends. */
const CREDENTIALS: [string, Record<string, string>][] = [
  ['no header', {}],
  ['wrong token', bearer(token('nobody'))],
  ['one character changed', bearer(changeOne(TOKENS.admin))],
  ['empty bearer', { authorization: 'Bearer ' }],
  ['basic auth', { authorization: `Basic ${Buffer.from(`adam:${TOKENS.admin}`).toString('base64')}` }],
  ['source token', bearer(TOKENS.source)],
  ['viewer', bearer(TOKENS.viewer)],
  ['responder', bearer(TOKENS.responder)],
  ['admin', bearer(TOKENS.admin)],
  ['customer', bearer(TOKENS.customer)],
];

const firing = amBody([{ labels: { alertname: 'HostHighCpuLoad', instance: 'db-1:9100' }, startsAt: '2025-03-18T08:59:00Z' }]);

/**
 * The rows: every endpoint and the status each credential gets. Incident 1 and notification 1
 * exist; 999 does not (404 once authentication has passed). Customers get nothing but /me until
 * customer scoping exists; a path with no role in the policy needs admin.
 */
const TABLE: [string, string, string, unknown?][] = [
  // none   wrong  one    empty  basic  source viewer resp.  admin  customer
  ['200    200    200    200    200    200    200    200    200    200', 'GET', '/-/healthy'],
  ['200    200    200    200    200    200    200    200    200    200', 'GET', '/-/ready'],
  ['200    200    200    200    200    200    200    200    200    200', 'GET', '/metrics'],
  ['401    401    401    401    401    200    401    401    401    401', 'POST', '/webhooks/alertmanager', firing],
  ['401    401    401    401    401    401    200    200    200    200', 'GET', '/api/v1/me'],
  ['401    401    401    401    401    401    200    200    200    200', 'GET', '/api/v1/incidents'],
  ['401    401    401    401    401    401    200    200    200    200', 'GET', '/api/v1/incidents?status=open'],
  ['401    401    401    401    401    401    200    200    200    200', 'GET', '/api/v1/incidents/1'],
  ['401    401    401    401    401    401    404    404    404    404', 'GET', '/api/v1/incidents/999'],
  ['401    401    401    401    401    401    403    200    200    200', 'POST', '/api/v1/incidents/1/comment', { note: 'checking' }],
  ['401    401    401    401    401    401    403    200    200    403', 'POST', '/api/v1/incidents/1/acknowledge'],
  ['401    401    401    401    401    401    403    404    404    404', 'POST', '/api/v1/incidents/999/acknowledge'],
  ['401    401    401    401    401    401    200    200    200    403', 'GET', '/api/v1/rejections'],
  ['401    401    401    401    401    401    200    200    200    403', 'GET', '/api/v1/rules'],
  ['401    401    401    401    401    401    200    200    200    403', 'GET', '/api/v1/maintenance'],
  ['401    401    401    401    401    401    200    200    200    200', 'GET', '/api/v1/reports/sla?from=2025-03-01&to=2025-04-01'],
  ['401    401    401    401    401    401    200    200    200    403', 'POST', '/api/v1/explain?source=alertmanager', firing],
  ['401    401    401    401    401    401    403    403    202    403', 'POST', '/api/v1/notifications/1/resend'],
  ['401    401    401    401    401    401    403    403    404    403', 'POST', '/api/v1/notifications/999/resend'],
  ['401    401    401    401    401    401    403    403    200    403', 'POST', '/-/reload'],
  ['401    401    401    401    401    401    403    403    404    403', 'GET', '/api/v1/no-such-endpoint'],
];

describe('API authentication: every endpoint x every credential', () => {
  test.each(TABLE.map(([statuses, method, path, body]) => [method, path, body, statuses.split(/\s+/).map(Number)] as const))('%s %s', async (method, path, body, expected) => {
    const t = await startTestApp({ configYaml: CONFIG, env: ENV });
    try {
      const opened = await callApi(t.url, 'POST', '/webhooks/alertmanager', { headers: bearer(TOKENS.source), body: firing });
      expect(opened.json).toEqual({ accepted: 1, incidents: [1] });
      const got: number[] = [];
      for (const [name, headers] of CREDENTIALS) {
        const a = await callApi(t.url, method, path, { headers, body });
        got.push(a.status);
        if (a.status === 401) {
          expect([name, a.json.error]).toEqual([name, 'unauthorized']);
          if (!path.startsWith('/webhooks/')) expect(a.headers.get('www-authenticate')).toBe('Bearer realm="incident-bridge"');
        }
        if (a.status === 403) expect([name, a.json]).toMatchObject([name, { error: 'forbidden', detail: { role: name } }]);
      }
      expect(Object.fromEntries(CREDENTIALS.map(([name], i) => [name, got[i]]))).toEqual(Object.fromEntries(CREDENTIALS.map(([name], i) => [name, expected[i]])));
    } finally {
      await t.stop();
      t.cleanup();
    }
  });

  test('401 says why; refusals are counted by reason', async () => {
    const t = await startTestApp({ configYaml: CONFIG, env: ENV });
    try {
      const reasonOf = async (headers: Record<string, string>) => (await callApi(t.url, 'GET', '/api/v1/incidents', { headers })).json;
      expect(await reasonOf({})).toEqual({ error: 'unauthorized', message: 'authentication failed', detail: { reason: 'missing' } });
      expect((await reasonOf(bearer('nobody-0123456789'))).detail).toEqual({ reason: 'invalid_token' });
      expect((await reasonOf({ authorization: 'Basic YTpi' })).detail).toEqual({ reason: 'malformed' });
      expect((await reasonOf({ cookie: 'incident_bridge_session=nope' })).detail).toEqual({ reason: 'invalid_session' });
      const forbidden = await callApi(t.url, 'POST', '/-/reload', { headers: bearer(TOKENS.viewer) });
      expect(forbidden.json).toEqual({ error: 'forbidden', message: 'the role viewer may not do this; it needs admin', detail: { role: 'viewer', required: 'admin' } });
      await callApi(t.url, 'POST', '/api/v1/session', { body: { token: 'nobody-0123456789' } });

      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      const count = (reason: string) => Number(new RegExp(`^incident_bridge_api_auth_refusals_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
      expect(['missing', 'invalid_token', 'malformed', 'invalid_session', 'expired_session', 'forbidden'].map(count)).toEqual([1, 2, 1, 1, 0, 1]);
    } finally {
      await t.stop();
      t.cleanup();
    }
  });

  test('/me names the person; tokens of people are not webhook tokens and the reverse', async () => {
    const t = await startTestApp({ configYaml: CONFIG, env: ENV });
    try {
      expect((await callApi(t.url, 'GET', '/api/v1/me', { headers: bearer(TOKENS.responder) })).json).toEqual({ name: 'rita', displayName: 'Rita Responder', role: 'responder', lines: ['L1'], customer: null });
      expect((await callApi(t.url, 'GET', '/api/v1/me', { headers: bearer(TOKENS.admin) })).json).toEqual({ name: 'adam', displayName: 'adam', role: 'admin', lines: ['L2', 'L3'], customer: null });
      expect((await callApi(t.url, 'GET', '/api/v1/me', { headers: bearer(TOKENS.customer) })).json).toEqual({ name: 'acme-desk', displayName: 'acme-desk', role: 'customer', lines: [], customer: 'acme' });
    } finally {
      await t.stop();
      t.cleanup();
    }
  });

  test("with people, explain takes the person's token instead of the source's", async () => {
    const t = await startTestApp({ configYaml: CONFIG, env: ENV });
    try {
      const explained = await callApi(t.url, 'POST', '/api/v1/explain?source=alertmanager', { headers: bearer(TOKENS.viewer), body: firing });
      expect(explained.status).toBe(200);
      expect((explained.json.alerts as { decision: { action: string } }[]).map((a) => a.decision.action)).toEqual(['open']);
      expect((await callApi(t.url, 'GET', '/api/v1/incidents', { headers: bearer(TOKENS.viewer) })).json).toEqual({ incidents: [] });
    } finally {
      await t.stop();
      t.cleanup();
    }
  });
});

describe('the console session', () => {
  const cookieOf = (setCookie: string) => setCookie.split(';')[0] as string;

  test('login, use, /me, logout: the cookie holds a session id, never the token', async () => {
    const t = await startTestApp({ configYaml: CONFIG, env: ENV });
    try {
      const login = await callApi(t.url, 'POST', '/api/v1/session', { body: { token: TOKENS.responder } });
      expect(login.status).toBe(200);
      expect(login.json).toEqual({ person: { name: 'rita', displayName: 'Rita Responder', role: 'responder', lines: ['L1'], customer: null }, csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      const setCookie = login.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^incident_bridge_session=[A-Za-z0-9_-]{43}; /);
      const attributes = setCookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
      expect(attributes).not.toContain('secure'); // plain http
      expect(setCookie).not.toContain(TOKENS.responder);
      expect(login.headers.get('cache-control')).toBe('no-store');
      const cookie = { cookie: cookieOf(setCookie) };

      expect((await callApi(t.url, 'GET', '/api/v1/me', { headers: cookie })).json).toMatchObject({ name: 'rita', role: 'responder' });
      expect((await callApi(t.url, 'GET', '/api/v1/incidents', { headers: cookie })).status).toBe(200);
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: cookie })).status).toBe(403);

      const logout = await callApi(t.url, 'DELETE', '/api/v1/session', { headers: cookie });
      expect(logout.status).toBe(204);
      expect(logout.headers.get('set-cookie')).toMatch(/^incident_bridge_session=; .*Max-Age=0/);
      const after = await callApi(t.url, 'GET', '/api/v1/me', { headers: cookie });
      expect([after.status, after.json.detail]).toEqual([401, { reason: 'invalid_session' }]);
      expect((await callApi(t.url, 'DELETE', '/api/v1/session', { headers: cookie })).status).toBe(204);
    } finally {
      await t.stop();
      t.cleanup();
    }
  });

  test('an admin session may reload; two sessions of one person are independent', async () => {
    const t = await startTestApp({ configYaml: CONFIG, env: ENV });
    try {
      const login = async () => {
        const answer = await callApi(t.url, 'POST', '/api/v1/session', { body: { token: TOKENS.admin } });
        return { cookie: cookieOf(answer.headers.get('set-cookie') ?? ''), 'x-csrf-token': answer.json.csrfToken as string };
      };
      const [a, b] = [await login(), await login()];
      expect(a.cookie).not.toBe(b.cookie);
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: a })).status).toBe(200);
      await callApi(t.url, 'DELETE', '/api/v1/session', { headers: a });
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: a })).status).toBe(401);
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: b })).status).toBe(200);
    } finally {
      await t.stop();
      t.cleanup();
    }
  });

  test('CSRF: a session changes nothing without its token, nor from another site; a bearer token needs none', async () => {
    const t = await startTestApp({ configYaml: CONFIG, env: ENV });
    try {
      const login = await callApi(t.url, 'POST', '/api/v1/session', { body: { token: TOKENS.admin } });
      const cookie = cookieOf(login.headers.get('set-cookie') ?? '');
      const token = login.json.csrfToken as string;
      expect((await callApi(t.url, 'GET', '/api/v1/me', { headers: { cookie } })).json.csrfToken).toBe(token);
      // Reading needs no token; changing does.
      expect((await callApi(t.url, 'GET', '/api/v1/incidents', { headers: { cookie } })).status).toBe(200);
      const without = await callApi(t.url, 'POST', '/-/reload', { headers: { cookie } });
      expect([without.status, without.json.error, without.json.detail]).toEqual([403, 'forbidden', { reason: 'csrf' }]);
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: { cookie, 'x-csrf-token': `${token.slice(0, -1)}x` } })).status).toBe(403);
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: { cookie, 'x-csrf-token': token } })).status).toBe(200);
      // No spelling of a path escapes it.
      for (const path of ['/-/RELOAD', '/-/reload/', '/API/v1/incidents/1/comment']) {
        expect((await callApi(t.url, 'POST', path, { headers: { cookie }, body: { note: 'x' } })).json.detail).toEqual({ reason: 'csrf' });
      }
      // Another session's token is not this one's.
      const other = await callApi(t.url, 'POST', '/api/v1/session', { body: { token: TOKENS.admin } });
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: { cookie, 'x-csrf-token': other.json.csrfToken as string } })).status).toBe(403);
      // A browser's request from another site is refused, token or not, cookie or bearer.
      const bearer = { authorization: `Bearer ${TOKENS.admin}` };
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: { cookie, 'x-csrf-token': token, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: { ...bearer, origin: 'https://evil.example' } })).status).toBe(403);
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: { ...bearer, 'sec-fetch-site': 'same-origin', origin: t.url } })).status).toBe(200);
      expect((await callApi(t.url, 'POST', '/-/reload', { headers: bearer })).status).toBe(200);
    } finally {
      await t.stop();
      t.cleanup();
    }
  });

  test('a session unused for 12 hours expires; use keeps it alive', async () => {
    const clock = new FakeClock('2025-03-18T09:00:00Z');
    const t = await startTestApp({ configYaml: CONFIG, env: ENV, clock });
    try {
      const login = await callApi(t.url, 'POST', '/api/v1/session', { body: { token: TOKENS.viewer } });
      const cookie = { cookie: cookieOf(login.headers.get('set-cookie') ?? '') };
      clock.advance({ hours: 11 });
      expect((await callApi(t.url, 'GET', '/api/v1/me', { headers: cookie })).status).toBe(200);
      clock.advance({ hours: 11, minutes: 59 });
      expect((await callApi(t.url, 'GET', '/api/v1/me', { headers: cookie })).status).toBe(200);
      clock.advance({ hours: 12 });
      const expired = await callApi(t.url, 'GET', '/api/v1/me', { headers: cookie });
      expect([expired.status, expired.json.detail]).toEqual([401, { reason: 'expired_session' }]);
    } finally {
      await t.stop();
      t.cleanup();
    }
  });

  test.each<[string, unknown, number]>([
    ['a wrong token', { token: token('nobody') }, 401],
    ['one character changed', { token: changeOne(TOKENS.admin) }, 401],
    ['no token', {}, 401],
    ['an empty token', { token: '' }, 401],
    ['a token that is not a string', { token: 42 }, 401],
    ['a body that is not JSON', `{"token": "${TOKENS.admin}"`, 400],
  ])('login with %s is refused and sets no cookie', async (_what, body, status) => {
    const t = await startTestApp({ configYaml: CONFIG, env: ENV });
    try {
      const a = await callApi(t.url, 'POST', '/api/v1/session', { body });
      expect(a.status).toBe(status);
      expect(a.json.error).toBe(status === 401 ? 'unauthorized' : 'invalid_json');
      expect(a.headers.get('set-cookie')).toBeNull();
      expect(a.text).not.toContain(TOKENS.admin);
    } finally {
      await t.stop();
      t.cleanup();
    }
  });
});

describe('without people', () => {
  test('the API stays open on loopback; /me names nobody and a login cannot succeed', async () => {
    const t = await startTestApp({ env: ENV });
    try {
      expect((await callApi(t.url, 'GET', '/api/v1/incidents')).status).toBe(200);
      expect((await callApi(t.url, 'POST', '/-/reload')).status).toBe(200);
      expect((await callApi(t.url, 'GET', '/api/v1/me')).json).toEqual({ name: null, displayName: null, role: null, lines: [], customer: null });
      const login = await callApi(t.url, 'POST', '/api/v1/session', { body: { token: TOKENS.admin } });
      expect([login.status, login.headers.get('set-cookie')]).toEqual([401, null]);
    } finally {
      await t.stop();
      t.cleanup();
    }
  });
});
