'use strict';

/*
 * Scenario S, the SLA scheduler on a large store (issue "SLA"): 100,000 open incidents that carry
 * SLA terms; a scheduler pass with nothing due under 5 ms; 10,000 steps due at once applied within
 * 5 s while ingest beside it keeps at least 80% of its rate.
 *
 * The store is seeded in this process through the daemon's own store code (dist/): openSqliteStore
 * creates and migrates the file, and units of work in big batches (runBatch) open each incident as
 * ingest does (openIncident, slaPlan at the opening, insertIncident with the config's SLA terms,
 * its `opened` timeline entry, its firing alert, setSlaDue). The incident keys are clones of the
 * benchmark's catalogue classified by the daemon's rules (bench/prefill.js), none of them a key
 * of the live traffic, so ingest opens its own incidents beside them. Two kinds of incident:
 *   - the background (all but BENCH_SLA_DUE): opened over the last hour (every 5 minutes) at
 *     their metric's priority, P1 and P2 lowered to P3, so that their first step (the response
 *     reminder at 50%, in office hours for P3 and P4) is at least an hour away; their `sla_due`
 *     row is that step's time, as the daemon writes it;
 *   - the due set (BENCH_SLA_DUE, every tenth incident): P2 (24x7: response 30 m), opened 20
 *     minutes before the seeding, so that exactly one step, the response reminder at 50% (15 m),
 *     is overdue and the next (the escalation at 100%) is 10 minutes away. Their `sla_due` rows
 *     are held back 30 days, so that nothing is due until the benchmark says so.
 *
 * 1. Pass with nothing due: SlaWorker.runOnce() of dist/, on a fresh connection to the seeded
 *    store, BENCH_SLA_PASSES times after 10 unmeasured passes: p50/p99/max (target p99 < 5 ms).
 * 2. Steps due at once beside ingest: the daemon (dist/main.js serve) on that store. Once it is
 *    ready, the due set's rows are set to one instant T a few seconds ahead (one UPDATE from this
 *    process), and webhooks of one alert are sent from then on without a break (closed loop on
 *    BENCH_SLA_CONNECTIONS connections, or BENCH_SLA_RATE/s paced as in scenario 3): a warm-up of
 *    BENCH_SLA_WARMUP_S (the traffic's first seconds open its few hundred incidents and the rate
 *    climbs), BENCH_SLA_BASELINE_S seconds before T (the ingest rate with nothing due), and
 *    BENCH_SLA_AFTER_S seconds after it. A read-only connection counts every 10 ms the rows still
 *    due at T; the catch-up is the time from T until none is left (the scheduler looks at least
 *    every second and wakes at the next due time, which it read on its last look). The ingest rate during the
 *    catch-up (responses completed from the last count that saw all of them to the first that saw
 *    none) is compared with the rate before T. Targets: catch-up within 5 s; ingest at least 80%.
 *    Afterwards the daemon's incident_bridge_sla_steps_total must have grown by exactly the due
 *    set, and the store must hold one `reminder` entry by the scheduler per incident of it.
 * 3. Step cost by priority (no target; BENCH_SLA_STEP_SAMPLE, 0 skips it): the due set is P2 on
 *    the 24x7 calendar, the cheap case. For each priority, a small store of its own with one
 *    reminder due per incident, one SlaWorker.runOnce() in process at a fake instant: ms per
 *    incident, P3 and P4 on the office-hours calendar.
 */

const path = require('node:path');
const { createTraffic, webhookBody } = require('./alerts');
const { loadRules } = require('./classify');
const { summarize } = require('./client');
const { runLoad } = require('./load');
const { cpuDelta, cpuSnapshot, scrapeMetrics } = require('./observe');
const { buildKeys } = require('./prefill');
const processes = require('./processes');

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How far the due set's `sla_due` rows are held back until the benchmark brings them to T. */
const HOLD_MS = 30 * DAY_MS;
const SOURCE = 'alertmanager';
const POLL_MS = 10;
/** Seeding: incidents per runBatch (one transaction each). */
const SEED_BATCH = 5000;

