import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app';
import type { App } from '../../src/app';
import { parseConfig } from '../../src/config/load-config';
import type { Clock } from '../../src/core/clock';
import { createLogger } from '../../src/core/logger';
import { callApi } from './api-client';
import { RULES_DIR } from './fixtures';

/** A daemon on 127.0.0.1:0 with a real SQLite file, and HTTP helpers. */
export interface TestApp {
  app: App;
  url: string;
  dir: string;
  dbFile: string;
  post(source: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }>;
  get(pathAndQuery: string): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Any request; a body that is not a string or Buffer is sent as JSON. */
  request(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Stops the app; the store file stays until `cleanup`. */
  stop(): Promise<void>;
  cleanup(): void;
}

/** Options: extra YAML for the config, a rules directory, a clock and an existing store file. */
export interface TestAppOptions {
  clock?: Clock;
  configYaml?: string;
  rulesDir?: string;
  dbFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Watch the rules directory (debounced 50 ms) as the daemon does; off by default. */
  watchRules?: boolean;
  /** Let the app build its own logger (secrets masked), writing to this stream; silent otherwise. */
  logStream?: NodeJS.WritableStream;
}

const BASE_CONFIG = `
listen: 127.0.0.1:0
sources:
  - name: alertmanager
    type: alertmanager
`;

/** Starts a daemon for one test; each test gets its own app, store, clock and registry. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.dbFile ? path.dirname(options.dbFile) : mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-test-'));
  const dbFile = options.dbFile ?? path.join(dir, 'incidents.db');
  const yaml = `${options.configYaml ?? BASE_CONFIG}\nstore:\n  path: ${JSON.stringify(dbFile)}\nrules:\n  dir: ${JSON.stringify(options.rulesDir ?? RULES_DIR)}\n`;
  const config = parseConfig(path.join(dir, 'incident-bridge.yaml'), yaml, {}, options.env ?? {});
  const app = createApp({
    config,
    timers: false,
    watchRules: options.watchRules ?? false,
    watchDebounceMs: 50,
    ...(options.logStream ? { logStream: options.logStream } : { logger: createLogger({ silent: true }) }),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await app.start();
  const url = app.url();
  const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const { status, json } = await callApi(url, method, p, { headers, body });
    return { status, json };
  };
  return {
    app,
    url,
    dir,
    dbFile,
    post: (source, body, headers) => call('POST', `/webhooks/${source}`, body, headers),
    get: (p) => call('GET', p),
    request: call,
    stop: () => app.stop(),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
