import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { answerText, callApi } from '../helpers/api-client';
import type { ApiAnswer } from '../helpers/api-client';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';

const token = (who: string) => `${who}-${randomBytes(16).toString('hex')}`;
const TOKENS = { viewer: token('vera'), responder: token('rita'), admin: token('adam'), source: token('am') };

const CONFIG = `
listen: 127.0.0.1:0
log: { level: debug }
sources:
  - {name: alertmanager, type: alertmanager, auth: {type: bearer, token: "\${AM_TOKEN}"}}
notifications:
  channels:
    - {name: hook, type: webhook, url: "http://127.0.0.1:9/hook"}
people:
  - {name: vera, role: viewer, token: "\${TOKEN_VERA}"}
  - {name: rita, role: responder, token: "\${TOKEN_RITA}"}
  - {name: adam, role: admin, token: "\${TOKEN_ADAM}"}
`;

describe('no token in a log line or an API answer', () => {
  test('a run with authentication failures, sessions, reload, explain and resend', async () => {
    const log = new PassThrough();
    const lines: string[] = [];
    log.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const clock = new FakeClock('2025-03-18T09:00:00Z');
    const t = await startTestApp({ configYaml: CONFIG, env: { TOKEN_VERA: TOKENS.viewer, TOKEN_RITA: TOKENS.responder, TOKEN_ADAM: TOKENS.admin, AM_TOKEN: TOKENS.source }, clock, logStream: log });
    const seen: ApiAnswer[] = [];
    const call = (method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}) => callApi(t.url, method, path, { ...options, seen });
    const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
    const people = [TOKENS.viewer, TOKENS.responder, TOKENS.admin];
    const firing = amBody([{ labels: { alertname: 'HostHighCpuLoad', instance: 'db-1:9100' }, startsAt: '2025-03-18T08:59:00Z' }]);
    try {
      // Webhooks: the source's token, a person's token, none.
      await call('POST', '/webhooks/alertmanager', { headers: bearer(TOKENS.source), body: firing });
      await call('POST', '/webhooks/alertmanager', { headers: bearer(TOKENS.admin), body: firing });
      await call('POST', '/webhooks/alertmanager', { body: firing });
      // Every endpoint with every kind of failure, and with each person.
      const endpoints: [string, string, unknown?][] = [
        ['GET', '/api/v1/incidents'],
        ['GET', '/api/v1/incidents/1'],
        ['GET', '/api/v1/rejections'],
        ['GET', '/api/v1/rules'],
        ['GET', '/api/v1/me'],
        ['POST', '/api/v1/explain?source=alertmanager', firing],
        ['POST', '/api/v1/notifications/1/resend'],
        ['POST', '/-/reload'],
        ['GET', '/metrics'],
      ];
      for (const [method, path, body] of endpoints) {
        const kinds: Record<string, string>[] = [
          {},
          bearer(`${TOKENS.admin.slice(0, -1)}x`),
          bearer(TOKENS.source),
          { authorization: `Basic ${Buffer.from(`adam:${TOKENS.admin}`).toString('base64')}` },
          { authorization: `Token ${TOKENS.admin}` },
          { cookie: `incident_bridge_session=${TOKENS.admin}` },
          ...people.map(bearer),
        ];
        for (const headers of kinds) {
          await call(method, path, { headers, body });
        }
      }
      // A token where no token belongs: in a path, a query, a webhook's name.
      await call('GET', `/api/v1/incidents/${TOKENS.admin}`, { headers: bearer(TOKENS.admin) });
      await call('GET', `/api/v1/${TOKENS.admin}`, { headers: bearer(TOKENS.admin) });
      await call('GET', `/api/v1/incidents?healthModel=${TOKENS.viewer}&limit=${TOKENS.viewer}`, { headers: bearer(TOKENS.viewer) });
      await call('POST', `/webhooks/${TOKENS.source}`, { headers: bearer(TOKENS.source), body: firing });
      // Sessions: log in with every token, use, log out; refused and malformed logins.
      for (const t0 of people) {
        const login = await call('POST', '/api/v1/session', { body: { token: t0 } });
        const cookie = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] as string };
        await call('GET', '/api/v1/me', { headers: cookie });
        await call('GET', '/api/v1/incidents/1', { headers: cookie });
        await call('POST', '/-/reload', { headers: cookie });
        await call('DELETE', '/api/v1/session', { headers: cookie });
        await call('GET', '/api/v1/me', { headers: cookie });
      }
      const expiring = await call('POST', '/api/v1/session', { body: { token: TOKENS.viewer } });
      clock.advance({ hours: 13 });
      await call('GET', '/api/v1/me', { headers: { cookie: (expiring.headers.get('set-cookie') ?? '').split(';')[0] as string } });
      await call('POST', '/api/v1/session', { body: { token: `${TOKENS.admin}x` } });
      await call('POST', '/api/v1/session', { body: `{"token": "${TOKENS.admin}"` });
      await call('POST', '/api/v1/session', { body: `token=${TOKENS.admin}` });
      await call('POST', '/api/v1/session', { body: { token: TOKENS.source } });
      await call('GET', '/api/v1/rejections', { headers: bearer(TOKENS.viewer) });
    } finally {
      await t.stop();
      t.cleanup();
    }

    // The run did what it claims: failures, sessions and reloads were logged and answered.
    expect(lines.length).toBeGreaterThan(50);
    const messages = lines.map((l) => (JSON.parse(l) as { message: string }).message);
    expect(messages).toEqual(expect.arrayContaining(['api request refused', 'session started', 'session ended', 'session refused', 'webhook rejected', 'incident opened']));
    const statuses = new Set(seen.map((a) => a.status));
    for (const s of [200, 202, 204, 400, 401, 403, 404]) expect(statuses).toContain(s);
    // A token that reached a log line in a request's path is masked.
    expect(lines.some((l) => l.includes('[REDACTED]'))).toBe(true);
    // Likewise in the answers that echo a path or a source name.
    expect(seen.filter((a) => a.text.includes('[REDACTED]')).map((a) => a.status)).toEqual([404, 404, 404, 200]);

    for (const secret of Object.values(TOKENS)) {
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
      expect(seen.map(answerText).filter((a) => a.includes(secret))).toEqual([]);
    }
  });
});
