'use strict';

/*
 * What the benchmark reads from the process under test besides response times: the daemon's
 * own Prometheus metrics (incident events, group-commit batch sizes, ingest time), the CPU time
 * of a child process (from /proc, Linux only), and what ended up in the SQLite store.
 */

const fs = require('node:fs');
const { httpRequest } = require('./processes');

/** GET /metrics parsed into {"name{labels}": value}; null when the daemon has no metrics. */
async function scrapeMetrics(baseUrl) {
  try {
    const res = await httpRequest('GET', `${baseUrl}/metrics`);
    if (res.status !== 200) return null;
    const samples = {};
    for (const line of res.body.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const i = line.lastIndexOf(' ');
      const value = Number(line.slice(i + 1));
      if (Number.isFinite(value)) samples[line.slice(0, i)] = value;
    }
    return samples;
  } catch {
    return null;
  }
}

function sumOf(samples, name, filter = () => true) {
  if (!samples) return 0;
  let total = 0;
  for (const [key, value] of Object.entries(samples)) {
    const brace = key.indexOf('{');
    const metric = brace < 0 ? key : key.slice(0, brace);
    if (metric === name && filter(brace < 0 ? '' : key.slice(brace))) total += value;
  }
  return total;
}

/** Increase of a few daemon metrics over the measured phase. */
function metricsDelta(before, after, durationS) {
  if (!before || !after) return null;
  const d = (name, filter) => sumOf(after, name, filter) - sumOf(before, name, filter);
  const events = {};
  for (const kind of ['opened', 'attached', 'reopened', 'resolved']) events[kind] = d('incident_bridge_incident_events_total', (l) => l.includes(`event="${kind}"`));
  const batches = d('incident_bridge_commit_batch_webhooks_count');
  const batchedWebhooks = d('incident_bridge_commit_batch_webhooks_sum');
  const ingestCount = d('incident_bridge_ingest_duration_seconds_count');
  const ingestSum = d('incident_bridge_ingest_duration_seconds_sum');
  const cpu = d('incident_bridge_process_cpu_seconds_total');
  return {
    incidentEvents: events,
    alertsReceived: {
      firing: d('incident_bridge_alerts_received_total', (l) => l.includes('status="firing"')),
      resolved: d('incident_bridge_alerts_received_total', (l) => l.includes('status="resolved"')),
    },
    rejections: d('incident_bridge_webhook_rejections_total'),
    commits: batches,
    commitsPerS: batches / durationS,
    meanWebhooksPerCommit: batches > 0 ? batchedWebhooks / batches : null,
    meanIngestMs: ingestCount > 0 ? (ingestSum / ingestCount) * 1000 : null,
    cpuCoresFromMetrics: cpu > 0 ? cpu / durationS : null,
    eventLoopLagP99Ms: after.incident_bridge_nodejs_eventloop_lag_p99_seconds !== undefined ? after.incident_bridge_nodejs_eventloop_lag_p99_seconds * 1000 : null,
    residentMiB: after.incident_bridge_process_resident_memory_bytes !== undefined ? after.incident_bridge_process_resident_memory_bytes / 2 ** 20 : null,
  };
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far; null where /proc is unavailable. */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, utime field 14, stime field 15 (1-based).
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return null;
  }
}

/** CPU time of `pid` and of this (load-generating) process, for a delta later. */
function cpuSnapshot(pid) {
  return { at: process.hrtime.bigint(), child: cpuSeconds(pid), self: process.cpuUsage() };
}

/** Cores busy on average between two snapshots: the process under test and the load generator. */
function cpuDelta(before, after) {
  const wallS = Number(after.at - before.at) / 1e9;
  const self = { user: after.self.user - before.self.user, system: after.self.system - before.self.system };
  return {
    serverCores: before.child !== null && after.child !== null ? (after.child - before.child) / wallS : null,
    loadGeneratorCores: (self.user + self.system) / 1e6 / wallS,
  };
}

/** Row counts and file sizes of a (closed) store file. */
function storeStats(dbFile) {
  let Database;
  try {
    Database = require('better-sqlite3');
  } catch {
    return null;
  }
  const size = (f) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const one = (sql) => db.prepare(sql).pluck().get();
    return {
      incidents: one('SELECT COUNT(*) FROM incidents'),
      incidentKeys: one('SELECT COUNT(DISTINCT incident_key) FROM incidents'),
      openIncidents: one("SELECT COUNT(*) FROM incidents WHERE status <> 'resolved'"),
      healthModels: one('SELECT COUNT(DISTINCT health_model) FROM incidents'),
      metrics: one("SELECT COUNT(DISTINCT health_model || '/' || metric) FROM incidents"),
      alertRows: one('SELECT COUNT(*) FROM alerts'),
      timelineRows: one('SELECT COUNT(*) FROM timeline'),
      receipts: one('SELECT COUNT(*) FROM webhook_receipts'),
      fileMiB: +((size(dbFile) + size(`${dbFile}-wal`)) / 2 ** 20).toFixed(1),
    };
  } finally {
    db.close();
  }
}

module.exports = { scrapeMetrics, metricsDelta, cpuSnapshot, cpuDelta, storeStats };
