'use strict';

/*
 * Scenario B, an alert storm: a large number of alerts (1,000,000 by default) over 10,000
 * distinct alerts and 500 incident keys, firing and resolving, sent as 100-alert webhooks as
 * fast as the daemon takes them. Measures wall time, alerts/s and the daemon's peak resident
 * memory, then checks the store against the state the traffic must leave.
 *
 * The alerts: 500 hosts, each one incident key (shop-infrastructure/host-resources or
 * disk-space, both grouped by instance), with 20 alerts each (CPU and memory alerts per core,
 * or disk alerts per mount point). A webhook carries the 100 alerts of 5 hosts, always the same
 * 5 (one Alertmanager group), and a group is never in flight twice: so each key's alerts reach
 * the daemon in the order they were sent, and the final state of every key is known exactly.
 *
 * A host is sick or healthy, and turns from one to the other with a chance of 30% at each of its
 * webhooks. While it is sick each of its alerts runs the state machine of bench/alerts.js:
 * firing (60% stays firing, a repeat; 40% resolves), resolved (85% fires again, a new
 * activation; else the resolve is sent again). Once it is healthy, its firing alerts resolve and
 * resolved ones are sent again as they are, so its incident resolves, to reopen later.
 * Times come from a logical clock (one millisecond per alert sent, starting two hours ago), so
 * activations are strictly ordered and a key firing again after it resolved is always within
 * the reopen window: every key has exactly one incident, reopened as often as it resolved and
 * fired again.
 *
 * Expected per key: one incident; status `resolved` when none of its alerts fires at the end,
 * else `open`; firing_count = its alerts firing; alert_count = its alerts that ever fired;
 * delivery_count = every delivery of its alerts; reopen_count = its resolved-then-firing turns.
 */

const fs = require('node:fs');
const { fingerprint, prng, webhookBody } = require('./alerts');
const { classifyLabels } = require('./classify');
const { createAgent, request, summarize } = require('./client');
const processes = require('./processes');

const KEYS = 500;
const ALERTS_PER_KEY = 20;
const KEYS_PER_GROUP = 5;

function buildStorm() {
  const keys = [];
  for (let k = 0; k < KEYS; k++) {
    const cluster = k % 2 === 0 ? 'prod-eu1' : 'prod-us1';
    const instance = `storm-${String(k).padStart(3, '0')}.${cluster}.example.net:9100`;
    const disk = k % 4 === 3;
    const alerts = [];
    for (let j = 0; j < ALERTS_PER_KEY; j++) {
      const labels = disk
        ? { alertname: 'HostOutOfDiskSpace', cluster, device: `/dev/vd${String.fromCharCode(98 + j)}1`, fstype: 'ext4', instance, job: 'node-exporter', mountpoint: `/data${j}`, prometheus: 'monitoring/k8s', severity: 'warning' }
        : { alertname: j % 2 === 0 ? 'HostHighCpuLoad' : 'HostOutOfMemory', cluster, cpu: String(j >> 1), instance, job: 'node-exporter', prometheus: 'monitoring/k8s', severity: 'warning' };
      const sorted = {};
      for (const name of Object.keys(labels).sort()) sorted[name] = labels[name];
      alerts.push({
        series: { labels: sorted, fingerprint: fingerprint(sorted), generatorURL: `https://prometheus.${cluster}.example.net/graph?g0.expr=${disk ? 'node_filesystem_avail_bytes' : 'node_cpu_seconds_total'}` },
        firing: false,
        startsAt: 0,
        endsAt: 0,
        everFired: false,
      });
    }
    const key = classifyLabels(alerts[0].series.labels).key;
    for (const a of alerts) {
      const other = classifyLabels(a.series.labels).key;
      if (other !== key) throw new Error(`storm alerts of one host map to two keys: ${key} and ${other}`);
    }
    keys.push({ key, cluster, alerts, sick: null, expected: { incidents: 0, firing: 0, alertCount: 0, deliveries: 0, reopens: 0 } });
  }
  if (new Set(keys.map((k) => k.key)).size !== KEYS) throw new Error('storm keys are not distinct');
  const groups = [];
  for (let g = 0; g < KEYS / KEYS_PER_GROUP; g++) groups.push(keys.slice(g * KEYS_PER_GROUP, (g + 1) * KEYS_PER_GROUP));
  return { keys, groups };
}

