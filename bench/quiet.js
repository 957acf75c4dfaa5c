'use strict';

/*
 * Scenario Q, the cost of the quiet (issue "Quiet"): with 1,000 silences and 100 maintenance
 * windows in force, ingest keeps at least 90% of its rate.
 *
 * Daemons side by side, each on a fresh store of its own, started at once and driven in turn:
 *   (a) "plain":   the bench config without any maintenance window, no silence;
 *   (b) "quiet":   BENCH_QUIET_WINDOWS windows in the config and BENCH_QUIET_SILENCES silences
 *                  created through POST /api/v1/silences (a responder's token) before any load.
 *                  None of them covers an alert of the load, so every alert that opens,
 *                  attaches to or reopens an incident pays the whole cover check (every window,
 *                  then every silence) and still pages as usual;
 *   (c) "covered": as (b), plus one silence that covers the node-exporter alerts of prod-us1
 *                  (about a third of the load's alerts), to show what suppression itself costs
 *                  (BENCH_QUIET_COVERED=0 skips it).
 * The windows are a mix as a config would hold them: one-off and recurring (RRULE daily and
 * weekly) in eight time zones; matchers on labels the load does not carry (datacenter, rack,
 * env, ...), health models the load does not hit, a few windows in force now that cover none of
 * the load's alerts, and windows whose matchers or health models DO select the load's alerts but
 * that are not in force during the run (the cover check then does the time arithmetic too). The
 * times are placed relative to the moment of the run so that no window starts or ends within it
 * (a cover edge would make the quiet worker re-examine the active incidents, which is not what is
 * measured); the benchmark checks this, and that no window or silence of (b) covers any series of
 * the load, with the daemon's own code (dist/) before the load starts.
 *
 * Each daemon gets its own traffic generator with the one seed, so each sees the same alerts in
 * the same order and the stores pass through the same states. After a warm-up of
 * BENCH_QUIET_WARMUP_S on each (the first seconds open the traffic's few hundred incidents and the
 * rate climbs), BENCH_QUIET_ROUNDS rounds measure each daemon in turn for BENCH_QUIET_DURATION_S
 * (a, b, [c], a, b, [c], ...): webhooks of 1 alert, closed loop on BENCH_QUIET_CONNECTIONS, as in
 * scenario 1. The ratio is (b)/(a) over all rounds (2xx answers per second), each round's too;
 * target at least BENCH_QUIET_INGEST_RATIO. Afterwards each store is read: (b) must hold no
 * incident suppressed by a window or a silence (else the comparison would be unfair: a
 * suppressed incident pages nobody), (c) must hold some suppressed by its silence.
 */

const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { buildCatalogue, createTraffic, webhookBody } = require('./alerts');
const { classifyLabels, loadRules } = require('./classify');
const { createAgent, request } = require('./client');
const { runLoad } = require('./load');
const { cpuDelta, cpuSnapshot, scrapeMetrics, metricsDelta } = require('./observe');
const processes = require('./processes');

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const ZONES = ['Europe/Amsterdam', 'Europe/Moscow', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'];
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
/** The silence of (c): covers the node-exporter alerts of one cluster. */
const COVERING_SILENCE = ['cluster="prod-us1"', 'job="node-exporter"'];

const dist = (p) => require(path.join(processes.REPO, 'dist', p));
const pad = (n) => String(n).padStart(2, '0');

/** Wall-clock fields of instant `ms` in `zone`: year, month, day, hour, minute and weekday (0 = Sunday). */
function localParts(ms, zone) {
  const parts = {};
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' });
  for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    text: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday),
  };
}

/** The health models of the rules, and those the load's series are classified into. */
function healthModels() {
  const all = [...new Set(loadRules().metrics.map((m) => m.healthModel.name))].sort();
  const series = buildCatalogue().all.map((s) => ({ labels: s.labels, healthModel: classifyLabels(s.labels).healthModel }));
  const hit = [...new Set(series.map((s) => s.healthModel))].sort();
  return { all, hit, unhit: all.filter((m) => !hit.includes(m)), series };
}

