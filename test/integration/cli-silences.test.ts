import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runSilence } from '../../src/cli/silence';
import { callApi } from '../helpers/api-client';
import { FakeClock } from '../helpers/fake-clock';
import { REPO_DIR } from '../helpers/fixtures';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

const ENV = { TOKEN_ANNA: 'anna-token-0123456789', TOKEN_VERA: 'vera-token-0123456789' };
const CONFIG = `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
people:
  - {name: anna, role: responder, token: "\${TOKEN_ANNA}"}
  - {name: vera, role: viewer, token: "\${TOKEN_VERA}"}
`;
const MAIN = path.join(REPO_DIR, 'dist/main.js');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Run {
  code: number;
  out: string;
  err: string;
}

describe('incident-bridge silence against a running daemon', () => {
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

  /** The command in process, as anna unless `env` says otherwise, with the test's clock. */
  async function cli(args: string[], env: NodeJS.ProcessEnv = { INCIDENT_BRIDGE_TOKEN: ENV.TOKEN_ANNA }, columns?: number): Promise<Run> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const code = await runSilence(args, { stdout, stderr, env: { INCIDENT_BRIDGE_URL: t.url, ...env }, clock, ...(columns ? { columns } : {}) });
    const read = (s: PassThrough) => (s.read() as Buffer | null)?.toString('utf8') ?? '';
    return { code, out: read(stdout), err: read(stderr) };
  }
  const silences = async () => (await callApi(t.url, 'GET', '/api/v1/silences', { headers: { authorization: `Bearer ${ENV.TOKEN_VERA}` } })).json.silences as Record<string, unknown>[];

  test('add prints the new id; list prints a table; expire prints when it ended; the API agrees', async () => {
    const added = await cli(['add', '--matcher', 'alertname="DiskFull"', '--matcher', 'instance=~"db-.*"', '--duration', '2h', '--comment', 'swapping the disks']);
    expect({ code: added.code, err: added.err }).toEqual({ code: 0, err: '' });
    const id = added.out.trim();
    expect(id).toMatch(UUID);
    clock.advance({ minutes: 1 });
    const later = (await cli(['add', '--matcher', '{job="api", env="prod"}', '--start', '2026-05-04T13:00:00+02:00', '--end', '2026-05-04T12:30:00Z', '--comment', 'deploy'])).out.trim();
    expect(await silences()).toMatchObject([
      { id: later, matchers: ['{job="api", env="prod"}'], startsAt: '2026-05-04T11:00:00.000Z', endsAt: '2026-05-04T12:30:00.000Z', createdBy: 'anna', status: 'pending' },
      { id, matchers: ['alertname="DiskFull"', 'instance=~"db-.*"'], startsAt: '2026-05-04T10:00:00.000Z', endsAt: '2026-05-04T12:00:00.000Z', comment: 'swapping the disks', status: 'active' },
    ]);

    const { code, out } = await cli(['list']);
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      'ID                                    STATUS   STARTS (UTC)         ENDS (UTC)           BY    MATCHERS                                 COMMENT',
      `${later}  pending  2026-05-04 11:00:00  2026-05-04 12:30:00  anna  {job="api", env="prod"}                  deploy`,
      `${id}  active   2026-05-04 10:00:00  2026-05-04 12:00:00  anna  alertname="DiskFull", instance=~"db-.*"  swapping the disks`,
      '',
    ]);

    clock.advance({ minutes: 19 });
    expect(await cli(['expire', id])).toEqual({ code: 0, out: `silence ${id} expired at 2026-05-04 10:20:00 UTC: alertname="DiskFull", instance=~"db-.*"\n`, err: '' });
    expect((await silences()).map((s) => [s.id, s.status])).toEqual([
      [later, 'pending'],
      [id, 'expired'],
    ]);
    // Without --all the ended silence is not shown; with it, it is; --format json prints the API's answer.
    expect((await cli(['list'])).out.split('\n').slice(1, -1).map((l) => l.slice(0, 36))).toEqual([later]);
    const all = await cli(['list', '--all', '--format', 'json']);
    expect(JSON.parse(all.out)).toEqual({ silences: await silences() });
    const json = await cli(['list', '--format', 'json']);
    expect((JSON.parse(json.out) as { silences: { id: string }[] }).silences.map((s) => s.id)).toEqual([later]);
    expect((await cli(['expire', later, '--format', 'json'])).out).toContain('"status": "expired"');
    expect((await cli(['list'])).out).toBe('no silences\n');
  });

  test('a refused silence exits 1 naming each bad field, and stores nothing', async () => {
    const run = await cli(['add', '--matcher', 'severity!="info"', '--matcher', 'job=~"("', '--end', '2026-05-04T09:00:00Z', '--comment', ' ']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^invalid_body: invalid silence\n {2}matchers\[1\]: invalid regular expression: .*\n {2}endsAt: must be in the future\n {2}comment: must not be empty\n$/);
    const everything = await cli(['add', '--matcher', 'severity!="info"', '--duration', '1h', '--comment', 'all of it']);
    expect(everything).toMatchObject({ code: 1, out: '' });
    expect(everything.err).toContain('matchers: every matcher matches an alert without labels');
    expect(await silences()).toEqual([]);
    expect((await cli(['add', '--matcher', 'severity!="info"', '--duration', '1h', '--comment', 'all of it', '--force'])).code).toBe(0);
    expect((await silences()).map((s) => s.matchers)).toEqual([['severity!="info"']]);
  });

  test('an unknown id, a viewer and a missing token exit 1', async () => {
    expect(await cli(['expire', '0b7e4c1a-1f2d-4a43-9a57-2c4d8e2f9b10'])).toEqual({ code: 1, out: '', err: 'not_found: silence 0b7e4c1a-1f2d-4a43-9a57-2c4d8e2f9b10 not found\n' });
    const viewer = await cli(['add', '--matcher', 'a="b"', '--duration', '1h', '--comment', 'x'], { INCIDENT_BRIDGE_TOKEN: ENV.TOKEN_VERA });
    expect(viewer).toEqual({ code: 1, out: '', err: 'forbidden: the role viewer may not do this; it needs responder (role: viewer, required: responder)\n' });
    expect((await cli(['list'], { INCIDENT_BRIDGE_TOKEN: ENV.TOKEN_VERA })).code).toBe(0);
    const none = await cli(['list'], {});
    expect(none.code).toBe(1);
    expect(none.err).toContain('set INCIDENT_BRIDGE_TOKEN');
  });

  test('as a child process: node dist/main.js silence, with the token from the environment', async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
    const env = { INCIDENT_BRIDGE_URL: t.url, INCIDENT_BRIDGE_TOKEN: ENV.TOKEN_ANNA };
    // The child has its own clock: the end is a fixed time after the test's.
    const add = await node(['silence', 'add', '--matcher', 'alertname="DiskFull"', '--end', '2099-01-01T00:00:00Z', '--comment', 'far away', '--format', 'json'], env);
    expect(add.code).toBe(0);
    const id = (JSON.parse(add.out) as { id: string }).id;
    expect(id).toMatch(UUID);
    const list = await node(['silence', 'list', '--format', 'json'], env);
    expect((JSON.parse(list.out) as { silences: { id: string; createdBy: string }[] }).silences.map((s) => [s.id, s.createdBy])).toEqual([[id, 'anna']]);
    const usage = await node(['silence', 'add', '--matcher', 'a="b"', '--comment', 'x'], env);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('give either --duration or --end\nusage: incident-bridge silence');
    expect((await node(['silence', '--help'], env)).out).toMatch(/^usage: incident-bridge silence COMMAND/);
    expect((await node(['--help'], env)).out).toContain('incident-bridge silence add --matcher TEXT');
  });
});

/** Runs the built command line; the daemon runs in this process, so the child must not block it. */
function node(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}
