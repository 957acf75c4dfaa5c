import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runIncidents } from '../../src/cli/incidents';
import { callApi } from '../helpers/api-client';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { REPO_DIR } from '../helpers/fixtures';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

const ENV = { TOKEN_ANNA: 'anna-token-0123456789', TOKEN_BORIS: 'boris-token-0123456789' };
const CONFIG = `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
people:
  - {name: anna, role: responder, lines: [L1], token: "\${TOKEN_ANNA}"}
  - {name: boris, role: responder, lines: [L2], token: "\${TOKEN_BORIS}"}
`;
const MAIN = path.join(REPO_DIR, 'dist/main.js');
const cpu = (instance: string, startsAt: string) => amBody([{ labels: { alertname: 'HostHighCpuLoad', instance }, annotations: { summary: 'Host CPU load is high' }, startsAt }]);

interface Run {
  code: number;
  out: string;
  err: string;
}

describe('incident-bridge incidents against a running daemon', () => {
  let t: TestApp;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock('2026-05-04T10:00:00Z');
    t = await startTestApp({ configYaml: CONFIG, env: ENV, clock });
    expect((await t.post('alertmanager', cpu('db-1:9100', '2026-05-04T09:59:00Z'))).json).toEqual({ accepted: 1, incidents: [1] });
    clock.advance({ minutes: 5 });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
  });

  /** The command in process, as anna unless `env` says otherwise, with the test's clock. */
  async function cli(args: string[], env: NodeJS.ProcessEnv = { INCIDENT_BRIDGE_TOKEN: ENV.TOKEN_ANNA }, columns?: number): Promise<Run> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const code = await runIncidents(args, { stdout, stderr, env: { INCIDENT_BRIDGE_URL: t.url, ...env }, clock, ...(columns ? { columns } : {}) });
    const read = (s: PassThrough) => (s.read() as Buffer | null)?.toString('utf8') ?? '';
    return { code, out: read(stdout), err: read(stderr) };
  }
  const incident = async (id = 1) => (await callApi(t.url, 'GET', `/api/v1/incidents/${id}`, { headers: { authorization: `Bearer ${ENV.TOKEN_BORIS}` } })).json;

  test('list prints a table for a person; --format json prints the API answer', async () => {
    const { code, out, err } = await cli(['list']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out.split('\n')).toEqual([
      'ID  STATUS  PRI  LINE  ASSIGNEE  AGE  HEALTH MODEL/METRIC                 TITLE',
      '1   open    P4   L1    -         5m   shop-infrastructure/host-resources  Host CPU load is high on db-1:9100',
      '',
    ]);
    const json = await cli(['list', '--status', 'open', '--format', 'json']);
    expect(json.code).toBe(0);
    const api = await callApi(t.url, 'GET', '/api/v1/incidents?status=open', { headers: { authorization: `Bearer ${ENV.TOKEN_ANNA}` } });
    expect(JSON.parse(json.out)).toEqual(api.json);
    expect((await cli(['list', '--status', 'resolved'])).out).toBe('no incidents\n');
  });

  test('the title is cut to the terminal width', async () => {
    const { out } = await cli(['list'], undefined, 100);
    const row = out.split('\n')[1] as string;
    expect(row).toHaveLength(100);
    expect(row.endsWith('  Host CPU load is high on …')).toBe(true);
  });

  test('ack, escalate and resolve with a note, each printing one line; the API agrees; show prints the timeline', async () => {
    expect(await cli(['ack', '1', '--note', 'looking'])).toEqual({ code: 0, out: 'incident 1 acknowledged (P4, L1, assignee anna): Host CPU load is high on db-1:9100\n', err: '' });
    expect(await incident()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'anna', assignee: 'anna' });
    expect((await cli(['escalate', '1', '--line', 'L2', '--note', 'needs the DBA'])).out).toBe('incident 1 acknowledged (P4, L2, assignee anna): Host CPU load is high on db-1:9100\n');
    expect(await incident()).toMatchObject({ line: 'L2' });
    expect((await cli(['comment', '1', 'the', 'batch', 'job', 'runs'])).code).toBe(0);
    clock.advance({ minutes: 10 });
    expect((await cli(['resolve', '1', '--note', 'killed the runaway batch job'])).out).toBe('incident 1 resolved by anna (P4, L2, assignee anna): Host CPU load is high on db-1:9100\n');
    expect(await incident()).toMatchObject({ status: 'resolved', resolvedBy: 'anna', resolutionNote: 'killed the runaway batch job' });

    const { code, out } = await cli(['show', '1']);
    expect(code).toBe(0);
    expect(out).toContain('incident 1: Host CPU load is high on db-1:9100\n  status        resolved\n');
    expect(out).toContain('  resolved      2026-05-04 10:15:00 UTC by anna\n  resolution    killed the runaway batch job\n');
    expect(out).toMatch(/\n {2}firing {2}alertmanager {2}HostHighCpuLoad {2}2026-05-04 09:59:00 UTC {2}- +instance=db-1:9100 /);
    const timeline = out.slice(out.indexOf('timeline (')).split('\n').slice(2, 7).map((l) => l.trim().split(/ {2,}/));
    expect(timeline).toEqual([
      ['2026-05-04 10:00:00 UTC', 'opened', 'source alertmanager', expect.stringMatching(/^HostHighCpuLoad \(/) as string],
      ['2026-05-04 10:05:00 UTC', 'acknowledged', 'person anna', 'looking'],
      ['2026-05-04 10:05:00 UTC', 'escalated', 'person anna', 'L1 -> L2: needs the DBA'],
      ['2026-05-04 10:05:00 UTC', 'commented', 'person anna', 'the batch job runs'],
      ['2026-05-04 10:15:00 UTC', 'resolved', 'person anna', 'killed the runaway batch job'],
    ]);

    // Another host's incident of the same metric shows that resolution.
    await t.post('alertmanager', cpu('db-2:9100', '2026-05-04T10:14:00Z'));
    expect((await cli(['show', '2'])).out).toContain('similar resolutions (the last of this metric)\n  #1 resolved 2026-05-04 10:15:00 UTC by anna after 15m: killed the runaway batch job\n');
  });

  test('a conflict exits 1 with the code and message on stderr, and changes nothing', async () => {
    await cli(['resolve', '1', '--note', 'done']);
    expect(await cli(['ack', '1'])).toEqual({ code: 1, out: '', err: 'conflict: a resolved incident cannot be acknowledged; reopen it first\n' });
    expect(await incident()).toMatchObject({ status: 'resolved', acknowledgedBy: null });
  });

  test('a bad field exits 1 naming the field', async () => {
    expect(await cli(['assign', '1', 'nobody'])).toEqual({ code: 1, out: '', err: 'invalid_body: invalid assign body\n  assignee: no person named "nobody" is configured\n' });
    const above = await cli(['escalate', '1', '--line', 'L4', '--note', 'x']);
    expect(above.code).toBe(1);
    expect(above.err).toMatch(/^invalid_body: invalid escalate body\n {2}line: must be one of L1, L2, L3\n$/);
    expect((await cli(['show', '42'])).err).toBe('not_found: incident 42 not found\n');
    expect(await incident()).toMatchObject({ status: 'open', line: 'L1', assignee: null });
  });

  test('a wrong or missing token exits 1 and never prints the token', async () => {
    const wrong = await cli(['list'], { INCIDENT_BRIDGE_TOKEN: 'not-a-token-of-anyone' });
    expect(wrong).toEqual({ code: 1, out: '', err: 'unauthorized: authentication failed (reason: invalid_token)\n  the daemon does not accept the token in INCIDENT_BRIDGE_TOKEN\n' });
    const none = await cli(['ack', '1'], {});
    expect(none.code).toBe(1);
    expect(none.err).toContain('set INCIDENT_BRIDGE_TOKEN');
    expect((await incident()).status).toBe('open');
  });

  test('an unreachable daemon exits 1 saying so', async () => {
    const port = await closedPort();
    const run = await cli(['list', '--url', `http://127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(new RegExp(`^cannot reach incident-bridge at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  test('as a child process: node dist/main.js incidents, with the token from the environment', async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
    const env = { INCIDENT_BRIDGE_URL: t.url, INCIDENT_BRIDGE_TOKEN: ENV.TOKEN_BORIS };
    const ack = await node(['incidents', 'ack', '1', '--format', 'json'], env);
    expect(ack.code).toBe(0);
    expect(JSON.parse(ack.out)).toMatchObject({ id: 1, status: 'acknowledged', acknowledgedBy: 'boris' });
    const list = await node(['incidents', 'list', '--format', 'json'], env);
    expect((JSON.parse(list.out) as { incidents: { id: number; status: string }[] }).incidents.map((i) => [i.id, i.status])).toEqual([[1, 'acknowledged']]);
    const resolve = await node(['incidents', 'resolve', '1'], env);
    expect(resolve.code).toBe(2);
    expect(resolve.err).toContain('--note is required\nusage: incident-bridge incidents');
    expect((await node(['incidents', '--help'], env)).out).toMatch(/^usage: incident-bridge incidents COMMAND/);
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

/** A loopback port nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
