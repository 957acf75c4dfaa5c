'use strict';

/*
 * incident-bridge benchmark (`npm run bench`).
 *
 * Starts the built daemon (dist/main.js) as a child process with a fresh SQLite file on disk for
 * every scenario, drives Alertmanager webhooks at it with autocannon from this process, and
 * optionally pushes the same alerts to a real Alertmanager for comparison. Prints a table and
 * writes bench/results/latest.json.
 *
 * Scenarios:
 *   1. webhooks of 1 alert at concurrency 16 and 64 (throughput, latency);
 *   2. webhooks of 100 alerts at concurrency 16 and 64;
 *   3. a fixed rate of 200 webhooks/s of 1 alert (latency; p99 target 20 ms);
 *   A. latency to the support line: webhooks that each open an incident, at 50/s, to the first
 *      delivery attempt of its notification at a `webhook` channel receiver (p99 target 1 s);
 *   B. a storm of 1,000,000 alerts (10,000 distinct, 500 incident keys) in 100-alert webhooks as
 *      fast as taken: alerts/s, peak RSS (target 300 MiB), and the store checked exactly;
 *   C. store growth: ingest rate and GET /api/v1/incidents?status=open latency with an empty
 *      store and a pre-filled one (listing p99 target 10 ms, ingest at least 80% of empty; the
 *      default store is a quarter of the full 1,000,000 incidents and 5,000,000 alerts);
 *   D. start to ready (/-/ready 200) on an empty and on the pre-filled store (target 1 s);
 *   E. people's actions at 50/s (comment, acknowledge, assign, escalate, resolve/reopen over HTTP
 *      with a responder's token) across a pool of open incidents while 200 webhooks/s are
 *      ingested, paced as in 3 (action p99 target 20 ms, ingest p99 target that of 3);
 *   S. the SLA scheduler on 100,000 open incidents with SLA terms: a pass with nothing due
 *      (SlaWorker.runOnce in process, p99 target 5 ms), then 10,000 steps due at once in the
 *      daemon while 1-alert webhooks are ingested beside it (all applied within 5 s; ingest during
 *      the catch-up at least 80% of its rate before). Alone: BENCH_SCENARIOS=S npm run bench.
 *   Q. the quiet's cost: 1-alert webhooks (closed loop) in turn into a daemon without maintenance
 *      windows or silences, and one with 100 windows in its config and 1,000 silences made through
 *      the API, none covering the load (ingest with them at least 90% of without); optionally a
 *      third with a silence that covers a third of the load. Alone: BENCH_SCENARIOS=Q npm run bench.
 *   P. moving up: `incident-bridge copy` of a SQLite store of 100,000 open incidents into an empty
 *      PostgreSQL database (a throwaway cluster of Debian's postgresql, or INCIDENT_BRIDGE_TEST_PG_URL);
 *      the time it took, and every table's rows counted on both sides (bench/copy.js). No target.
 *      Alone: BENCH_SCENARIOS=P npm run bench.
 *   W. the console in headless Chromium (/usr/bin/chromium or BENCH_CHROMIUM): the queue with
 *      10,000 open incidents interactive within 1 s; 50 browsers on the live stream while
 *      webhooks go in at BENCH_RATE/s, each change seen within 1 s (bench/console.js).
 *   R. the monthly report over 1,000,000 incidents of one month, under 3 s (bench/console.js).
 *
 * Environment (all optional):
 *   BENCH_DURATION_S        measured seconds per scenario (default 10)
 *   BENCH_WARMUP_S          unmeasured warm-up seconds before each (default 2; 0 for none)
 *   BENCH_CONCURRENCY       concurrency levels of scenarios 1 and 2 (default "16,64")
 *   BENCH_BATCH             alerts per webhook of scenario 2 (default 100)
 *   BENCH_RATE              webhooks/s of scenario 3 (default 200)
 *   BENCH_RATE_STREAMS      autocannon instances sharing that rate, one connection each, started
 *                           evenly over a second (default: as many as the rate, so requests
 *                           leave evenly spaced); 1 = a single instance with overallRate over
 *                           BENCH_RATE_CONNECTIONS connections, which sends in bursts
 *   BENCH_RATE_CONNECTIONS  connections of scenario 3 when BENCH_RATE_STREAMS=1 (default 16)
 *   BENCH_P99_TARGET_MS     p99 target of scenario 3 (default 10)
 *   BENCH_SCENARIOS         which scenarios to run, e.g. "1,3,B" (default "1,2,3,A,B,C,D,E,S,Q,P,W,R")
 *   BENCH_CONSOLE_INCIDENTS W: open incidents in the queue (default 10000); BENCH_CONSOLE_LOADS
 *                           page loads (3); BENCH_CONSOLE_BROWSERS pages on the stream (50);
 *                           BENCH_CONSOLE_LIVE_S seconds of webhooks (10)
 *   BENCH_COPY_INCIDENTS    P: open incidents in the store copied (default 100000)
 *   BENCH_REPORT_INCIDENTS  R: incidents in the month (default 1000000); BENCH_REPORT_RUNS (3)
 *   BENCH_NOTIFY_RATE       A: webhooks (new incidents) per second (default 50)
 *   BENCH_NOTIFY_DURATION_S A: measured seconds (default 10; warm-up BENCH_WARMUP_S at the same rate)
 *   BENCH_NOTIFY_TARGET_MS  A: p99 target of webhook sent to first delivery attempt (default 1000)
 *   BENCH_STORM_ALERTS      B: alerts in the storm (default 1000000; a multiple of 100)
 *   BENCH_STORM_CONCURRENCY B: webhooks in flight (default 16)
 *   BENCH_STORM_RSS_MIB     B: peak RSS target in MiB (default 300)
 *   BENCH_GROWTH_INCIDENTS  C, D: incidents of the pre-filled store (default 250000; the full
 *                           size of 1000000 takes about 100 s more to write, and 4.7 GiB of disk)
 *   BENCH_GROWTH_ALERTS     C, D: alert rows of the pre-filled store (default 1250000; full 5000000)
 *   BENCH_GROWTH_OPEN       C, D: of those incidents, how many are not resolved (default 3000)
 *   BENCH_GROWTH_TIMELINE   C, D: timeline rows per pre-filled incident (default 2)
 *   BENCH_GROWTH_INGEST_S   C: measured ingest seconds per store (default 10)
 *   BENCH_LIST_REQUESTS     C: listing requests measured per store (default 200, after 10 unmeasured)
 *   BENCH_LIST_TARGET_MS    C: listing p99 target (default 10)
 *   BENCH_INGEST_RATIO      C: least ingest rate on the large store, as a share of the empty one's (default 0.8)
 *   BENCH_START_RUNS        D: starts measured per store (default 3)
 *   BENCH_START_TARGET_MS   D: start-to-ready target (default 1000)
 *   BENCH_ACTION_RATE       E: actions per second (default 50; webhooks/s are BENCH_RATE, and
 *                           their p99 target BENCH_P99_TARGET_MS, as in scenario 3)
 *   BENCH_ACTION_POOL       E: incidents opened before the run that the actions go round (default 200)
 *   BENCH_ACTION_P99_TARGET_MS  E: action p99 target (default 20)
 *   BENCH_SLA_INCIDENTS     S: open incidents seeded, each with SLA terms and an sla_due row (default 100000)
 *   BENCH_SLA_DUE           S: of those, how many have a step come due at once (default 10000)
 *   BENCH_SLA_PASSES        S: scheduler passes with nothing due measured (default 200, after 10 unmeasured)
 *   BENCH_SLA_PASS_TARGET_MS  S: p99 target of a pass with nothing due (default 5)
 *   BENCH_SLA_APPLY_TARGET_S  S: target from the due moment to every due step applied (default 5)
 *   BENCH_SLA_INGEST_RATIO  S: least ingest rate during the catch-up, as a share of the rate before (default 0.8)
 *   BENCH_SLA_WARMUP_S      S: unmeasured ingest seconds first (default 40: the traffic's first seconds
 *                           open its few hundred incidents, and the rate climbs for about 30 s)
 *   BENCH_SLA_BASELINE_S    S: ingest seconds measured before the due moment (default 5; after the warm-up)
 *   BENCH_SLA_AFTER_S       S: ingest seconds after the due moment (default 10)
 *   BENCH_SLA_CONNECTIONS   S: webhooks of 1 alert in flight, closed loop (default 16)
 *   BENCH_SLA_RATE          S: webhooks/s paced as in 3 instead of the closed loop (default 0: closed loop)
 *   BENCH_SLA_STEP_SAMPLE   S: incidents per priority of the step-cost measure, 4x that for P1 and P2 (default 50; 0 skips it)
 *   BENCH_QUIET_WINDOWS     Q: maintenance windows in the config of (b) (default 100)
 *   BENCH_QUIET_SILENCES    Q: silences created through the API in (b) (default 1000)
 *   BENCH_QUIET_ROUNDS      Q: rounds, each measuring (a), (b) and (c) in turn (default 2)
 *   BENCH_QUIET_WARMUP_S    Q: unmeasured ingest seconds into each daemon first (default 30)
 *   BENCH_QUIET_DURATION_S  Q: measured seconds per daemon and round (default 10)
 *   BENCH_QUIET_CONNECTIONS Q: webhooks of 1 alert in flight, closed loop (default 16)
 *   BENCH_QUIET_INGEST_RATIO  Q: least ingest rate of (b), as a share of (a)'s (default 0.9)
 *   BENCH_QUIET_COVERED     Q: 0 skips (c), the daemon where a silence covers part of the load (default 1)
 *   BENCH_CPU_PROFILE       a directory: every daemon runs with --cpu-prof and writes
 *                           its profile there (slower; for finding where time goes)
 *   BENCH_ALERTMANAGER      0 to skip the Alertmanager comparison (default 1)
 *   BENCH_ALERTMANAGER_BIN  Alertmanager binary (default /usr/bin/prometheus-alertmanager)
 *   BENCH_SEED              traffic seed (default 42)
 *   BENCH_REORDER           1 lets concurrent webhooks carry successive states of one alert, so
 *                           they may be committed out of order (default: in order per alert)
 *   BENCH_TMPDIR            where the per-run temp dir goes (default the OS temp dir)
 *   BENCH_KEEP_TMP          1 to keep the stores and configs after the run
 *   BENCH_STRICT            1 to exit non-zero when the p99 target is missed too
 *   INCIDENT_BRIDGE_LOG_LEVEL  daemon log level (default warn)
 *
 * Exit status: 0 when every request got a 2xx; 1 on any non-2xx, transport error, or failure.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createTraffic, webhookBody, apiBody } = require('./alerts');
const { runLoad } = require('./load');
const processes = require('./processes');
const { scrapeMetrics, metricsDelta, cpuSnapshot, cpuDelta, storeStats } = require('./observe');
const report = require('./report');
const { runNotifyScenario } = require('./notify');
const { runStormScenario } = require('./storm');
const { runGrowthScenarios } = require('./growth');
const { runActionsScenario } = require('./actions');
const { runSlaScenario } = require('./sla');
const { runCopyScenario } = require('./copy');
const { runQuietScenario } = require('./quiet');
const { runConsoleScenario, runReportScenario } = require('./console');

function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

function envList(name, fallback) {
  const raw = process.env[name];
  if (!raw) return fallback;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

function settings() {
  return {
    durationS: envNumber('BENCH_DURATION_S', 10),
    warmupS: envNumber('BENCH_WARMUP_S', 2),
    concurrency: envList('BENCH_CONCURRENCY', ['16', '64']).map(Number),
    batch: envNumber('BENCH_BATCH', 100),
    rate: envNumber('BENCH_RATE', 200),
    rateConnections: envNumber('BENCH_RATE_CONNECTIONS', 16),
    rateStreams: process.env.BENCH_RATE_STREAMS ? envNumber('BENCH_RATE_STREAMS', 1) : null,
    p99TargetMs: envNumber('BENCH_P99_TARGET_MS', 10),
    scenarios: envList('BENCH_SCENARIOS', ['1', '2', '3', 'A', 'B', 'C', 'D', 'E', 'S', 'Q', 'P', 'W', 'R']).map((id) => id.toUpperCase()),
    notifyRate: envNumber('BENCH_NOTIFY_RATE', 50),
    notifyDurationS: envNumber('BENCH_NOTIFY_DURATION_S', 10),
    notifyWaitS: 15,
    notifyTargetMs: envNumber('BENCH_NOTIFY_TARGET_MS', 1000),
    stormAlerts: envNumber('BENCH_STORM_ALERTS', 1_000_000),
    stormConcurrency: envNumber('BENCH_STORM_CONCURRENCY', 16),
    stormRssTargetMiB: envNumber('BENCH_STORM_RSS_MIB', 300),
    growthIncidents: envNumber('BENCH_GROWTH_INCIDENTS', 250_000),
    growthAlerts: envNumber('BENCH_GROWTH_ALERTS', 1_250_000),
    growthOpen: envNumber('BENCH_GROWTH_OPEN', 3000),
    growthTimeline: envNumber('BENCH_GROWTH_TIMELINE', 2),
    growthIngestS: envNumber('BENCH_GROWTH_INGEST_S', 10),
    growthConcurrency: 16,
    listWarmup: 10,
    listRequests: envNumber('BENCH_LIST_REQUESTS', 200),
    listTargetMs: envNumber('BENCH_LIST_TARGET_MS', 10),
    ingestRatioTarget: envNumber('BENCH_INGEST_RATIO', 0.8),
    startRuns: Math.max(1, envNumber('BENCH_START_RUNS', 3)),
    startPollMs: 5,
    startTargetMs: envNumber('BENCH_START_TARGET_MS', 1000),
    actionRate: envNumber('BENCH_ACTION_RATE', 50),
    actionPool: Math.max(1, envNumber('BENCH_ACTION_POOL', 200)),
    actionP99TargetMs: envNumber('BENCH_ACTION_P99_TARGET_MS', 20),
    slaIncidents: envNumber('BENCH_SLA_INCIDENTS', 100_000),
    slaDue: envNumber('BENCH_SLA_DUE', 10_000),
    slaPasses: Math.max(1, envNumber('BENCH_SLA_PASSES', 200)),
    slaPassTargetMs: envNumber('BENCH_SLA_PASS_TARGET_MS', 5),
    slaApplyTargetS: envNumber('BENCH_SLA_APPLY_TARGET_S', 5),
    slaIngestRatio: envNumber('BENCH_SLA_INGEST_RATIO', 0.8),
    slaWarmupS: envNumber('BENCH_SLA_WARMUP_S', 40),
    slaBaselineS: Math.max(1, envNumber('BENCH_SLA_BASELINE_S', 5)),
    slaAfterS: envNumber('BENCH_SLA_AFTER_S', 10),
    slaConnections: Math.max(1, envNumber('BENCH_SLA_CONNECTIONS', 16)),
    slaRate: envNumber('BENCH_SLA_RATE', 0),
    slaStepSample: envNumber('BENCH_SLA_STEP_SAMPLE', 50),
    copyIncidents: envNumber('BENCH_COPY_INCIDENTS', 100_000),
    quietWindows: envNumber('BENCH_QUIET_WINDOWS', 100),
    quietSilences: envNumber('BENCH_QUIET_SILENCES', 1000),
    quietRounds: Math.max(1, envNumber('BENCH_QUIET_ROUNDS', 2)),
    quietWarmupS: envNumber('BENCH_QUIET_WARMUP_S', 30),
    quietDurationS: Math.max(1, envNumber('BENCH_QUIET_DURATION_S', 10)),
    quietConnections: Math.max(1, envNumber('BENCH_QUIET_CONNECTIONS', 16)),
    quietIngestRatio: envNumber('BENCH_QUIET_INGEST_RATIO', 0.9),
    quietCovered: process.env.BENCH_QUIET_COVERED !== '0',
    consoleIncidents: envNumber('BENCH_CONSOLE_INCIDENTS', 10_000),
    consoleLoads: Math.max(1, envNumber('BENCH_CONSOLE_LOADS', 3)),
    consoleBrowsers: Math.max(1, envNumber('BENCH_CONSOLE_BROWSERS', 50)),
    consoleLiveS: Math.max(1, envNumber('BENCH_CONSOLE_LIVE_S', 10)),
    reportIncidents: envNumber('BENCH_REPORT_INCIDENTS', 1_000_000),
    reportRuns: Math.max(1, envNumber('BENCH_REPORT_RUNS', 3)),
    cpuProfileDir: process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : null,
    alertmanager: process.env.BENCH_ALERTMANAGER !== '0',
    seed: envNumber('BENCH_SEED', 42),
    reorder: process.env.BENCH_REORDER === '1',
    keepTmp: process.env.BENCH_KEEP_TMP === '1',
    strict: process.env.BENCH_STRICT === '1',
    tmpBase: process.env.BENCH_TMPDIR || os.tmpdir(),
  };
}

function scenarioList(s) {
  const list = [];
  if (s.scenarios.includes('1')) {
    for (const c of s.concurrency) list.push({ id: `1-c${c}`, group: 1, title: '1 alert/webhook', batch: 1, connections: c, rate: null });
  }
  if (s.scenarios.includes('2')) {
    for (const c of s.concurrency) list.push({ id: `2-c${c}`, group: 2, title: `${s.batch} alerts/webhook`, batch: s.batch, connections: c, rate: null });
  }
  if (s.scenarios.includes('3')) {
    const streams = s.rateStreams === null ? s.rate : s.rateStreams;
    list.push({ id: `3-r${s.rate}`, group: 3, title: `fixed ${s.rate} webhooks/s`, batch: 1, connections: s.rateConnections, rate: s.rate, streams, p99TargetMs: s.p99TargetMs });
  }
  return list;
}

/** Daemon answers {"accepted": N, ...}; anything else in a 2xx counts 0 and shows as a gap. */
function daemonAccepted(_status, body) {
  const m = /"accepted"\s*:\s*(\d+)/.exec(body);
  return m ? Number(m[1]) : 0;
}