/** Advances every alert of a group one step; returns the webhook body and updates the expectations. */
function nextBody(group, clock, random) {
  const alerts = [];
  for (const k of group) {
    const e = k.expected;
    // A host turns sick or healthy again now and then (30% per webhook): while it is sick its
    // alerts fire and resolve; once it is healthy they all resolve, and its incident with them.
    if (k.sick === null) k.sick = true;
    else if (random() < 0.3) k.sick = !k.sick;
    for (const a of k.alerts) {
      const t = clock.tick();
      const r = random();
      if (!k.sick) {
        if (a.firing) {
          a.firing = false;
          a.endsAt = t;
          e.firing -= 1;
        }
      } else if (a.startsAt === 0 || (!a.firing && r < 0.85)) {
        // A new activation that fires: opens the key's incident, or reopens it, or attaches.
        if (e.incidents === 0) e.incidents = 1;
        else if (e.firing === 0) e.reopens += 1;
        a.firing = true;
        a.startsAt = t;
        a.endsAt = 0;
        e.firing += 1;
        if (!a.everFired) e.alertCount += 1;
        a.everFired = true;
      } else if (a.firing && r >= 0.6) {
        a.firing = false;
        a.endsAt = t;
        e.firing -= 1;
      }
      // Otherwise a repeat of the current state (firing, or resolved again).
      e.deliveries += 1;
      alerts.push({
        series: a.series,
        status: a.firing ? 'firing' : 'resolved',
        // Unique per delivery, so no webhook is ever a replay of an earlier one.
        annotations: { description: `reading ${clock.seq()} on ${a.series.labels.instance}`, summary: a.series.labels.alertname },
        startsAt: a.startsAt,
        endsAt: a.firing ? 0 : a.endsAt,
      });
    }
  }
  return webhookBody({ cluster: group[0].cluster, alerts });
}

function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) : null;
    };
    return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
  } catch {
    return { rssKiB: null, hwmKiB: null };
  }
}

/** What the store holds per incident key, read from the closed file. */
function storeByKey(dbFile) {
  const Database = require('better-sqlite3');
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT incident_key AS key, status, alert_count, firing_count, delivery_count, reopen_count FROM incidents ORDER BY id').all();
    const alertRows = db.prepare('SELECT COUNT(*) FROM alerts').pluck().get();
    return { rows, alertRows };
  } finally {
    db.close();
  }
}

/** Compares the store with the expectations; returns a list of differences (empty when exact). */
function checkStore(keys, store) {
  const diffs = [];
  const byKey = new Map();
  for (const r of store.rows) {
    if (!byKey.has(r.key)) byKey.set(r.key, []);
    byKey.get(r.key).push(r);
  }
  for (const k of keys) {
    const e = k.expected;
    const rows = byKey.get(k.key) || [];
    byKey.delete(k.key);
    if (rows.length !== e.incidents) {
      diffs.push(`${k.key}: ${rows.length} incidents, expected ${e.incidents}`);
      continue;
    }
    if (rows.length === 0) continue;
    const r = rows[0];
    const want = { status: e.firing > 0 ? 'open' : 'resolved', alert_count: e.alertCount, firing_count: e.firing, delivery_count: e.deliveries, reopen_count: e.reopens };
    for (const [field, value] of Object.entries(want)) {
      if (r[field] !== value) diffs.push(`${k.key}: ${field} ${r[field]}, expected ${value}`);
    }
  }
  for (const key of byKey.keys()) diffs.push(`${key}: an incident the storm never asked for`);
  return diffs;
}