/**
 * `count` maintenance windows (config entries) for a run starting at `now`: none covers a load
 * alert during the run, and none starts or ends within a couple of hours of `now`.
 */
function buildWindows(count, now, models) {
  const unhit = models.unhit.length > 0 ? models.unhit : ['warehouse', 'payroll'];
  const hit = models.hit.filter((m) => m !== 'unclassified');
  // What a window covers: [matchers, healthModels], by kind.
  const absent = (i) =>
    [
      [[`datacenter="msk-${i % 4}"`], []],
      [[`rack=~"r${i}-.*"`, 'job="node-exporter"'], []],
      [['env="staging"'], [hit[i % hit.length]]],
      [[`{site="ams-${i % 3}", role="db"}`], []],
      [[`cluster="prod-eu1"`, `instance="host-${i}.prod-eu1.example.net:9100"`], []],
      [[`alertname="HostOutOfDiskSpace"`, `device="/dev/nvme${i}n1"`], []],
    ][i % 6];
  const unhitModel = (i) => (i % 2 === 0 ? [[], [unhit[i % unhit.length]]] : [[`severity="critical"`], [unhit[i % unhit.length]]]);
  // These select some of the load's alerts; their times keep them out of force during the run.
  const selecting = (i) =>
    [
      [['cluster="prod-eu1"'], []],
      [['team="dba"'], []],
      [[], [hit[i % hit.length]]],
      [[`alertname="HostOutOfDiskSpace"`, 'mountpoint="/data"'], []],
      [['namespace=~"payments|checkout"'], [hit[i % hit.length]]],
      [[`instance=~"db-${pad(i % 60)}[.].*"`], []],
    ][i % 6];
  const windows = [];
  const inForceNow = Math.max(1, Math.round(count * 0.05));
  for (let i = 0; i < count; i++) {
    const zone = ZONES[i % ZONES.length];
    const local = localParts(now, zone);
    const name = `bench-${pad(Math.floor(i / 100))}${pad(i % 100)}`;
    let cover;
    let when;
    if (i < inForceNow) {
      // In force now and through the run, covering nothing of the load.
      cover = i % 2 === 0 ? absent(i) : unhitModel(i);
      if (i % 3 === 0) {
        when = { start: localParts(now - DAY_MS, zone).text, end: localParts(now + 3 * DAY_MS, zone).text };
      } else {
        // Started an hour ago (local), lasts 4 h: every day, or every weekday listed.
        const rule = i % 3 === 1 ? 'FREQ=DAILY' : 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU';
        when = { rrule: `${rule};BYHOUR=${(local.hour + 23) % 24};BYMINUTE=0`, duration: '4h' };
      }
    } else {
      const k = i % 10;
      cover = k < 4 ? absent(i) : k < 6 ? unhitModel(i) : selecting(i);
      const form = i % 10 < 3 ? 'once' : i % 2 === 0 ? 'daily' : 'weekly';
      if (form === 'once') {
        // Past or future, a few hours long.
        const at = i % 2 === 0 ? now - (2 + (i % 20)) * DAY_MS : now + (1 + (i % 30)) * DAY_MS;
        when = { start: localParts(at, zone).text, end: localParts(at + (2 + (i % 4)) * HOUR_MS, zone).text };
      } else if (form === 'daily') {
        // Starts 2 to 19 h after the current local hour, lasts at most 2 h: never within the run.
        const hour = (local.hour + 2 + (i % 18)) % 24;
        when = { rrule: `FREQ=DAILY;BYHOUR=${hour};BYMINUTE=${(i * 7) % 60}`, duration: ['30m', '1h', '2h'][i % 3] };
      } else {
        // One or two weekdays 2 to 5 days ahead of today (local), lasting at most 4 h.
        const days = [2 + (i % 4), 2 + ((i + 2) % 4)].map((d) => WEEKDAYS[(local.weekday + d) % 7]);
        const byday = [...new Set(i % 3 === 0 ? days : days.slice(0, 1))].join(',');
        when = { rrule: `FREQ=WEEKLY;BYDAY=${byday};BYHOUR=${(i * 5) % 24};BYMINUTE=${(i * 11) % 4 === 0 ? 30 : 0}`, duration: ['1h', '2h', '4h', '90m'][i % 4] };
      }
    }
    const [matchers, models_] = cover;
    const w = { name };
    if (matchers.length > 0) w.matchers = matchers;
    if (models_.length > 0) w.healthModels = models_;
    w.timezone = zone;
    Object.assign(w, when);
    windows.push(w);
  }
  return windows;
}

