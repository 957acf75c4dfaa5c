'use strict';

/*
 * Child processes of the benchmark: the incident-bridge daemon and, for comparison, a real
 * Alertmanager. Each runs in its own process, listens on 127.0.0.1 only, and is tracked so that
 * it is killed when the benchmark ends, whether it succeeded or not.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const YAML = require('yaml');

const REPO = path.resolve(__dirname, '..');
const live = new Set();

/** A port free on 127.0.0.1 right now (the kernel picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function httpRequest(method, url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body ? { 'content-type': 'application/json' } : {}, timeout: 5000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns a tracked child; keeps the tail of its output for error messages. The child is killed
 * when the benchmark process exits for any reason.
 */
function startChild(name, command, args, options) {
  const { ipc, ...spawnOptions } = options || {};
  // With `ipc`, the child gets a message channel (process.send) besides its output.
  const child = spawn(command, args, { ...spawnOptions, stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'] });
  const handle = { name, child, output: '', exited: null };
  const keep = (chunk) => {
    handle.output = (handle.output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  handle.exitedPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      handle.exited = { code, signal };
      live.delete(handle);
      resolve(handle.exited);
    });
    child.once('error', (error) => {
      handle.exited = { code: null, signal: null, error };
      live.delete(handle);
      resolve(handle.exited);
    });
  });
  live.add(handle);
  return handle;
}

/** Polls `url` every `pollMs` until it answers 200, the child exits, or the timeout passes. */
async function waitReady(handle, url, timeoutMs, pollMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (handle.exited) {
      throw new Error(`${handle.name} exited before it was ready (${JSON.stringify(handle.exited)}):\n${handle.output}`);
    }
    try {
      const res = await httpRequest('GET', url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${handle.name} not ready at ${url} after ${timeoutMs} ms:\n${handle.output}`);
    await sleep(pollMs);
  }
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
async function stopChild(handle, graceMs = 10_000) {
  if (handle.exited) return handle.exited;
  handle.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!handle.exited) handle.child.kill('SIGKILL');
  }, graceMs);
  const result = await handle.exitedPromise;
  clearTimeout(timer);
  return result;
}

/** Kills every child still running, synchronously (safe in an 'exit' handler). */
function killAll() {
  for (const handle of live) {
    try {
      handle.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Writes a daemon config in `dir`, shaped as config/incident-bridge.yaml: the repository's own
 * config with absolute paths to the store and the rules, one unauthenticated `alertmanager`
 * source, no notification channels and no customers, and the log level from
 * INCIDENT_BRIDGE_LOG_LEVEL (warn by default). `configure(doc)`
 * may change the YAML document further (e.g. add notification channels).
 */
function writeDaemonConfig(dir, { listen, dbFile, configure }) {
  const source = path.join(REPO, 'config', 'incident-bridge.yaml');
  const doc = YAML.parseDocument(fs.readFileSync(source, 'utf8'));
  if (doc.errors.length > 0) throw new Error(`cannot parse ${source}: ${doc.errors[0].message}`);
  doc.set('listen', listen);
  doc.setIn(['store', 'path'], dbFile);
  doc.setIn(['rules', 'dir'], path.join(REPO, 'rules'));
  doc.set('sources', doc.createNode([{ name: 'alertmanager', type: 'alertmanager' }]));
  doc.setIn(['log', 'level'], '${INCIDENT_BRIDGE_LOG_LEVEL:-warn}');
  // The example's channels (the customers' webhooks) and customers are not part of a measurement;
  // a scenario that measures notifications adds its own channels.
  doc.setIn(['notifications', 'channels'], doc.createNode([]));
  doc.delete('customers');
  if (configure) configure(doc);
  const file = path.join(dir, 'incident-bridge.yaml');
  fs.writeFileSync(file, doc.toString());
  return file;
}

/**
 * Starts `node dist/main.js serve` on a fresh port, with a fresh store file in `dir` unless
 * `options.dbFile` names one. Options: `configure(doc)` edits the config (see writeDaemonConfig),
 * `nodeArgs` go before the script (e.g. --cpu-prof), `env` adds to its environment (e.g. the
 * tokens a configured person's `${VAR}` names), `pollMs` is how often readiness is polled,
 * `timeoutMs` how long it may take. `startedToReadyMs` is the time from the spawn to the first
 * 200 of /-/ready, as precise as `pollMs`.
 */
async function startDaemon(dir, options = {}) {
  const main = path.join(REPO, 'dist', 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const dbFile = options.dbFile || path.join(dir, 'incident-bridge.db');
  const config = writeDaemonConfig(dir, { listen, dbFile, configure: options.configure });
  const args = [...(options.nodeArgs || []), main, 'serve', '--config', config, '--listen', listen, '--db', dbFile];
  const spawnedAt = process.hrtime.bigint();
  const handle = startChild('incident-bridge', process.execPath, args, {
    cwd: options.cwd || REPO,
    env: { ...process.env, INCIDENT_BRIDGE_LOG_LEVEL: process.env.INCIDENT_BRIDGE_LOG_LEVEL || 'warn', ...options.env },
  });
  const url = `http://${listen}`;
  await waitReady(handle, `${url}/-/ready`, options.timeoutMs || 20_000, options.pollMs || 50);
  const startedToReadyMs = Number(process.hrtime.bigint() - spawnedAt) / 1e6;
  return { handle, url, dbFile, config, startedToReadyMs };
}

const ALERTMANAGER_BIN = process.env.BENCH_ALERTMANAGER_BIN || '/usr/bin/prometheus-alertmanager';

/** Whether a runnable Alertmanager binary is present. */
function alertmanagerAvailable() {
  try {
    fs.accessSync(ALERTMANAGER_BIN, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts Alertmanager alone (no cluster), with a route that notifies nobody, storage in `dir`
 * and its web API on a fresh 127.0.0.1 port.
 */
async function startAlertmanager(dir) {
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const config = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(
    config,
    [
      'route:',
      '  receiver: blackhole',
      '  group_by: [alertname, cluster]',
      'receivers:',
      '  - name: blackhole',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const handle = startChild('alertmanager', ALERTMANAGER_BIN, [
    `--config.file=${config}`,
    `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ], { cwd: dir, env: process.env });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(handle, `${url}/-/ready`, 20_000);
  return { handle, url };
}

async function alertmanagerVersion() {
  return new Promise((resolve) => {
    const child = spawn(ALERTMANAGER_BIN, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', () => resolve(null));
    child.on('exit', () => resolve((out.match(/version (\S+)/) || [])[1] || null));
  });
}

module.exports = {
  REPO,
  httpRequest,
  startChild,
  freePort,
  sleep,
  startDaemon,
  startAlertmanager,
  alertmanagerAvailable,
  alertmanagerVersion,
  stopChild,
  killAll,
};
