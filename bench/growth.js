'use strict';

/*
 * Scenarios C (store growth) and D (start to ready), on an empty store and on a large one.
 *
 * C: the ingest rate of 100-alert webhooks (autocannon, closed loop, as scenario 2) and the
 *    latency of `GET /api/v1/incidents?status=open` (sequential requests on one keep-alive
 *    connection, after the ingest phase), first with an empty store, then with a store
 *    pre-filled with a year of history (bench/prefill.js: 1,000,000 incidents and 5,000,000
 *    alerts at full size). Targets: listing p99 under 10 ms; ingest on the large store at least
 *    80% of the empty store's rate.
 * D: the time from spawning `node dist/main.js serve` to the first 200 of `/-/ready`, polled
 *    every few milliseconds, on a new store file (the migrations create it), on that empty
 *    store again, and on the large store. Target: under 1 second.
 *
 * The large store is built once per run: the daemon starts once on a new file (its migrations
 * create the schema) and stops, then the rows go in with better-sqlite3.
 */

const fs = require('node:fs');
const path = require('node:path');
const { createTraffic, webhookBody } = require('./alerts');
const { createAgent, request, summarize } = require('./client');
const { runLoad } = require('./load');
const { prefillStore } = require('./prefill');
const processes = require('./processes');

/** Starts the daemon `times` times on one store file; returns each start-to-ready time. */
async function measureStarts(dir, dbFile, times, pollMs, nodeArgs) {
  const starts = [];
  for (let i = 0; i < times; i++) {
    const daemon = await processes.startDaemon(dir, { dbFile, pollMs, timeoutMs: 120_000, nodeArgs });
    starts.push(daemon.startedToReadyMs);
    await processes.stopChild(daemon.handle);
  }
  return starts;
}

/** Ingest (warm-up, then measured), then the listing latency, on a running daemon. */
async function measureStore(daemon, s) {
  const traffic = createTraffic({ seed: s.seed });
  const common = {
    url: `${daemon.url}/webhooks/alertmanager`,
    connections: s.growthConcurrency,
    rate: null,
    batch: s.batch,
    traffic,
    body: webhookBody,
    accepted: (_status, body) => Number((/"accepted"\s*:\s*(\d+)/.exec(body) || [])[1] || 0),
    seen: new Set(),
  };
  const warmup = s.warmupS > 0 ? await runLoad({ ...common, durationS: s.warmupS }) : null;
  const ingest = await runLoad({ ...common, durationS: s.growthIngestS });
  const agent = createAgent(1);
  const url = `${daemon.url}/api/v1/incidents?status=open`;
  const times = [];
  let failures = 0;
  let returned = null;
  for (let i = 0; i < s.listWarmup + s.listRequests; i++) {
    const r = await request(agent, 'GET', url);
    if (r.status !== 200) failures += 1;
    if (i >= s.listWarmup) times.push(r.ms);
    if (returned === null && r.status === 200) returned = JSON.parse(r.body).incidents.length;
  }
  agent.destroy();
  const errors = (p) => (p ? p.non2xx + p.errors : 0);
  return {
    ingest: {
      durationS: ingest.durationS,
      requestsPerS: ingest.requestsPerS,
      alertsPerS: ingest.alertsPerS,
      latencyMs: ingest.latencyMs,
      failures: errors(warmup) + errors(ingest),
      non2xx: (warmup ? warmup.non2xx : 0) + ingest.non2xx,
      errors: (warmup ? warmup.errors : 0) + ingest.errors,
      timeouts: (warmup ? warmup.timeouts || 0 : 0) + (ingest.timeouts || 0),
      statusCounts: ingest.statusCounts,
      errorSamples: ingest.errorSamples,
    },
    listing: { requests: times.length, incidentsReturned: returned, failures, latencyMs: summarize(times) },
  };
}