/** Warm-up (discarded, but its errors count) then the measured phase, on one target. */
async function drive(target, scenario, s, traffic, body, accepted, beforeMeasured = async () => undefined) {
  const seen = new Set();
  const common = { url: target, connections: scenario.connections, rate: scenario.rate, streams: scenario.streams, batch: scenario.batch, traffic, body, accepted, seen };
  let warmup = null;
  if (s.warmupS > 0) warmup = await runLoad({ ...common, durationS: s.warmupS });
  const before = await beforeMeasured();
  const measured = await runLoad({ ...common, durationS: s.durationS });
  return { warmup, before, measured };
}

async function runDaemonScenario(scenario, s, dir) {
  const daemon = await processes.startDaemon(dir, { nodeArgs: s.nodeArgs });
  try {
    const traffic = createTraffic({ seed: s.seed, reorder: s.reorder });
    const pid = daemon.handle.child.pid;
    const { warmup, before, measured } = await drive(`${daemon.url}/webhooks/alertmanager`, scenario, s, traffic, webhookBody, daemonAccepted, async () => ({
      metrics: await scrapeMetrics(daemon.url),
      cpu: cpuSnapshot(pid),
    }));
    const cpu = cpuDelta(before.cpu, cpuSnapshot(pid));
    const after = await scrapeMetrics(daemon.url);
    const exit = await processes.stopChild(daemon.handle);
    let store;
    try {
      store = storeStats(daemon.dbFile);
    } catch (error) {
      store = { error: String(error.message || error) };
    }
    const totalOk = (warmup ? warmup.requests2xx : 0) + measured.requests2xx;
    const totalSent = (warmup ? warmup.requestsSent : 0) + measured.requestsSent;
    return {
      warmup: warmup && summarizeWarmup(warmup),
      measured,
      cpu,
      daemon: metricsDelta(before.metrics, after, measured.durationS),
      store,
      // Every accepted webhook leaves one receipt. Requests cut off when a phase ends may still
      // have been committed, so the receipts lie between the 2xx answers and the requests sent.
      requestsSent: totalSent,
      receiptsOk: store && typeof store.receipts === 'number' ? store.receipts >= totalOk && store.receipts <= totalSent : null,
      traffic: { ...traffic.stats, series: traffic.seriesCount },
      exit: exit && { code: exit.code, signal: exit.signal },
      daemonOutput: daemon.handle.output.trim().slice(-2000) || null,
    };
  } finally {
    await processes.stopChild(daemon.handle);
  }
}