/** `count` silence bodies that cover none of the load's alerts, most of them after a matcher that does match. */
function buildSilences(count, endsAt) {
  const shapes = [
    (i) => ['alertname="HostHighCpuLoad"', `instance="host-${i}"`],
    (i) => [`cluster=~"prod-.*"`, `instance=~"host-${i}(:[0-9]+)?"`],
    (i) => [`{job="node-exporter", mountpoint="/mnt/vol${i}"}`],
    (i) => [`namespace="tenant-${i}"`],
    (i) => ['severity=~"warning|critical"', `datacenter="dc-${i % 50}"`],
    (i) => [`instance=~"host-${i}[.].*"`, 'job="node-exporter"'],
    (i) => ['prometheus="monitoring/k8s"', `team="team-${i}"`],
    (i) => [`alertname="KubePodCrashLooping", namespace="payments", pod="payments-api-${i}"`],
  ];
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push({ matchers: shapes[i % shapes.length](i), endsAt: new Date(endsAt + (i % 60) * 60_000).toISOString(), comment: `bench: maintenance of host-${i} (covers none of the load)` });
  }
  return out;
}

/**
 * Checks with the daemon's code that no window of `windowsConfig` (as loaded from `configFile`)
 * nor any silence covers a series of the load from `from` to `to`, and where the next edge of a
 * window is. Throws when something would cover the load.
 */
function checkCovers(configFile, env, models, silences, from, to) {
  const { loadConfig } = dist('config/load-config');
  const { compileMaintenance, coveringWindow, nextEdge, inForce } = dist('quiet/maintenance');
  const { parseMatchers, matchesAll } = dist('core/matcher');
  const loaded = loadConfig(configFile, {}, { ...process.env, ...env });
  const windows = compileMaintenance(loaded.config.maintenance);
  const compiled = silences.map((s) => s.matchers.flatMap((m) => parseMatchers(m)));
  const problems = [];
  const steps = 20;
  for (const s of models.series) {
    for (let k = 0; k <= steps; k++) {
      const at = from + ((to - from) * k) / steps;
      const w = coveringWindow(windows, s.labels, s.healthModel, at);
      if (w) problems.push(`window ${w.name} covers ${JSON.stringify(s.labels)} at ${new Date(at).toISOString()}`);
    }
    const silence = compiled.findIndex((m) => matchesAll(m, s.labels));
    if (silence >= 0) problems.push(`silence ${JSON.stringify(silences[silence].matchers)} covers ${JSON.stringify(s.labels)}`);
    if (problems.length > 3) break;
  }
  if (problems.length > 0) throw new Error(`Q: the quiet config covers the load's alerts: ${problems.slice(0, 3).join('; ')}`);
  const edge = nextEdge(windows, from);
  const selecting = windows.filter((w) => models.series.some((s) => (w.matchers.length > 0 || w.healthModels.size > 0) && dist('quiet/maintenance').covers(w, s.labels, s.healthModel))).length;
  return {
    windows: windows.length,
    oneOff: windows.filter((w) => w.schedule.kind === 'once').length,
    recurring: windows.filter((w) => w.schedule.kind === 'recurring').length,
    zones: new Set(windows.map((w) => w.timezone)).size,
    inForceAtStart: windows.filter((w) => inForce(w, from)).length,
    selectingLoadAlerts: selecting,
    nextEdgeH: edge === null ? null : (edge - from) / HOUR_MS,
    edgeWithinRun: edge !== null && edge <= to,
  };
}