/** Runs C and/or D (`which` holds 'C', 'D' or both); `s` holds the benchmark's settings. */
async function runGrowthScenarios(which, s, dir) {
  const out = { sizes: { incidents: s.growthIncidents, alerts: s.growthAlerts, open: s.growthOpen, timelinePerIncident: s.growthTimeline } };
  const startsEach = s.startRuns;

  // The empty store: D's starts on a new and on an existing empty file, then C's measures.
  const emptyDir = path.join(dir, 'empty');
  const emptyDb = path.join(emptyDir, 'incident-bridge.db');
  if (which.includes('D')) {
    out.startEmpty = { newFileMs: await measureStarts(emptyDir, emptyDb, 1, s.startPollMs, s.nodeArgs), existingFileMs: await measureStarts(emptyDir, emptyDb, startsEach, s.startPollMs, s.nodeArgs) };
  }
  if (which.includes('C')) {
    const daemon = await processes.startDaemon(emptyDir, { dbFile: emptyDb, nodeArgs: s.nodeArgs });
    try {
      out.empty = await measureStore(daemon, s);
    } finally {
      out.emptyExit = await processes.stopChild(daemon.handle);
    }
  }

  // The large store: schema from the daemon's migrations, rows from prefill.js.
  const largeDir = path.join(dir, 'large');
  const largeDb = path.join(largeDir, 'incident-bridge.db');
  const schema = await processes.startDaemon(largeDir, { dbFile: largeDb });
  await processes.stopChild(schema.handle);
  out.prefill = prefillStore(largeDb, { incidents: s.growthIncidents, alerts: s.growthAlerts, open: s.growthOpen, timelinePerIncident: s.growthTimeline, seed: s.seed });
  out.prefill.fileMiB = +(fs.statSync(largeDb).size / 2 ** 20).toFixed(0);
  if (which.includes('D')) {
    out.startLarge = { existingFileMs: await measureStarts(largeDir, largeDb, startsEach, s.startPollMs, s.nodeArgs) };
  }
  if (which.includes('C')) {
    const daemon = await processes.startDaemon(largeDir, { dbFile: largeDb, timeoutMs: 120_000, nodeArgs: s.nodeArgs });
    try {
      out.large = await measureStore(daemon, s);
    } finally {
      out.largeExit = await processes.stopChild(daemon.handle);
    }
  }
  out.targets = growthTargets(out, s);
  return out;
}

/** Targets of C and D, each `{scenario, metric, target, value, met}`. */
function growthTargets(out, s) {
  const t = [];
  const fullSize = `${fmtCount(out.sizes.incidents)} incidents, ${fmtCount(out.sizes.alerts)} alerts`;
  if (out.empty) t.push({ scenario: 'C-empty', metric: 'GET ?status=open p99 ms', target: s.listTargetMs, value: out.empty.listing.latencyMs.p99, met: out.empty.listing.latencyMs.p99 < s.listTargetMs });
  if (out.large) {
    t.push({ scenario: 'C-large', metric: `GET ?status=open p99 ms (${fullSize})`, target: s.listTargetMs, value: out.large.listing.latencyMs.p99, met: out.large.listing.latencyMs.p99 < s.listTargetMs });
    const ratio = out.empty ? out.large.ingest.alertsPerS / out.empty.ingest.alertsPerS : null;
    t.push({ scenario: 'C-large', metric: `ingest rate / empty store's (${fullSize})`, target: s.ingestRatioTarget, value: ratio, met: ratio !== null && ratio >= s.ingestRatioTarget, atLeast: true });
  }
  const max = (list) => Math.max(...list);
  if (out.startEmpty) {
    const v = max([...out.startEmpty.newFileMs, ...out.startEmpty.existingFileMs]);
    t.push({ scenario: 'D-empty', metric: 'start to ready ms (max)', target: s.startTargetMs, value: v, met: v < s.startTargetMs });
  }
  if (out.startLarge) {
    const v = max(out.startLarge.existingFileMs);
    t.push({ scenario: 'D-large', metric: `start to ready ms (max; ${fullSize})`, target: s.startTargetMs, value: v, met: v < s.startTargetMs });
  }
  return t;
}

function fmtCount(n) {
  return n >= 1e6 ? `${+(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}k` : String(n);
}

module.exports = { runGrowthScenarios };