async function runAlertmanagerScenario(scenario, s, dir) {
  const am = await processes.startAlertmanager(dir);
  try {
    const traffic = createTraffic({ seed: s.seed, reorder: s.reorder });
    const batch = scenario.batch;
    const pid = am.handle.child.pid;
    const { warmup, before, measured } = await drive(`${am.url}/api/v2/alerts`, scenario, s, traffic, apiBody, () => batch, async () => cpuSnapshot(pid));
    return { warmup: warmup && summarizeWarmup(warmup), measured, cpu: cpuDelta(before, cpuSnapshot(pid)) };
  } finally {
    await processes.stopChild(am.handle);
  }
}

function summarizeWarmup(w) {
  return { durationS: w.durationS, requestsSent: w.requestsSent, requests2xx: w.requests2xx, non2xx: w.non2xx, errors: w.errors, duplicateBodies: w.duplicateBodies, statusCounts: w.statusCounts, errorSamples: w.errorSamples };
}

let tmpToRemove = null;

function removeTmp() {
  if (tmpToRemove) fs.rmSync(tmpToRemove, { recursive: true, force: true });
  tmpToRemove = null;
}

/** The scenarios A to E, S and Q that BENCH_SCENARIOS selects. */
function extraList(s) {
  return EXTRA.filter((id) => s.scenarios.includes(id));
}