/** Runs scenario B; `s` holds the benchmark's settings. */
async function runStormScenario(s, dir) {
  const { keys, groups } = buildStorm();
  const random = prng(s.seed);
  let logical = Date.now() - 2 * 3_600_000;
  let seq = 0;
  const clock = { tick: () => ++logical, seq: () => ++seq };
  const webhooks = Math.ceil(s.stormAlerts / (KEYS_PER_GROUP * ALERTS_PER_KEY));
  const daemon = await processes.startDaemon(dir, { nodeArgs: s.nodeArgs });
  const pid = daemon.handle.child.pid;
  const agent = createAgent(s.stormConcurrency);
  const url = `${daemon.url}/webhooks/alertmanager`;
  const free = groups.map((_g, i) => i);
  const latencies = [];
  const failures = [];
  let sent = 0;
  let accepted = 0;
  let peakRssKiB = 0;
  const sampler = setInterval(() => {
    const m = memoryOf(pid);
    if (m.rssKiB !== null) peakRssKiB = Math.max(peakRssKiB, m.rssKiB);
  }, 200);
  const started = performance.now();
  try {
    async function worker() {
      while (sent < webhooks) {
        sent += 1;
        // Never two webhooks of one group in flight: its keys see their alerts in order.
        const g = free.shift();
        const body = nextBody(groups[g], clock, random);
        try {
          const r = await request(agent, 'POST', url, body);
          latencies.push(r.ms);
          if (r.status === 200) accepted += Number((/"accepted"\s*:\s*(\d+)/.exec(r.body) || [])[1] || 0);
          else if (failures.length < 5) failures.push(`${r.status} ${r.body.slice(0, 300)}`);
          else failures.push(null);
        } catch (error) {
          failures.push(String(error.message || error));
        } finally {
          free.push(g);
        }
      }
    }
    await Promise.all(Array.from({ length: s.stormConcurrency }, worker));
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  const wallS = (performance.now() - started) / 1000;
  const memory = memoryOf(pid);
  const exit = await processes.stopChild(daemon.handle);
  let diffs;
  let store = null;
  const checkStarted = performance.now();
  try {
    store = storeByKey(daemon.dbFile);
    diffs = checkStore(keys, store);
  } catch (error) {
    diffs = [`cannot read the store: ${error.message}`];
  }
  const peakKiB = Math.max(peakRssKiB, memory.hwmKiB || 0);
  const expectedOpen = keys.filter((k) => k.expected.firing > 0).length;
  const alertsSent = sent * KEYS_PER_GROUP * ALERTS_PER_KEY;
  return {
    alertsSent,
    webhooks: sent,
    distinctAlerts: KEYS * ALERTS_PER_KEY,
    incidentKeys: KEYS,
    concurrency: s.stormConcurrency,
    wallS,
    alertsAccepted: accepted,
    alertsPerS: accepted / wallS,
    webhookMs: summarize(latencies),
    failures: failures.length,
    failureSamples: failures.filter(Boolean).slice(0, 5),
    peakRssMiB: peakKiB > 0 ? peakKiB / 1024 : null,
    sampledPeakRssMiB: peakRssKiB / 1024,
    vmHwmMiB: memory.hwmKiB === null ? null : memory.hwmKiB / 1024,
    rssAtEndMiB: memory.rssKiB === null ? null : memory.rssKiB / 1024,
    rssTargetMiB: s.stormRssTargetMiB,
    expected: { incidents: keys.filter((k) => k.expected.incidents > 0).length, open: expectedOpen, reopens: keys.reduce((n, k) => n + k.expected.reopens, 0) },
    store: store && { incidents: store.rows.length, open: store.rows.filter((r) => r.status !== 'resolved').length, alertRows: store.alertRows },
    storeMatches: diffs.length === 0,
    storeDifferences: diffs.length,
    storeDifferenceSamples: diffs.slice(0, 10),
    checkMs: performance.now() - checkStarted,
    exit: exit && { code: exit.code, signal: exit.signal },
    daemonOutput: daemon.handle.output.trim().slice(-2000) || null,
  };
}

module.exports = { runStormScenario };
