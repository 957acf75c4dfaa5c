import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_DIR, RULES_DIR } from '../../helpers/fixtures';
import { request } from './http-client';

/** The built daemon; the npm scripts build it before the reliability tests run. */
export const DAEMON_MAIN = path.join(REPO_DIR, 'dist', 'main.js');

/** A temporary directory for one test: its config, its store and its request ledger. */
export interface Workspace {
  dir: string;
  dbFile: string;
  configFile: string;
  /** Removes the directory, unless the test failed and KEEP is wanted for inspection. */
  cleanup(keep: boolean): void;
}

/** Writes a config with the three example sources, the repository's rules and `extraYaml`. */
export function createWorkspace(name: string, extraYaml = ''): Workspace {
  const dir = mkdtempSync(path.join(os.tmpdir(), `incident-bridge-reliability-${name}-`));
  const dbFile = path.join(dir, 'incidents.db');
  const configFile = path.join(dir, 'incident-bridge.yaml');
  writeFileSync(
    configFile,
    [
      'listen: 127.0.0.1:9095',
      'sources:',
      '  - { name: alertmanager, type: alertmanager }',
      '  - { name: grafana, type: grafana }',
      '  - { name: zabbix, type: zabbix }',
      `rules: { dir: ${JSON.stringify(RULES_DIR)} }`,
      `store: { path: ${JSON.stringify(dbFile)} }`,
      'log: { level: warn }',
      extraYaml,
      '',
    ].join('\n'),
  );
  return {
    dir,
    dbFile,
    configFile,
    cleanup(keep) {
      if (keep) process.stdout.write(`kept ${dir} for inspection\n`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port that is free on 127.0.0.1 right now; the daemon binds it again after each restart. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One run of `node dist/main.js serve` as a child process. */
export interface Daemon {
  child: ChildProcess;
  pid: number;
  url: string;
  /** The last 16 KB of its stdout and stderr. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** Resolves once GET /-/ready answers 200; rejects when the daemon exits first or after `timeoutMs`. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** SIGKILL: no handler runs, nothing is flushed. */
  kill9(): Promise<void>;
  /** SIGTERM and wait; SIGKILL after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** Resident set size from /proc/<pid>/status, in bytes. */
  rssBytes(): number;
  /** The resident set by kind, in bytes: anonymous (heaps, malloc), file-backed and shared memory. */
  rssParts(): { anon: number; file: number; shmem: number };
}

/** Options of a daemon run: its workspace, port, extra node flags (a preload) and environment. */
export interface DaemonOptions {
  workspace: Workspace;
  port: number;
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  ipc?: boolean;
}

/** Starts the daemon; it listens on `port` and stores in the workspace's file. */
export function startDaemon(options: DaemonOptions): Daemon {
  const { workspace, port } = options;
  const args = [...(options.nodeArgs ?? []), DAEMON_MAIN, 'serve', '--config', workspace.configFile, '--listen', `127.0.0.1:${port}`, '--db', workspace.dbFile];
  const child = spawn(process.execPath, args, {
    cwd: workspace.dir,
    env: { ...process.env, ...options.env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    pid: child.pid as number,
    url,
    output: () => tail,
    exited,
    hasExited: () => done,
    async waitReady(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (done) throw new Error(`daemon exited before it was ready:\n${tail}`);
        const res = await request(`${url}/-/ready`, { method: 'GET', timeoutMs: 2000 });
        if (res.status === 200) return;
        if (Date.now() > deadline) throw new Error(`daemon not ready after ${timeoutMs} ms:\n${tail}`);
        await sleep(20);
      }
    },
    async kill9() {
      if (!done) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 10_000) {
      if (!done) child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!done) child.kill('SIGKILL');
      }, graceMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      if (!m) throw new Error('no VmRSS in /proc status');
      return Number(m[1]) * 1024;
    },
    rssParts() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      return { anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
    },
  };
}

/** Size of a file in bytes, 0 when it does not exist (the WAL after a clean close). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Waits `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** GET /metrics parsed into `{ "name{labels}": value }`. */
export async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const res = await request(`${url}/metrics`, { method: 'GET', timeoutMs: 10_000 });
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status ?? res.error}`);
  const samples = new Map<string, number>();
  for (const line of res.body.toString('utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    samples.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return samples;
}