/** Share of the load's alerts the covering silence of (c) covers: clusters are picked evenly, series evenly within one. */
function coveredShare() {
  const { parseMatchers, matchesAll } = dist('core/matcher');
  const m = COVERING_SILENCE.flatMap((t) => parseMatchers(t));
  const { byCluster } = buildCatalogue();
  let share = 0;
  for (const pool of byCluster.values()) share += pool.filter((s) => matchesAll(m, s.labels)).length / pool.length / byCluster.size;
  return share;
}

/** Creates the silences through the API, `parallel` at a time; returns the time it took and what failed. */
async function createSilences(url, token, bodies, parallel = 8) {
  const agent = createAgent(parallel);
  const started = performance.now();
  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = JSON.stringify(bodies[next++]);
      const r = await request(agent, 'POST', `${url}/api/v1/silences`, body, 30_000, { authorization: `Bearer ${token}` });
      if (r.status !== 201 && failures.length < 5) failures.push(`${r.status} ${r.body.slice(0, 300)}`);
      else if (r.status !== 201) failures.push(null);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const listed = await request(agent, 'GET', `${url}/api/v1/silences?limit=10000`, undefined, 30_000, { authorization: `Bearer ${token}` });
  agent.destroy();
  const silences = listed.status === 200 ? JSON.parse(listed.body).silences : [];
  return { created: bodies.length - failures.length, failures: failures.length, failureSamples: failures.filter(Boolean), ms: performance.now() - started, active: silences.filter((s) => s.status === 'active').length };
}

/** Starts one daemon of the scenario: `windows` into its config, a responder with a token. */
async function startQuietDaemon(s, dir, windows, token) {
  const env = { BENCH_QUIET_TOKEN: token };
  const daemon = await processes.startDaemon(dir, {
    nodeArgs: s.nodeArgs,
    env,
    configure(doc) {
      doc.set('people', doc.createNode([{ name: 'bench-quiet', role: 'responder', lines: ['L1'], token: '${BENCH_QUIET_TOKEN}' }]));
      if (windows.length > 0) doc.set('maintenance', doc.createNode(windows));
      else doc.delete('maintenance');
    },
  });
  return { ...daemon, env };
}

/** What the store holds after the run: incidents, and those suppressed, by what. */
function storeCheck(dbFile) {
  const Database = require('better-sqlite3');
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const one = (sql) => db.prepare(sql).pluck().get();
    const by = {};
    for (const row of db.prepare("SELECT json_extract(suppressed, '$.by') AS by, COUNT(*) AS n FROM incidents WHERE suppressed IS NOT NULL GROUP BY 1").all()) by[row.by] = row.n;
    return {
      incidents: one('SELECT COUNT(*) FROM incidents'),
      openIncidents: one("SELECT COUNT(*) FROM incidents WHERE status <> 'resolved'"),
      alertRows: one('SELECT COUNT(*) FROM alerts'),
      receipts: one('SELECT COUNT(*) FROM webhook_receipts'),
      silences: one('SELECT COUNT(*) FROM silences'),
      suppressedBy: by,
      suppressedEntries: one("SELECT COUNT(*) FROM timeline WHERE event = 'suppressed'"),
    };
  } finally {
    db.close();
  }
}

function phaseSummary(m, cpu, metrics) {
  return {
    durationS: m.durationS,
    requests2xx: m.requests2xx,
    requestsPerS: m.requestsPerS,
    alertsAccepted: m.alertsAccepted,
    non2xx: m.non2xx,
    errors: m.errors,
    timeouts: m.timeouts,
    statusCounts: m.statusCounts,
    errorSamples: m.errorSamples,
    duplicateBodies: m.duplicateBodies,
    latencyMs: m.latencyMs,
    serverCores: cpu.serverCores,
    loadGeneratorCores: cpu.loadGeneratorCores,
    incidentEvents: metrics ? metrics.incidentEvents : null,
  };
}

