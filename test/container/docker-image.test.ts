import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';

/**
 * deploy/docker/Dockerfile, built and run as far as this machine allows. No container runtime
 * runs here (crun may not set the limits it needs), so:
 *   - the image is built for real by podman (Debian's podman, `--isolation chroot`: each RUN step
 *     in a chroot), every step of the Dockerfile with it (npm ci, the compile of
 *     better-sqlite3, the build, the prune), on stand-ins of the Node.js base images when the
 *     real ones cannot be pulled (test/container/node-base-images.sh);
 *   - the image's settings are read back (user, entrypoint, command, port, volume, health check);
 *   - its file system is exported and the daemon started from it as the image starts it, in a
 *     chroot as the image's user, with the image's config: its health check command answers 0,
 *     a webhook with the source's token is stored (2xx), one without is refused (401), and the
 *     store is written in the volume's directory, by that user.
 */
jest.setTimeout(30 * 60_000);

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const IMAGE = 'localhost/incident-bridge:test';
const TOKENS = {
  INCIDENT_BRIDGE_ALERTMANAGER_TOKEN: 'am-token-123456',
  INCIDENT_BRIDGE_GRAFANA_TOKEN: 'grafana-token-123456',
  INCIDENT_BRIDGE_ZABBIX_TOKEN: 'zabbix-token-123456',
  INCIDENT_BRIDGE_TOKEN_ADMIN: 'admin-token-123456',
};

/** What `podman image inspect` says of the image; podman keeps the health check beside Config. */
interface ImageSettings {
  Config: { User: string; Entrypoint: string[]; Cmd: string[]; Env: string[]; ExposedPorts: Record<string, unknown>; Volumes: Record<string, unknown> };
  Healthcheck?: { Test: string[]; Interval: number; Retries: number };
}

let work: string;
let image: ImageSettings;
let root: string;
let daemon: ChildProcess | null = null;
const mounted: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ib-image-'));
  await run('bash', [path.join(REPO, 'test/container/node-base-images.sh'), path.join(work, 'bases')], { maxBuffer: 1 << 24 });
  await run('podman', ['build', '--format', 'docker', '--isolation', 'chroot', '--network', 'host', '-f', 'deploy/docker/Dockerfile', '-t', IMAGE, '.'], { cwd: REPO, maxBuffer: 1 << 26 });
  image = (JSON.parse((await run('podman', ['image', 'inspect', IMAGE], { maxBuffer: 1 << 24 })).stdout) as ImageSettings[])[0]!;
});

afterAll(async () => {
  if (daemon && daemon.exitCode === null) daemon.kill('SIGKILL');
  for (const m of mounted.reverse()) await run('umount', ['-l', m]).catch(() => undefined);
  await run('podman', ['rmi', '-f', IMAGE]).catch(() => undefined);
  if (!work) return;
  // Never remove a tree that still has the machine's /dev or /proc mounted inside it.
  const still = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((at) => at.startsWith(`${work}/`));
  if (still.length > 0) throw new Error(`still mounted, left in place: ${still.join(', ')}`);
  rmSync(work, { recursive: true, force: true });
});

describe('the container image (deploy/docker/Dockerfile)', () => {
  test('runs as its own user with a health check, the store on a volume, the daemon as entrypoint', async () => {
    expect(image.Config.User).toBe('incident-bridge');
    expect(image.Config.Entrypoint).toEqual(['node', '/opt/incident-bridge/dist/main.js']);
    expect(image.Config.Cmd).toEqual(['serve', '--config', '/etc/incident-bridge/incident-bridge.yaml']);
    expect(Object.keys(image.Config.ExposedPorts)).toEqual(['9095/tcp']);
    expect(Object.keys(image.Config.Volumes)).toEqual(['/var/lib/incident-bridge']);
    expect(image.Healthcheck?.Test.slice(0, 2)).toEqual(['CMD', 'node']);
    expect(image.Healthcheck?.Test[3]).toContain('http://127.0.0.1:9095/-/ready');
    expect(image.Healthcheck?.Retries).toBe(3);
  });

  test('started from its own files as the image starts it: healthy, takes an authenticated webhook, refuses one without', async () => {
    root = path.join(work, 'root');
    mkdirSync(root);
    const container = (await run('podman', ['create', IMAGE])).stdout.trim();
    try {
      await run('bash', ['-c', `podman export ${container} | tar -x -C ${root}`], { maxBuffer: 1 << 24 });
    } finally {
      await run('podman', ['rm', '-f', container]);
    }
    for (const [what, args] of [
      ['proc', ['-t', 'proc', 'proc']],
      ['dev', ['--bind', '/dev']],
    ] as const) {
      const at = path.join(root, what);
      mkdirSync(at, { recursive: true });
      await run('mount', [...args, at]);
      mounted.push(at);
    }
    const env = Object.fromEntries(image.Config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const uid = '10001:10001';
    // The image's command, on loopback: a test listens on 127.0.0.1 only (the health check asks there).
    const argv = [...image.Config.Entrypoint, ...image.Config.Cmd, '--listen', '127.0.0.1:9095'];
    daemon = spawn('chroot', [`--userspec=${uid}`, root, ...argv], { env: { ...env, ...TOKENS }, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    daemon.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    daemon.stderr!.on('data', (c: Buffer) => (output += c.toString()));

    const health = image.Healthcheck!.Test.slice(1);
    const healthy = async (): Promise<boolean> =>
      run('chroot', [`--userspec=${uid}`, root, ...health], { env }).then(
        () => true,
        () => false,
      );
    let ok = false;
    for (let i = 0; i < 150 && !ok && daemon.exitCode === null; i++) {
      ok = await healthy();
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect({ healthy: ok, exit: daemon.exitCode, output: ok ? '' : output }).toEqual({ healthy: true, exit: null, output: '' });

    const body = {
      version: '4',
      status: 'firing',
      receiver: 'incident-bridge',
      groupKey: '{}:{alertname="BlackboxProbeFailed"}',
      alerts: [{ status: 'firing', labels: { alertname: 'BlackboxProbeFailed', instance: 'https://checkout.example.net/health' }, annotations: {}, startsAt: '2026-05-04T09:59:00Z', fingerprint: 'f1' }],
    };
    const url = 'http://127.0.0.1:9095/webhooks/alertmanager';
    const refused = await axios.post(url, body, { validateStatus: () => true });
    expect(refused.status).toBe(401);
    const stored = await axios.post(url, body, { headers: { authorization: `Bearer ${TOKENS.INCIDENT_BRIDGE_ALERTMANAGER_TOKEN}` }, validateStatus: () => true });
    expect(stored.status).toBe(200);

    const db = path.join(root, 'var/lib/incident-bridge/incident-bridge.db');
    expect(existsSync(db)).toBe(true);
    expect(statSync(db).uid).toBe(10001);

    daemon.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => (daemon!.exitCode !== null ? resolve(daemon!.exitCode) : daemon!.once('exit', (c) => resolve(c))));
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
  });
});