const dist = (p) => require(path.join(processes.REPO, 'dist', p));
const msSince = (t) => Number(process.hrtime.bigint() - t) / 1e6;

/**
 * What opening incidents needs, from dist/ and the repository's config and rules: the config's
 * SLA terms of a health model (SlaBook, as the daemon builds them), the rules' metrics, and
 * `keys(n)`, n incident keys classified by the rules, none of them a key of the live traffic.
 */
function openingContext() {
  const { loadConfig } = dist('config/load-config');
  const { SlaBook } = dist('sla/terms');
  const loaded = loadConfig(path.join(processes.REPO, 'config', 'incident-bridge.yaml'), {}, { ...process.env, INCIDENT_BRIDGE_LOG_LEVEL: 'warn' });
  const book = new SlaBook(loaded.config.sla, loaded.config.escalation);
  const rules = loadRules();
  return {
    openSqliteStore: dist('store/sqlite/sqlite-store').openSqliteStore,
    openIncident: dist('incidents/state-machine').openIncident,
    slaPlan: dist('sla/plan').slaPlan,
    termsFor: (healthModel) => book.termsFor(healthModel),
    metricOf: new Map(rules.metrics.map((m) => [`${m.healthModel.name}/${m.name}`, m])),
    plans: new Map(),
    keys(n) {
      let built = buildKeys(n + 2000, 1);
      if (built.keys.length - built.live < n) built = buildKeys(n + built.live, 1);
      return built.keys.slice(built.live, built.live + n);
    },
  };
}

/**
 * Opening one incident of key `k` at `openedAt` with `priority`, as ingest does: `plan` is the
 * SLA plan at the opening (its index and first due time); `unit()` writes the incident with
 * its `opened` entry, its firing alert and its `sla_due` row (the plan's steps to come). Plans are cached by priority and
 * opening time (all else being the same terms and an `opened` entry).
 */
function opening(ctx, k, priority, openedAt) {
  const c = k.c;
  const metric = ctx.metricOf.get(`${c.healthModel}/${c.metric}`);
  const healthModel = metric ? metric.healthModel : { sla: null, escalation: null, customer: null };
  const terms = ctx.termsFor(healthModel);
  if (terms === null) throw new Error('config/incident-bridge.yaml has no sla section: scenario S needs SLA terms');
  const series = k.series[0];
  const labels = JSON.parse(series.labels);
  const title = `${c.metric} on ${Object.values(c.groupLabels).join(', ') || c.healthModel}`.slice(0, 200);
  const startsAt = openedAt - 30_000;
  const opened = ctx.openIncident(
    {
      actor: { type: 'source', name: SOURCE },
      cause: { source: SOURCE, fingerprint: series.fingerprint, alertname: labels.alertname ?? null, startsAt: new Date(startsAt).toISOString() },
      fields: {
        key: k.key,
        priority,
        impact: c.impact,
        category: c.category,
        healthModel: c.healthModel,
        metric: c.metric,
        customer: healthModel.customer ?? null,
        title,
        summary: `${title}: 1 alert(s) from ${SOURCE}`,
        runbookUrl: `https://runbooks.example.net/${c.healthModel}/${c.metric}`,
        groupLabels: c.groupLabels,
        autoResolve: metric ? metric.autoResolve.enabled : true,
        holdDownMs: metric ? metric.autoResolve.holdDownMs : 300_000,
        slaTerms: terms,
        sla: null,
        suppressed: null,
        flapChanges: metric ? metric.flapping.changes : 0,
        flapWindowMs: metric ? metric.flapping.windowMs : 0,
      },
      startsAt,
      matched: true,
    },
    openedAt,
  );
  const planKey = `${priority}@${openedAt}`;
  let plan = ctx.plans.get(planKey);
  if (!plan) ctx.plans.set(planKey, (plan = ctx.slaPlan(terms, opened.incident, opened.timeline, openedAt)));
  const alert = {
    source: SOURCE,
    fingerprint: series.fingerprint,
    status: 'firing',
    startsAt,
    endsAt: null,
    labels,
    annotations: JSON.parse(series.annotations),
    generatorURL: series.generatorURL,
    deliveryCount: 1,
    firstReceivedAt: openedAt,
    lastReceivedAt: openedAt,
  };
  return {
    plan,
    unit: () => async (tx) => {
      const id = await tx.insertIncident({ ...opened.incident, sla: plan.state });
      tx.setSlaDue(id, plan.pending);
      for (const entry of opened.timeline) tx.appendTimeline(id, entry);
      tx.insertAlert({ ...alert, incidentId: id });
      return id;
    },
  };
}