/** Runs scenario Q; `s` holds the benchmark's settings. */
async function runQuietScenario(s, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const models = healthModels();
  const token = randomBytes(18).toString('base64url');
  const windows = buildWindows(s.quietWindows, now, models);
  // Silences end a day after the run at the earliest, staggered by a minute.
  const silenceBodies = buildSilences(s.quietSilences, now + DAY_MS);
  const names = ['plain', 'quiet', ...(s.quietCovered ? ['covered'] : [])];
  const sides = {};
  try {
    for (const name of names) {
      const side = { name };
      side.daemon = await startQuietDaemon(s, path.join(dir, name), name === 'plain' ? [] : windows, token);
      if (name !== 'plain') {
        const bodies = name === 'covered' ? [...silenceBodies, { matchers: COVERING_SILENCE, endsAt: new Date(now + DAY_MS).toISOString(), comment: 'bench: covers the node-exporter alerts of prod-us1' }] : silenceBodies;
        side.silences = await createSilences(side.daemon.url, token, bodies);
      }
      side.traffic = createTraffic({ seed: s.seed, reorder: s.reorder });
      side.seen = new Set();
      sides[name] = side;
    }
    // The run's span, with margin: the warm-ups, the rounds, and a minute.
    const spanMs = (names.length * (s.quietWarmupS + s.quietRounds * s.quietDurationS) + 60) * 1000 + 5 * 60_000;
    const coverCheck = checkCovers(sides.quiet.daemon.config, sides.quiet.daemon.env, models, silenceBodies, now, now + spanMs);
    if (coverCheck.edgeWithinRun) throw new Error(`Q: a maintenance window starts or ends within the run (${coverCheck.nextEdgeH.toFixed(2)} h ahead)`);
    // Let the quiet workers take the silences in before the load starts.
    await processes.sleep(1500);

    const load = (side, durationS) =>
      runLoad({
        url: `${side.daemon.url}/webhooks/alertmanager`,
        connections: s.quietConnections,
        rate: null,
        batch: 1,
        traffic: side.traffic,
        body: webhookBody,
        accepted: (_status, body) => Number((/"accepted"\s*:\s*(\d+)/.exec(body) || [0, 0])[1]),
        seen: side.seen,
        durationS,
      });
    const warmups = {};
    for (const name of names) {
      if (s.quietWarmupS > 0) warmups[name] = phaseSummary(await load(sides[name], s.quietWarmupS), {}, null);
    }
    const rounds = [];
    for (let r = 0; r < s.quietRounds; r++) {
      const round = {};
      for (const name of names) {
        const side = sides[name];
        const pid = side.daemon.handle.child.pid;
        const before = { metrics: await scrapeMetrics(side.daemon.url), cpu: cpuSnapshot(pid) };
        const m = await load(side, s.quietDurationS);
        const cpu = cpuDelta(before.cpu, cpuSnapshot(pid));
        round[name] = phaseSummary(m, cpu, metricsDelta(before.metrics, await scrapeMetrics(side.daemon.url), m.durationS));
      }
      rounds.push(round);
    }
    const exits = {};
    const stores = {};
    for (const name of names) {
      const side = sides[name];
      const exit = await processes.stopChild(side.daemon.handle);
      exits[name] = exit && { code: exit.code, signal: exit.signal, output: side.daemon.handle.output.trim().slice(-2000) || null };
      stores[name] = storeCheck(side.daemon.dbFile);
    }
    const pooled = (name) => {
      const ok = rounds.reduce((a, r) => a + r[name].requests2xx, 0);
      const secs = rounds.reduce((a, r) => a + r[name].durationS, 0);
      return secs > 0 ? ok / secs : null;
    };
    const rates = Object.fromEntries(names.map((n) => [n, pooled(n)]));
    const out = {
      windows: coverCheck,
      windowNames: windows.length,
      silencesWanted: s.quietSilences,
      silences: { quiet: sides.quiet.silences, covered: sides.covered ? sides.covered.silences : null },
      healthModels: { hit: models.hit, unhit: models.unhit },
      coveredShareExpected: s.quietCovered ? coveredShare() : null,
      coveringSilence: s.quietCovered ? COVERING_SILENCE : null,
      connections: s.quietConnections,
      warmupS: s.quietWarmupS,
      durationS: s.quietDurationS,
      warmups,
      rounds,
      rates,
      ratio: rates.plain ? rates.quiet / rates.plain : null,
      roundRatios: rounds.map((r) => (r.plain.requestsPerS ? r.quiet.requestsPerS / r.plain.requestsPerS : null)),
      coveredRatio: s.quietCovered && rates.plain ? rates.covered / rates.plain : null,
      stores,
      exits,
      ratioTarget: s.quietIngestRatio,
    };
    out.targets = quietTargets(out);
    return out;
  } finally {
    for (const side of Object.values(sides)) await processes.stopChild(side.daemon.handle);
  }
}

