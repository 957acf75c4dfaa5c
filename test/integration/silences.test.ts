import Database from 'better-sqlite3';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

type Json = Record<string, unknown>;
const ENV = { T_ANNA: 'anna-token-0123456789', T_VERA: 'vera-token-0123456789', T_ACME: 'acme-token-0123456789' };
const as = (t: string) => ({ authorization: `Bearer ${t}` });
const ANNA = as(ENV.T_ANNA);
const VERA = as(ENV.T_VERA);
const ACME = as(ENV.T_ACME);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const CONFIG = `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
people:
  - {name: anna, role: responder, lines: [L1], token: "\${T_ANNA}"}
  - {name: vera, role: viewer, token: "\${T_VERA}"}
  - {name: acme-desk, role: customer, customer: acme, token: "\${T_ACME}"}
customers:
  - {name: acme, displayName: ACME Retail}
  - {name: globex, displayName: Globex}
silences:
  keepExpired: 1h
`;

const disk = { matchers: ['alertname="DiskFull"', 'instance=~"db-.*"'], endsAt: '2026-05-04T12:00:00Z', comment: 'swapping the disks of the database hosts' };

describe('silences over the API', () => {
  let t: TestApp;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock('2026-05-04T10:00:00Z');
    t = await startTestApp({ configYaml: CONFIG, env: ENV, clock });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
  });

  const create = (body: unknown, headers = ANNA) => t.request('POST', '/api/v1/silences', body, headers);
  const list = async (headers = VERA) => {
    const answer = await t.request('GET', '/api/v1/silences', undefined, headers);
    expect(answer.status).toBe(200);
    return answer.json.silences as Json[];
  };
  const stored = (): number => {
    const db = new Database(t.dbFile, { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM silences').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  test('a responder creates and deletes; a viewer lists, newest first, with the status of the moment', async () => {
    const first = await create(disk);
    expect(first.status).toBe(201);
    expect(Object.keys(first.json)).toEqual(['id']);
    expect(first.json.id).toMatch(UUID);
    clock.advance({ minutes: 1 });
    // One text may hold several matchers; a single text is a list of one, stored as written.
    const pending = await create({ matchers: '{job="api", env="prod"}', startsAt: '2026-05-04T13:00:00+02:00', endsAt: '2026-05-04T13:00:00Z', comment: '  deploy window  ' });
    expect(pending.status).toBe(201);

    expect(await list()).toEqual([
      {
        id: pending.json.id,
        matchers: ['{job="api", env="prod"}'],
        startsAt: '2026-05-04T11:00:00.000Z',
        endsAt: '2026-05-04T13:00:00.000Z',
        createdBy: 'anna',
        comment: 'deploy window',
        createdAt: '2026-05-04T10:01:00.000Z',
        expiredAt: null,
        status: 'pending',
      },
      {
        id: first.json.id,
        matchers: disk.matchers,
        startsAt: '2026-05-04T10:00:00.000Z',
        endsAt: '2026-05-04T12:00:00.000Z',
        createdBy: 'anna',
        comment: disk.comment,
        createdAt: '2026-05-04T10:00:00.000Z',
        expiredAt: null,
        status: 'active',
      },
    ]);
    clock.set('2026-05-04T11:00:00Z');
    expect((await list()).map((s) => s.status)).toEqual(['active', 'active']);

    clock.advance({ minutes: 15 });
    const deleted = await t.request('DELETE', `/api/v1/silences/${String(first.json.id)}`, undefined, ANNA);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toMatchObject({ id: first.json.id, status: 'expired', endsAt: '2026-05-04T11:15:00.000Z', expiredAt: '2026-05-04T11:15:00.000Z', startsAt: '2026-05-04T10:00:00.000Z' });
    clock.advance({ minutes: 1 });
    const again = await t.request('DELETE', `/api/v1/silences/${String(first.json.id)}`, undefined, ANNA);
    expect(again).toMatchObject({ status: 200, json: deleted.json });
    const unknown = await t.request('DELETE', '/api/v1/silences/0b7e4c1a-1f2d-4a43-9a57-2c4d8e2f9b10', undefined, ANNA);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: 'not_found', message: 'silence 0b7e4c1a-1f2d-4a43-9a57-2c4d8e2f9b10 not found' });
    expect((await list()).map((s) => [s.id, s.status])).toEqual([
      [pending.json.id, 'active'],
      [first.json.id, 'expired'],
    ]);
  });

  test('an ended silence stays listed for silences.keepExpired, and is pruned after', async () => {
    const { json } = await create({ ...disk, endsAt: '2026-05-04T10:30:00Z' });
    clock.set('2026-05-04T11:30:00Z');
    expect((await list()).map((s) => [s.id, s.status])).toEqual([[json.id, 'expired']]);
    await t.app.resolveWorker().runOnce();
    expect(stored()).toBe(1);
    clock.advance({ ms: 1 });
    expect(await list()).toEqual([]);
    await t.app.resolveWorker().runOnce();
    expect(stored()).toBe(0);
  });

  test('a start in the past starts now; no start is now', async () => {
    const { json } = await create({ ...disk, startsAt: '2026-05-01T00:00:00Z' });
    expect((await list())[0]).toMatchObject({ id: json.id, startsAt: '2026-05-04T10:00:00.000Z', status: 'active' });
  });

  test('matchers that match every alert need force', async () => {
    const everything = { ...disk, matchers: ['severity!="info"', 'team=~".*"'] };
    expect((await create(everything)).status).toBe(400);
    const forced = await create({ ...everything, force: true });
    expect(forced.status).toBe(201);
    expect((await list()).map((s) => s.matchers)).toEqual([everything.matchers]);
  });

  const ten = 'x'.repeat(10_000);
  test.each<[string, Json, { path: string; message: string | RegExp }[]]>([
    ['an empty body', {}, [
      { path: 'matchers', message: /^is required/ },
      { path: 'endsAt', message: 'is required' },
      { path: 'comment', message: 'is required' },
    ]],
    ['no matcher', { ...disk, matchers: [] }, [{ path: 'matchers', message: 'must hold at least one matcher' }]],
    ['matchers of the wrong type', { ...disk, matchers: { alertname: 'DiskFull' } }, [{ path: 'matchers', message: 'must be a matcher text or a list of them' }]],
    ['a matcher that does not parse, by its index', { ...disk, matchers: ['alertname="DiskFull"', 'instance=~"db-("'] }, [{ path: 'matchers[1]', message: /^invalid regular expression: .*\(at character 11\)$/ }]],
    ['two bad matchers', { ...disk, matchers: ['alertname', 42, ''] }, [
      { path: 'matchers[0]', message: 'expected one of =, !=, =~, !~ (at character 10)' },
      { path: 'matchers[1]', message: 'must be a matcher text' },
      { path: 'matchers[2]', message: 'must not be empty' },
    ]],
    ['a single text that does not parse', { ...disk, matchers: 'job="api' }, [{ path: 'matchers', message: 'unterminated quoted value (at character 5)' }]],
    ['a negative matcher alone', { ...disk, matchers: ['severity!="info"'] }, [{ path: 'matchers', message: /would cover every alert; send "force": true/ }]],
    ['a regex matching the empty string', { ...disk, matchers: ['alertname=~".*"'] }, [{ path: 'matchers', message: /would cover every alert/ }]],
    ['an empty value', { ...disk, matchers: ['alertname=""'] }, [{ path: 'matchers', message: /would cover every alert/ }]],
    ['force that is not a boolean', { ...disk, force: 'yes' }, [{ path: 'force', message: 'must be true or false' }]],
    ['endsAt missing', { ...disk, endsAt: undefined }, [{ path: 'endsAt', message: 'is required' }]],
    ['endsAt not a time', { ...disk, endsAt: 'tomorrow' }, [{ path: 'endsAt', message: /^must be an ISO 8601 time with an offset/ }]],
    ['endsAt without an offset', { ...disk, endsAt: '2026-05-04T12:00:00' }, [{ path: 'endsAt', message: /^must be an ISO 8601 time with an offset/ }]],
    ['endsAt a number', { ...disk, endsAt: 1777896000000 }, [{ path: 'endsAt', message: /^must be an ISO 8601 time/ }]],
    ['endsAt in the past', { ...disk, endsAt: '2026-05-04T09:59:59Z' }, [{ path: 'endsAt', message: 'must be in the future' }]],
    ['endsAt now', { ...disk, endsAt: '2026-05-04T10:00:00Z' }, [{ path: 'endsAt', message: 'must be in the future' }]],
    ['endsAt before startsAt', { ...disk, startsAt: '2026-05-04T13:00:00Z' }, [{ path: 'endsAt', message: 'must be after startsAt' }]],
    ['endsAt at startsAt', { ...disk, startsAt: '2026-05-04T12:00:00Z' }, [{ path: 'endsAt', message: 'must be after startsAt' }]],
    ['startsAt not a time', { ...disk, startsAt: 'soon' }, [{ path: 'startsAt', message: /^must be an ISO 8601 time/ }]],
    ['an empty comment', { ...disk, comment: '   ' }, [{ path: 'comment', message: 'must not be empty' }]],
    ['a comment too long', { ...disk, comment: `${ten}x` }, [{ path: 'comment', message: 'must be at most 10000 characters' }]],
    ['a comment that is not text', { ...disk, comment: 7 }, [{ path: 'comment', message: 'must be a text' }]],
  ])('%s: 400 invalid_body naming the field; nothing stored', async (_name, body, detail) => {
    const answer = await create(body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'invalid_body', message: 'invalid silence' });
    expect(answer.json.detail).toEqual(detail.map((d) => ({ path: d.path, message: typeof d.message === 'string' ? d.message : expect.stringMatching(d.message) })));
    expect(await list()).toEqual([]);
    expect(stored()).toBe(0);
  });

  test('a body that is not a JSON object: 400', async () => {
    expect((await create('{"matchers": ')).json).toMatchObject({ error: 'invalid_json' });
    expect((await create([disk])).json).toMatchObject({ error: 'invalid_body', detail: [{ path: '(body)', message: 'expected a JSON object' }] });
    expect((await create(`${JSON.stringify({ ...disk, comment: ten })}`)).status).toBe(201);
  });

  test('roles: a viewer lists but neither creates nor deletes; a customer gets nothing; no token is 401', async () => {
    const { json } = await create(disk);
    expect((await create(disk, VERA)).json).toMatchObject({ error: 'forbidden', detail: { role: 'viewer', required: 'responder' } });
    expect((await t.request('DELETE', `/api/v1/silences/${String(json.id)}`, undefined, VERA)).status).toBe(403);
    expect((await list(VERA)).map((s) => s.id)).toEqual([json.id]);
    for (const [method, path] of [['GET', '/api/v1/silences'], ['POST', '/api/v1/silences'], ['DELETE', `/api/v1/silences/${String(json.id)}`]] as const) {
      const answer = await t.request(method, path, method === 'POST' ? disk : undefined, ACME);
      expect({ method, status: answer.status, error: answer.json.error }).toEqual({ method, status: 403, error: 'forbidden' });
    }
    expect((await t.request('GET', '/api/v1/silences')).status).toBe(401);
    expect((await t.request('POST', '/api/v1/silences', disk)).status).toBe(401);
    expect((await list(VERA)).map((s) => [s.id, s.status])).toEqual([[json.id, 'active']]);
  });

  test('a 201 is on disk: a restarted daemon lists the silence', async () => {
    const { json } = await create(disk);
    const before = await list();
    await t.stop();
    const again = await startTestApp({ configYaml: CONFIG, env: ENV, clock, dbFile: t.dbFile });
    try {
      const answer = await again.request('GET', '/api/v1/silences', undefined, VERA);
      expect(answer.json).toEqual({ silences: before });
      expect((answer.json.silences as Json[])[0]!.id).toBe(json.id);
    } finally {
      await again.stop();
    }
  });
});

test('without people (loopback only) the author is local', async () => {
  const clock = new FakeClock('2026-05-04T10:00:00Z');
  const t = await startTestApp({ clock });
  try {
    expect((await t.request('POST', '/api/v1/silences', disk)).status).toBe(201);
    expect(((await t.get('/api/v1/silences')).json.silences as Json[]).map((s) => s.createdBy)).toEqual(['local']);
  } finally {
    await t.stop();
    t.cleanup();
  }
});