const EXTRA = ['A', 'B', 'C', 'D', 'E', 'S', 'Q', 'P', 'W', 'R'];

/** Runs A to E, S and Q in turn; fills `extra` as they finish (so a failure keeps what was measured). */
async function runExtra(ids, s, tmp, extra) {
  if (ids.includes('A')) {
    process.stdout.write(`  A: latency to the support line, ${s.notifyRate} new incidents/s for ${s.notifyDurationS} s ... `);
    extra.notify = await runNotifyScenario(s, path.join(tmp, 'A'));
    const l = extra.notify.toFirstAttemptMs;
    process.stdout.write(`p50 ${report.fmt(l.p50, 1)} ms, p99 ${report.fmt(l.p99, 1)} ms to first delivery attempt\n`);
  }
  if (ids.includes('B')) {
    process.stdout.write(`  B: storm of ${report.fmt(s.stormAlerts)} alerts, ${s.stormConcurrency} webhooks in flight ... `);
    extra.storm = await runStormScenario(s, path.join(tmp, 'B'));
    const b = extra.storm;
    process.stdout.write(`${report.fmt(b.wallS, 1)} s, ${report.fmt(b.alertsPerS)} alerts/s, peak RSS ${report.fmt(b.peakRssMiB)} MiB, store ${b.storeMatches ? 'as expected' : 'DIFFERS'}\n`);
  }
  const growth = ids.filter((id) => id === 'C' || id === 'D');
  if (growth.length > 0) {
    process.stdout.write(
      `  ${growth.join('+')}: empty store, then one pre-filled with ${report.fmt(s.growthIncidents)} incidents and ${report.fmt(s.growthAlerts)} alerts ... `,
    );
    extra.growth = await runGrowthScenarios(growth, s, path.join(tmp, growth.join('')));
    const g = extra.growth;
    const parts = [`prefill ${report.fmt(g.prefill.totalMs / 1000, 1)} s`];
    if (g.empty && g.large) parts.push(`ingest ${report.fmt(g.empty.ingest.alertsPerS)} -> ${report.fmt(g.large.ingest.alertsPerS)} alerts/s`, `listing p99 ${report.fmt(g.empty.listing.latencyMs.p99, 2)} -> ${report.fmt(g.large.listing.latencyMs.p99, 2)} ms`);
    if (g.startLarge) parts.push(`start ${report.fmt(Math.max(...g.startLarge.existingFileMs))} ms on the large store`);
    process.stdout.write(`${parts.join(', ')}\n`);
  }
  if (ids.includes('E')) {
    process.stdout.write(`  E: ${s.actionRate} actions/s over ${s.actionPool} incidents while ${s.rate} webhooks/s are ingested, ${s.durationS} s ... `);
    extra.actions = await runActionsScenario(s, path.join(tmp, 'E'));
    const e = extra.actions;
    process.stdout.write(`action p99 ${report.fmt(e.actions.latencyMs.p99, 2)} ms, ingest p99 ${report.fmt(e.ingest.latencyMs.p99, 2)} ms\n`);
  }
  if (ids.includes('S')) {
    process.stdout.write(`  S: SLA scheduler on ${report.fmt(s.slaIncidents)} open incidents, ${report.fmt(s.slaDue)} steps due at once beside ingest ... `);
    extra.sla = await runSlaScenario(s, path.join(tmp, 'S'));
    const x = extra.sla;
    const c = x.catchUp;
    process.stdout.write(
      `seeded in ${report.fmt(x.seeded.totalMs / 1000, 1)} s, pass with nothing due p99 ${report.fmt(x.passes.latencyMs.p99, 3)} ms, ` +
        `${report.fmt(c.dueSet)} steps applied ${c.appliedS === null ? 'NOT all' : `${report.fmt(c.appliedS, 2)} s`} after due, ` +
        `ingest ${report.fmt(c.ingest.baseline.requestsPerS)} -> ${report.fmt(c.ingest.catchUp ? c.ingest.catchUp.requestsPerS : null)} webhooks/s\n`,
    );
  }
  if (ids.includes('Q')) {
    process.stdout.write(
      `  Q: ingest without and with ${report.fmt(s.quietWindows)} maintenance windows and ${report.fmt(s.quietSilences)} silences, ${s.quietRounds} round(s) of ${s.quietDurationS} s each ... `,
    );
    extra.quiet = await runQuietScenario(s, path.join(tmp, 'Q'));
    const q = extra.quiet;
    process.stdout.write(
      `${report.fmt(q.rates.plain)} -> ${report.fmt(q.rates.quiet)} webhooks/s (${report.fmt(q.ratio === null ? null : 100 * q.ratio, 1)}%)` +
        `${q.rates.covered !== undefined ? `, with a third covered ${report.fmt(q.rates.covered)}` : ''}\n`,
    );
  }
}