/** Targets of Q, each `{scenario, metric, target, value, met}`. */
function quietTargets(out) {
  const n = (v) => (v >= 1000 ? `${+(v / 1000).toFixed(1)}k` : String(v));
  const fair = out.stores.quiet && !out.stores.quiet.suppressedBy.maintenance && !out.stores.quiet.suppressedBy.silence;
  return [
    {
      scenario: 'Q',
      metric: `ingest rate with ${n(out.silences.quiet.active)} silences and ${out.windows.windows} maintenance windows / without`,
      target: out.ratioTarget,
      value: out.ratio,
      met: out.ratio !== null && out.ratio >= out.ratioTarget && fair,
      atLeast: true,
    },
  ];
}

/** What must not happen in Q: failed webhooks or silences, a cover of the load in (b), none in (c). */
function quietProblems(q) {
  const out = [];
  const phases = [...Object.entries(q.warmups).map(([name, p]) => [`${name} warm-up`, p]), ...q.rounds.flatMap((r, i) => Object.entries(r).map(([name, p]) => [`${name} round ${i + 1}`, p]))];
  for (const [label, p] of phases) {
    if (p.non2xx + p.errors > 0) out.push(`Q ${label}: ${p.non2xx} webhooks non-2xx ${JSON.stringify(p.statusCounts)} and ${p.errors} transport errors, e.g. ${JSON.stringify(p.errorSamples[0] || null)}`);
    if (p.alertsAccepted !== p.requests2xx) out.push(`Q ${label}: ${p.alertsAccepted} alerts accepted in ${p.requests2xx} answers of one alert each`);
    if (p.duplicateBodies > 0) out.push(`Q ${label}: ${p.duplicateBodies} webhook bodies repeated byte for byte`);
  }
  for (const [name, sil] of Object.entries(q.silences)) {
    if (!sil) continue;
    if (sil.failures > 0) out.push(`Q ${name}: ${sil.failures} silences refused, e.g. ${sil.failureSamples[0] || '-'}`);
    const want = q.silencesWanted + (name === 'covered' ? 1 : 0);
    if (sil.active !== want) out.push(`Q ${name}: ${sil.active} silences active after creating them, expected ${want}`);
  }
  const b = q.stores.quiet;
  if (b && (b.suppressedBy.maintenance || b.suppressedBy.silence)) {
    out.push(`Q quiet: ${b.suppressedBy.maintenance || 0} incidents suppressed by a window and ${b.suppressedBy.silence || 0} by a silence; the load must not be covered in (b)`);
  }
  const c = q.stores.covered;
  if (c && !c.suppressedBy.silence) out.push('Q covered: no incident suppressed by the covering silence');
  for (const [name, e] of Object.entries(q.exits)) if (e && e.code !== 0) out.push(`Q ${name} incident-bridge: exited with ${JSON.stringify({ code: e.code, signal: e.signal })} on SIGTERM; output:\n${e.output || ''}`);
  return out;
}

module.exports = { runQuietScenario, quietProblems, buildWindows, buildSilences };