/** Runs units of work on a store in batches of SEED_BATCH; throws on the first that fails; returns their values. */
async function writeUnits(store, units) {
  const values = [];
  for (let first = 0; first < units.length; first += SEED_BATCH) {
    const settled = await store.incidents.runBatch(units.slice(first, first + SEED_BATCH));
    const failed = settled.find((r) => !r.ok);
    if (failed) throw new Error(`seeding an SLA store: a unit failed: ${failed.error && failed.error.stack ? failed.error.stack : failed.error}`);
    for (const r of settled) values.push(r.value);
  }
  return values;
}

/**
 * Seeds a new store file with `incidents` open incidents, `due` of them (every tenth) in the due
 * set; returns the due set's held `sla_due` value and what was written.
 */
async function seedSlaStore(dbFile, { incidents, due }) {
  const started = process.hrtime.bigint();
  const ctx = openingContext();
  const keys = ctx.keys(incidents);
  const keysMs = msSince(started);
  const seedAt = Date.now();
  const heldDueAt = seedAt + HOLD_MS;
  const every = due > 0 ? Math.max(1, Math.floor(incidents / due)) : Infinity;
  const store = ctx.openSqliteStore(dbFile);
  // As bench/prefill.js does: the secondary indexes of the tables written are dropped for the
  // seeding and created again from the schema's own SQL afterwards (a sort, much faster).
  const Database = require('better-sqlite3');
  const raw = new Database(dbFile);
  const tables = ['incidents', 'alerts', 'timeline', 'sla_due'];
  const indexes = raw
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`)
    .all(...tables);
  for (const { name } of indexes) raw.exec(`DROP INDEX ${name}`);
  let dueSet = 0;
  let earliestBackgroundDue = Infinity;
  const priorities = {};
  const held = [];
  try {
    for (let first = 0; first < incidents; first += SEED_BATCH) {
      const units = [];
      for (let i = first; i < Math.min(incidents, first + SEED_BATCH); i++) {
        const c = keys[i].c;
        const inDueSet = dueSet < due && i % every === 0;
        const priority = inDueSet ? 'P2' : c.priority === 'P1' || c.priority === 'P2' ? 'P3' : c.priority;
        const openedAt = inDueSet ? seedAt - 20 * MINUTE_MS - (i % 60) * 1000 : seedAt - (i % 12) * 5 * MINUTE_MS;
        const { plan, unit } = opening(ctx, keys[i], priority, openedAt);
        const firstDue = plan.pending[0] ? plan.pending[0].dueAt : null;
        if (inDueSet) dueSet += 1;
        else if (firstDue !== null) earliestBackgroundDue = Math.min(earliestBackgroundDue, firstDue);
        priorities[priority] = (priorities[priority] || 0) + 1;
        units.push(unit());
        if (inDueSet) held.push(units.length - 1);
      }
      const ids = await writeUnits(store, units);
      // The due set's rows keep their steps (the reminder overdue) but are held back until T.
      raw.transaction(() => {
        const hold = raw.prepare('UPDATE sla_due SET due_at = ? WHERE incident_id = ?');
        for (const i of held.splice(0)) hold.run(heldDueAt, ids[i]);
      })();
    }
  } finally {
    await store.close();
    raw.transaction(() => {
      for (const { sql } of indexes) raw.exec(sql);
    })();
    raw.close();
  }
  return {
    incidents,
    dueSet,
    priorities,
    seedAt,
    heldDueAt,
    earliestBackgroundDueMin: Number.isFinite(earliestBackgroundDue) ? (earliestBackgroundDue - Date.now()) / MINUTE_MS : null,
    keysMs: Math.round(keysMs),
    totalMs: Math.round(msSince(started)),
    ctx,
  };
}

/**
 * Where a step's time goes by priority: for each, `n` incidents opened so that exactly one step
 * (the response reminder at 50%) is due at a fixed instant, in a store of their own, then one
 * SlaWorker.runOnce() in process at that instant (a fake clock), nothing else running. P1 and P2
 * run on the 24x7 calendar, P3 and P4 on office hours (office-nl), opened on a Monday at 09:00.
 */
async function measureStepCost(dir, ctx, n, only = null) {
  const { SlaWorker } = dist('incidents/sla-worker');
  const { createLogger } = dist('core/logger');
  // Monday 2 November 2026, Amsterdam (UTC+1): 09:00 local is 08:00 UTC.
  const monday = Date.UTC(2026, 10, 2, 8, 0);
  const cases = [
    { priority: 'P1', openedAt: monday + 3 * 3_600_000 - 10 * MINUTE_MS, at: monday + 3 * 3_600_000 },
    { priority: 'P2', openedAt: monday + 3 * 3_600_000 - 20 * MINUTE_MS, at: monday + 3 * 3_600_000 },
    // P3: response 4h of office time, the reminder at 2h (11:00), the escalation at 13:00.
    { priority: 'P3', openedAt: monday, at: monday + 3 * 3_600_000 },
    // P4: response 1d of office time, the reminder at 12h (Tuesday 12:00), the escalation on Wednesday.
    { priority: 'P4', openedAt: monday, at: monday + DAY_MS + 4 * 3_600_000 },
  ];
  const keys = ctx.keys(4 * n);
  const out = {};
  for (const { priority, openedAt, at } of cases.filter((x) => only === null || only.includes(x.priority))) {
    const dbFile = path.join(dir, `steps-${priority}.db`);
    const store = ctx.openSqliteStore(dbFile);
    // The 24x7 ones are cheap: four times as many, for a steadier figure.
    const count = priority === 'P1' || priority === 'P2' ? 4 * n : n;
    try {
      const units = keys.slice(0, count).map((k) => {
        const { unit } = opening(ctx, k, priority, openedAt);
        return unit();
      });
      await writeUnits(store, units);
      const worker = new SlaWorker({ store: store.incidents, clock: { now: () => new Date(at) }, logger: createLogger({ level: 'warn' }) });
      const t = performance.now();
      const steps = await worker.runOnce();
      const ms = performance.now() - t;
      out[priority] = { incidents: count, steps, ms, msPerIncident: ms / count };
    } finally {
      await store.close();
    }
  }
  return out;
}

/** SlaWorker.runOnce() on a fresh connection to the store, with nothing due: each pass's time. */
async function measurePasses(dbFile, passes) {
  const { openSqliteStore } = dist('store/sqlite/sqlite-store');
  const { SlaWorker } = dist('incidents/sla-worker');
  const { createLogger } = dist('core/logger');
  const { systemClock } = dist('core/clock');
  const store = openSqliteStore(dbFile);
  try {
    const worker = new SlaWorker({ store: store.incidents, clock: systemClock, logger: createLogger({ level: 'warn' }) });
    const once = async () => {
      const t = performance.now();
      const ran = await worker.runOnce();
      const ms = performance.now() - t;
      if (ran !== 0) throw new Error(`a scheduler pass with nothing due ran ${ran} steps`);
      return ms;
    };
    const firstMs = await once();
    for (let i = 0; i < 9; i++) await once();
    const times = [];
    for (let i = 0; i < passes; i++) times.push(await once());
    const dueRows = await store.incidents.nextSlaDue();
    return { firstMs, latencyMs: summarize(times), nextDueInMin: dueRows === null ? null : (dueRows - Date.now()) / MINUTE_MS };
  } finally {
    await store.close();
  }
}

/** Counts, every POLL_MS, the rows due at `dueAt`; resolves the samples once none is left (or at `untilPerf`). */
function pollDue(db, dueAt, expected, untilPerf) {
  const count = db.prepare('SELECT COUNT(*) FROM sla_due WHERE due_at <= ?').pluck();
  const samples = [];
  return new Promise((resolve) => {
    const tick = () => {
      const at = performance.now();
      const left = count.get(dueAt);
      samples.push({ at, left });
      // More than expected: rows other than the due set came due; the checks afterwards say so.
      if ((left === 0 && samples.length > 1) || left > expected || at > untilPerf) {
        resolve(samples);
        return;
      }
      setTimeout(tick, POLL_MS);
    };
    tick();
  });
}

/** 2xx responses completed in [from, to) (performance.now() times), per second, and their latencies. */
function windowOf(responses, from, to) {
  const inside = responses.filter((r) => r.at >= from && r.at < to);
  const ok = inside.filter((r) => r.status >= 200 && r.status < 300);
  const seconds = (to - from) / 1000;
  return { seconds, requests2xx: ok.length, other: inside.length - ok.length, requestsPerS: seconds > 0 ? ok.length / seconds : null, latencyMs: summarize(ok.map((r) => r.ms)) };
}

/** The daemon on the seeded store: the due set comes due at T while webhooks are ingested. */
async function measureCatchUp(s, dir, dbFile, seeded) {
  const Database = require('better-sqlite3');
  const sum = (samples, name, filter = () => true) =>
    Object.entries(samples || {})
      .filter(([k]) => (k === name || k.startsWith(`${name}{`)) && filter(k))
      .reduce((a, [, v]) => a + v, 0);
  const daemon = await processes.startDaemon(dir, { dbFile, timeoutMs: 120_000, nodeArgs: s.nodeArgs });
  let reader = null;
  try {
    const pid = daemon.handle.child.pid;
    const before = await scrapeMetrics(daemon.url);
    const stepsBefore = sum(before, 'incident_bridge_sla_steps_total');
    // T: after the warm-up and the baseline, plus a second for the load to get going.
    const leadMs = (s.slaWarmupS + s.slaBaselineS + 1) * 1000;
    const writer = new Database(dbFile);
    writer.pragma('busy_timeout = 5000');
    const dueAt = Date.now() + leadMs;
    const moved = writer.prepare('UPDATE sla_due SET due_at = ? WHERE due_at = ?').run(dueAt, seeded.heldDueAt).changes;
    writer.close();
    const duePerf = performance.now() + (dueAt - Date.now());
    if (moved !== seeded.dueSet) throw new Error(`moving the due set to T changed ${moved} sla_due rows, expected ${seeded.dueSet}`);

    const responses = [];
    const loadS = s.slaWarmupS + s.slaBaselineS + 1 + s.slaAfterS;
    const streams = s.slaRate > 0 ? (s.rateStreams === null ? s.slaRate : s.rateStreams) : 1;
    const load = runLoad({
      url: `${daemon.url}/webhooks/alertmanager`,
      connections: s.slaRate > 0 ? s.rateConnections : s.slaConnections,
      rate: s.slaRate > 0 ? s.slaRate : null,
      streams,
      batch: 1,
      traffic: createTraffic({ seed: s.seed, reorder: s.reorder }),
      body: webhookBody,
      accepted: (_status, body) => Number((/"accepted"\s*:\s*(\d+)/.exec(body) || [0, 0])[1]),
      seen: new Set(),
      durationS: loadS,
      onResponse: (status, ms) => responses.push({ at: performance.now(), status, ms }),
    });
    const cpu = {};
    const snapAt = (name, atPerf) =>
      new Promise((resolve) =>
        setTimeout(() => {
          cpu[name] = cpuSnapshot(pid);
          resolve();
        }, Math.max(0, atPerf - performance.now())),
      );
    const snaps = [snapAt('baselineStart', duePerf - s.slaBaselineS * 1000), snapAt('due', duePerf)];
    reader = new Database(dbFile, { readonly: true, fileMustExist: true });
    reader.pragma('busy_timeout = 5000');
    // Polling starts a little before T, so that the last count that saw every row is close to it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, duePerf - 200 - performance.now())));
    const samples = await pollDue(reader, dueAt, seeded.dueSet, duePerf + Math.max(60, s.slaAfterS + 30) * 1000);
    cpu.done = cpuSnapshot(pid);
    const measured = await load;
    await Promise.all(snaps);
    // The rows are gone at the last batch's commit, its steps count once its WAL is on disk: wait for that, at most 5 s.
    let after = await scrapeMetrics(daemon.url);
    for (let waited = 0; sum(after, 'incident_bridge_sla_steps_total') - stepsBefore < seeded.dueSet && waited < 5000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrapeMetrics(daemon.url);
    }
    const stepsAfter = sum(after, 'incident_bridge_sla_steps_total');
    const remindersAfter = sum(after, 'incident_bridge_sla_steps_total', (k) => k.includes('action="remind"')) - sum(before, 'incident_bridge_sla_steps_total', (k) => k.includes('action="remind"'));
    reader.close();
    reader = null;
    const exit = await processes.stopChild(daemon.handle);

    const last = samples[samples.length - 1];
    const done = last.left === 0 ? last.at : null;
    // The scheduler's first batch committed between the last count that saw them all and the next.
    const full = samples.filter((p) => p.left === seeded.dueSet && (done === null || p.at < done));
    const lastFull = full.length > 0 ? full[full.length - 1].at : null;
    const firstPartial = samples.find((p) => p.left < seeded.dueSet);
    const baseline = windowOf(responses, duePerf - s.slaBaselineS * 1000, duePerf);
    const catchUp = done !== null && lastFull !== null ? windowOf(responses, lastFull, done) : null;
    const afterDue = windowOf(responses, duePerf, duePerf + s.slaApplyTargetS * 1000);
    // 2xx per second, whole seconds before and after T (negative: before), to see the rate settle.
    const perSecond = {};
    for (const r of responses) {
      if (r.status < 200 || r.status >= 300) continue;
      const sec = Math.floor((r.at - duePerf) / 1000);
      perSecond[sec] = (perSecond[sec] || 0) + 1;
    }
    return {
      dueSet: seeded.dueSet,
      leadS: leadMs / 1000,
      appliedS: done === null ? null : (done - duePerf) / 1000,
      firstCommitS: firstPartial ? (firstPartial.at - duePerf) / 1000 : null,
      schedulerBusyS: done !== null && lastFull !== null ? (done - lastFull) / 1000 : null,
      leftAtEnd: last.left,
      polls: samples.length,
      ingest: {
        connections: s.slaRate > 0 ? null : s.slaConnections,
        rate: s.slaRate > 0 ? s.slaRate : null,
        baseline,
        catchUp,
        afterDue,
        ratio: catchUp && baseline.requestsPerS ? catchUp.requestsPerS / baseline.requestsPerS : null,
        ratioAfterDue: baseline.requestsPerS ? afterDue.requestsPerS / baseline.requestsPerS : null,
        perSecond: Object.entries(perSecond)
          .map(([sec, n]) => [Number(sec), n])
          .sort((a, b) => a[0] - b[0]),
        whole: {
          durationS: measured.durationS,
          requests2xx: measured.requests2xx,
          non2xx: measured.non2xx,
          errors: measured.errors,
          timeouts: measured.timeouts,
          statusCounts: measured.statusCounts,
          errorSamples: measured.errorSamples,
          alertsAccepted: measured.alertsAccepted,
          duplicateBodies: measured.duplicateBodies,
        },
      },
      cpu: {
        baseline: cpu.baselineStart && cpu.due ? cpuDelta(cpu.baselineStart, cpu.due) : null,
        catchUp: cpu.due && cpu.done ? cpuDelta(cpu.due, cpu.done) : null,
      },
      steps: { metric: after && before ? stepsAfter - stepsBefore : null, reminders: after && before ? remindersAfter : null },
      startedToReadyMs: daemon.startedToReadyMs,
      exit: exit && { code: exit.code, signal: exit.signal },
      daemonOutput: daemon.handle.output.trim().slice(-2000) || null,
    };
  } finally {
    if (reader) reader.close();
    await processes.stopChild(daemon.handle);
  }
}

/** What the store holds after the run: the scheduler's reminders, the due set's rows, the terms. */
function storeCheck(dbFile, seeded) {
  const Database = require('better-sqlite3');
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const one = (sql, ...args) => db.prepare(sql).pluck().get(...args);
    return {
      openIncidents: one("SELECT COUNT(*) FROM incidents WHERE status <> 'resolved'"),
      slaDueRows: one('SELECT COUNT(*) FROM sla_due'),
      schedulerReminders: one("SELECT COUNT(*) FROM timeline WHERE event = 'reminder' AND actor_type = 'system' AND actor_name = 'sla'"),
      schedulerEntries: one("SELECT COUNT(*) FROM timeline WHERE actor_type = 'system' AND actor_name = 'sla'"),
      heldRowsLeft: one('SELECT COUNT(*) FROM sla_due WHERE due_at = ?', seeded.heldDueAt),
      slaTermsRows: one('SELECT COUNT(*) FROM sla_terms'),
    };
  } finally {
    db.close();
  }
}

/** Runs scenario S; `s` holds the benchmark's settings. */
async function runSlaScenario(s, dir) {
  require('node:fs').mkdirSync(dir, { recursive: true });
  const dbFile = path.join(dir, 'incident-bridge.db');
  const { ctx, ...seeded } = await seedSlaStore(dbFile, { incidents: s.slaIncidents, due: s.slaDue });
  const passes = await measurePasses(dbFile, s.slaPasses);
  const catchUp = await measureCatchUp(s, dir, dbFile, seeded);
  const store = storeCheck(dbFile, seeded);
  const stepCost = s.slaStepSample > 0 ? await measureStepCost(dir, ctx, s.slaStepSample) : null;
  const out = {
    seeded,
    passes,
    catchUp,
    store,
    stepCost,
    passTargetMs: s.slaPassTargetMs,
    applyTargetS: s.slaApplyTargetS,
    ingestRatioTarget: s.slaIngestRatio,
    baselineS: s.slaBaselineS,
    afterS: s.slaAfterS,
    warmupS: s.slaWarmupS,
  };
  out.targets = slaTargets(out);
  return out;
}

/** Targets of S, each `{scenario, metric, target, value, met}`. */
function slaTargets(out) {
  const n = (v) => (v >= 1000 ? `${+(v / 1000).toFixed(1)}k` : String(v));
  const c = out.catchUp;
  const p99 = out.passes.latencyMs.p99;
  const ratio = c.ingest.ratio;
  return [
    { scenario: 'S', metric: `scheduler pass with nothing due, p99 ms (${n(out.seeded.incidents)} open incidents)`, target: out.passTargetMs, value: p99, met: p99 !== null && p99 < out.passTargetMs },
    { scenario: 'S', metric: `${n(c.dueSet)} steps due at once, all applied after s`, target: out.applyTargetS, value: c.appliedS, met: c.appliedS !== null && c.appliedS <= out.applyTargetS },
    { scenario: 'S', metric: 'ingest rate during the catch-up / before it', target: out.ingestRatioTarget, value: ratio, met: ratio !== null && ratio >= out.ingestRatioTarget, atLeast: true },
  ];
}

module.exports = { runSlaScenario, seedSlaStore, measureStepCost };