/** P: a whole SQLite store copied into PostgreSQL by `incident-bridge copy`. */
async function runCopy(ids, s, tmp, extra) {
  if (!ids.includes('P')) return;
  process.stdout.write(`  P: incident-bridge copy of a store of ${report.fmt(s.copyIncidents)} open incidents into PostgreSQL ... `);
  extra.copy = await runCopyScenario(s, path.join(tmp, 'P'));
  const p = extra.copy;
  process.stdout.write(
    p.copy.code === 0
      ? `${report.fmt(p.rows)} rows in ${report.fmt(p.copy.ms / 1000, 1)} s (${report.fmt(p.rowsPerS)} rows/s), counts ${p.countsEqual ? 'equal on both sides' : 'DIFFER'}\n`
      : `FAILED (exit ${p.copy.code}): ${p.copy.stderr.split('\n')[0]}\n`,
  );
}

/** W and R, after the others: the console in Chromium and the monthly report. */
async function runWebScenarios(ids, s, tmp, extra) {
  if (ids.includes('W')) {
    process.stdout.write(`  W: the console in Chromium, ${report.fmt(s.consoleIncidents)} open incidents; ${s.consoleBrowsers} browsers on the live stream at ${s.rate} webhooks/s ... `);
    extra.console = await runConsoleScenario(s, path.join(tmp, 'W'));
    const w = extra.console;
    const q = w.queue;
    process.stdout.write(
      `queue first row ${q.map((r) => report.fmt(r.firstRowMs)).join('/')} ms, count ${q.map((r) => report.fmt(r.loadedMs)).join('/')} ms, key ${q.map((r) => report.fmt(r.keyMs)).join('/')} ms, all loaded ${q.map((r) => report.fmt(r.allLoadedMs)).join('/')} ms; ` +
        `live: ${report.fmt(w.live.changes)} changes x ${w.live.pages} pages, delay p50 ${report.fmt(w.live.delayMs.p50)} ms, p99 ${report.fmt(w.live.delayMs.p99)} ms, max ${report.fmt(w.live.delayMs.max)} ms, unseen ${w.live.unseen} ` +
        `(read without a browser: p50 ${report.fmt(w.live.directDelayMs.p50)} ms, p99 ${report.fmt(w.live.directDelayMs.p99)} ms, max ${report.fmt(w.live.directDelayMs.max)} ms; ` +
        `webhooks ${report.fmt(w.live.webhooksPerS)}/s, p50 ${report.fmt(w.live.webhookLatencyMs.p50)} ms, p99 ${report.fmt(w.live.webhookLatencyMs.p99)} ms)\n`,
    );
  }
  if (ids.includes('R')) {
    process.stdout.write(`  R: the monthly report over ${report.fmt(s.reportIncidents)} incidents ... `);
    extra.report = await runReportScenario(s, path.join(tmp, 'R'));
    const r = extra.report;
    process.stdout.write(
      `seeded in ${report.fmt(r.seeded.totalMs / 1000, 1)} s; JSON ${r.runsMs.map((ms) => report.fmt(ms)).join(' / ')} ms, CSV ${report.fmt(r.csvMs)} ms, printable HTML (command) ${report.fmt(r.htmlMs)} ms; ` +
        `${report.fmt(r.total.incidents)} incidents, response ${report.fmt(r.total.response.percent, 1)}%, resolution ${report.fmt(r.total.resolution.percent, 1)}% within SLA\n`,
    );
  }
}

