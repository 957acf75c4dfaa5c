import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** Where Debian's `prometheus-alertmanager` package installs the binary; `ALERTMANAGER_BIN` overrides it. */
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LIMIT_CHARS = 64 * 1024;

/** An alert as Alertmanager's `POST /api/v2/alerts` takes it; times are ISO 8601. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** Timing of the single route; Alertmanager durations such as `1s`. */
export interface RouteTiming {
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

/** A running Alertmanager on a loopback port, with its log kept for failure messages. */
export interface AlertmanagerProcess {
  readonly url: string;
  /** Posts alerts to `/api/v2/alerts`; throws with Alertmanager's answer unless it is 2xx. */
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** The last 64 KiB of Alertmanager's stdout and stderr. */
  logs(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/** How long `eventually` polls, how often, and what ends the wait early. */
export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Checked before each probe; an error here (say, the process died) ends the wait at once. */
  abort?: () => Error | null;
}

/**
 * Polls `probe` every `intervalMs` until it returns a value other than undefined, and returns it.
 * Throws after `timeoutMs` with `what` and the last error the probe threw.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, options: PollOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw aborted;
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

/** alertmanager.yml with one route to one webhook receiver that also sends resolutions. */
export function alertmanagerConfig(webhookUrl: string, timing: RouteTiming, bearerToken?: string): string {
  // JSON strings are valid YAML scalars, so the URL needs no further quoting.
  return [
    'route:',
    '  receiver: incident-bridge',
    '  group_by: [alertname]',
    `  group_wait: ${timing.groupWait}`,
    `  group_interval: ${timing.groupInterval}`,
    `  repeat_interval: ${timing.repeatInterval}`,
    'receivers:',
    '  - name: incident-bridge',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(webhookUrl)}`,
    '        send_resolved: true',
    ...(bearerToken ? ['        http_config:', '          authorization:', '            type: Bearer', `            credentials: ${JSON.stringify(bearerToken)}`] : []),
    '',
  ].join('\n');
}

/**
 * Starts the real Alertmanager binary in `dir` (config and storage), clustering off, on a free
 * loopback port, and resolves once `GET /-/ready` answers 200. Throws when the binary is missing
 * rather than letting the caller skip: the end-to-end check must not pass without it.
 */
export async function startAlertmanager(options: { dir: string; webhookUrl: string; timing: RouteTiming; bearerToken?: string }): Promise<AlertmanagerProcess> {
  try {
    accessSync(ALERTMANAGER_BIN, constants.X_OK);
  } catch {
    throw new Error(
      `Alertmanager binary not found or not executable at ${ALERTMANAGER_BIN}. ` +
        'Install it with `apt-get install prometheus-alertmanager` or set ALERTMANAGER_BIN to its path.',
    );
  }
  const configFile = path.join(options.dir, 'alertmanager.yml');
  writeFileSync(configFile, alertmanagerConfig(options.webhookUrl, options.timing, options.bearerToken));

  // The port is chosen before Alertmanager binds it, so another process may take it in between: retry then.
  let lastFailure: Error | null = null;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freeLoopbackPort();
    try {
      return await launch(configFile, options.dir, port);
    } catch (error) {
      lastFailure = error as Error;
      if (!/address already in use/i.test(lastFailure.message)) throw lastFailure;
    }
  }
  throw lastFailure as Error;
}

async function launch(configFile: string, dir: string, port: number): Promise<AlertmanagerProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}/`,
      // Empty turns the gossip cluster off; otherwise Alertmanager binds 0.0.0.0:9094 and waits for peers.
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const append = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-LOG_LIMIT_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exitError: Error | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      exitError ??= error;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exitError ??= new Error(`Alertmanager exited (code ${code}, signal ${signal})`);
      resolve();
    });
  });

  const handle: AlertmanagerProcess = {
    url,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${text}`);
    },
    logs: () => log,
    stop: () => stopProcess(child, exited),
  };

  try {
    await eventually(
      `Alertmanager ready at ${url}`,
      async () => {
        const res = await fetch(`${url}/-/ready`);
        await res.text();
        return res.status === 200 ? true : undefined;
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 100, abort: () => exitError },
    );
  } catch (error) {
    await handle.stop();
    throw new Error(`${(error as Error).message}\n--- alertmanager log ---\n${log}`, { cause: error });
  }
  return handle;
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, STOP_TIMEOUT_MS);
  });
  await Promise.race([exited, forced]);
  clearTimeout(timer);
  await exited;
}