async function main() {
  const s = settings();
  const scenarios = scenarioList(s);
  const extraIds = extraList(s);
  if (scenarios.length === 0 && extraIds.length === 0) throw new Error('BENCH_SCENARIOS selects no scenario (use e.g. "1,2,3,A,B,C,D,E")');
  if (s.cpuProfileDir) {
    fs.mkdirSync(s.cpuProfileDir, { recursive: true });
    s.nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${s.cpuProfileDir}`];
  }
  const tmp = fs.mkdtempSync(path.join(s.tmpBase, 'incident-bridge-bench-'));
  if (!s.keepTmp) tmpToRemove = tmp;
  const withAm = s.alertmanager && scenarios.length > 0 && processes.alertmanagerAvailable();
  const notes = [];
  if (scenarios.length === 0) {
    // Alertmanager runs beside scenarios 1 to 3 only.
  } else if (!s.alertmanager) notes.push('Alertmanager comparison skipped (BENCH_ALERTMANAGER=0).');
  else if (!withAm) notes.push(`Alertmanager comparison skipped: no executable at ${process.env.BENCH_ALERTMANAGER_BIN || '/usr/bin/prometheus-alertmanager'}.`);
  const amVersion = withAm ? await processes.alertmanagerVersion() : null;
  notes.push('latency = send to full response per request, exact (autocannon\'s 1 ms histogram is in the JSON).');
  const paced = scenarios.find((sc) => sc.rate && sc.streams > 1);
  if (paced) {
    notes.push(
      `${paced.id}: ${Math.min(paced.streams, paced.rate)} autocannon instances with overallRate, one connection each, started evenly over a second, ` +
        'so webhooks leave at evenly spaced instants (BENCH_RATE_STREAMS=1: one instance, which sends each second\'s quota in a burst).',
    );
  }
  notes.push(
    s.reorder
      ? 'BENCH_REORDER=1: concurrent webhooks may carry successive states of one alert and be committed out of order.'
      : 'each alert changes state only after the webhook with its previous state was answered, as from one Alertmanager (BENCH_REORDER=1 lifts this).',
  );

  const started = new Date();
  const loadAtStart = os.loadavg()[0];
  if (extraIds.includes('C') || extraIds.includes('D')) {
    const full = s.growthIncidents >= 1_000_000 && s.growthAlerts >= 5_000_000;
    notes.push(
      full
        ? `C/D: the large store holds ${report.fmt(s.growthIncidents)} incidents and ${report.fmt(s.growthAlerts)} alerts (the full size), written directly with better-sqlite3 before the measures.`
        : `C/D: the large store holds only ${report.fmt(s.growthIncidents)} incidents and ${report.fmt(s.growthAlerts)} alerts, to keep the run short; ` +
            'BENCH_GROWTH_INCIDENTS=1000000 BENCH_GROWTH_ALERTS=5000000 selects the full size (about 100 s more to write, 4.7 GiB of disk).',
    );
  }
  if (s.cpuProfileDir) notes.push(`BENCH_CPU_PROFILE: the daemons ran under --cpu-prof (slower); profiles in ${s.cpuProfileDir}.`);
  process.stdout.write(
    `incident-bridge benchmark: ${scenarios.length + extraIds.length} scenario(s)` +
      `${scenarios.length > 0 ? `, ${s.durationS} s each for 1-3 (+${s.warmupS} s warm-up)` : ''}` +
      `${withAm ? `, plus Alertmanager ${amVersion || ''} side by side` : ''}; temp dir ${tmp}\n`,
  );
  const results = [];
  const extra = {};
  let failure = null;
  try {
    for (const scenario of scenarios) {
      const how = scenario.rate && scenario.streams > 1 ? `${Math.min(scenario.streams, scenario.rate)} paced connections` : `${scenario.connections} connections`;
      process.stdout.write(`  ${scenario.id}: ${scenario.title}, ${how} ... `);
      const entry = { ...scenario };
      entry.daemon = await runDaemonScenario(scenario, s, path.join(tmp, scenario.id, 'daemon'));
      const m = entry.daemon.measured;
      process.stdout.write(`incident-bridge ${m.alertsPerS.toFixed(0)} alerts/s, p99 ${m.latencyMs.p99 === null ? '-' : m.latencyMs.p99.toFixed(2)} ms`);
      results.push(entry);
      if (withAm) {
        try {
          entry.alertmanager = await runAlertmanagerScenario(scenario, s, path.join(tmp, scenario.id, 'alertmanager'));
          process.stdout.write(`; Alertmanager ${entry.alertmanager.measured.alertsPerS.toFixed(0)} alerts/s`);
        } catch (error) {
          // The comparison is optional: note the failure and go on with the daemon's scenarios.
          entry.alertmanagerError = String((error && error.message) || error);
          process.stdout.write('; Alertmanager failed');
        }
      }
      process.stdout.write('\n');
    }
    await runExtra(extraIds, s, tmp, extra);
    await runCopy(extraIds, s, tmp, extra);
    await runWebScenarios(extraIds, s, tmp, extra);
  } catch (error) {
    failure = error;
  } finally {
    processes.killAll();
    removeTmp();
  }

  const problems = [...report.problems(results), ...report.extraProblems(extra)];
  const targets = [...report.targets(results), ...report.extraTargets(extra)];
  const output = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: { ...s, tmpBase: undefined, nodeArgs: undefined },
    machine: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0] && os.cpus()[0].model, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), loadAverage1mAtStart: +loadAtStart.toFixed(2) },
    alertmanagerVersion: amVersion,
    notes,
    scenarios: results,
    notify: extra.notify || null,
    storm: extra.storm || null,
    growth: extra.growth || null,
    actions: extra.actions || null,
    sla: extra.sla || null,
    quiet: extra.quiet || null,
    copy: extra.copy || null,
    targets,
    problems,
    failure: failure ? String((failure && failure.stack) || failure) : null,
  };
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const jsonFile = path.join(resultsDir, 'latest.json');
  fs.writeFileSync(jsonFile, `${JSON.stringify(output, null, 2)}\n`);

  process.stdout.write(`\n${report.render(output)}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), jsonFile) || jsonFile}\n`);
  if (failure) {
    process.stderr.write(`\nbenchmark failed: ${failure && failure.stack ? failure.stack : failure}\n`);
    return 1;
  }
  if (problems.length > 0) return 1;
  if (s.strict && targets.some((t) => !t.met)) return 1;
  return 0;
}

// Children die with the benchmark, however it ends.
process.on('exit', () => processes.killAll());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    processes.killAll();
    removeTmp();
    process.stderr.write(`benchmark stopped by ${signal}\n`);
    process.exit(130);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    processes.killAll();
    process.stderr.write(`benchmark failed: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
