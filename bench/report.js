'use strict';

/* Checks and the printed tables of the incident-bridge benchmark. */

const { quietProblems } = require('./quiet');

const phases = (side) => [
  ['warm-up', side && side.warmup],
  ['measured', side && side.measured],
];

/** Everything that must not happen: non-2xx answers, transport errors, lost or replayed alerts. */
function problems(results) {
  const out = [];
  for (const r of results) {
    for (const [who, side] of [['incident-bridge', r.daemon], ['Alertmanager', r.alertmanager]]) {
      if (!side) continue;
      for (const [phase, p] of phases(side)) {
        if (!p) continue;
        if (p.non2xx > 0) out.push(`${r.id} ${who} ${phase}: ${p.non2xx} non-2xx answers ${JSON.stringify(p.statusCounts)}, e.g. ${JSON.stringify(p.errorSamples[0] || null)}`);
        if (p.errors > 0) out.push(`${r.id} ${who} ${phase}: ${p.errors} transport errors (${p.timeouts || 0} timeouts)`);
        if (p.duplicateBodies > 0) out.push(`${r.id} ${who} ${phase}: ${p.duplicateBodies} bodies repeated byte for byte (the generator must vary them)`);
      }
      const m = side.measured;
      if (m && m.requests2xx === 0) out.push(`${r.id} ${who}: no request succeeded`);
    }
    if (r.alertmanagerError) out.push(`${r.id} Alertmanager could not run: ${r.alertmanagerError.split('\n')[0]}`);
    const d = r.daemon;
    if (!d) continue;
    const failed = [d.warmup, d.measured].some((p) => p && Object.keys(p.statusCounts).some((code) => code >= '500'));
    if (failed && d.daemonOutput) {
      const lines = d.daemonOutput.split('\n').filter((l) => /error/i.test(l));
      if (lines.length > 0) out.push(`${r.id} incident-bridge log (last error line): ${lines[lines.length - 1].slice(0, 400)}`);
    }
    const m = d.measured;
    if (m.alertsAccepted !== m.requests2xx * r.batch) {
      out.push(`${r.id} incident-bridge: accepted ${m.alertsAccepted} alerts in ${m.requests2xx} answers of ${r.batch} alerts each`);
    }
    if (d.receiptsOk === false) {
      const ok = (d.warmup ? d.warmup.requests2xx : 0) + m.requests2xx;
      out.push(`${r.id} incident-bridge: ${d.store.receipts} webhook receipts in the store, expected between ${ok} (2xx answers) and ${d.requestsSent} (requests sent)`);
    }
    if (d.daemon && d.daemon.rejections > 0) out.push(`${r.id} incident-bridge: ${d.daemon.rejections} webhooks rejected (see its /api/v1/rejections)`);
    if (d.exit && d.exit.code !== 0) out.push(`${r.id} incident-bridge: exited with ${JSON.stringify(d.exit)} on SIGTERM; output:\n${d.daemonOutput || ''}`);
  }
  return out;
}

/** The least alerts/s as a share of Alertmanager's, by alerts per webhook (issue targets). */
const AM_RATIO_TARGETS = { 1: 0.5, 100: 1.0 };

/** The targets of scenarios 1 to 3: p99 of the fixed-rate scenario, throughput beside Alertmanager. */
function targets(results) {
  const latency = results
    .filter((r) => r.p99TargetMs !== undefined && r.daemon)
    .map((r) => {
      const p99 = r.daemon.measured.latencyMs.p99;
      return { scenario: r.id, metric: 'p99 ms', target: r.p99TargetMs, value: p99, met: p99 !== null && p99 < r.p99TargetMs };
    });
  const throughput = results
    .filter((r) => r.rate == null && AM_RATIO_TARGETS[r.batch] !== undefined && r.daemon && r.alertmanager)
    .map((r) => {
      const target = AM_RATIO_TARGETS[r.batch];
      const ratio = r.alertmanager.measured.alertsPerS > 0 ? r.daemon.measured.alertsPerS / r.alertmanager.measured.alertsPerS : null;
      return { scenario: r.id, metric: "alerts/s / Alertmanager's", target, value: ratio, met: ratio !== null && ratio >= target, atLeast: true };
    });
  return [...latency, ...throughput];
}

/** What must not happen in scenarios A to D: failed requests, lost notifications, a wrong store. */
function extraProblems(extra) {
  const out = [];
  const exited = (id, exit, output) => {
    if (exit && exit.code !== 0) out.push(`${id} incident-bridge: exited with ${JSON.stringify(exit)} on SIGTERM; output:\n${output || ''}`);
  };
  const a = extra.notify;
  if (a) {
    if (a.failedWebhooks > 0) out.push(`A: ${a.failedWebhooks} of ${a.webhooks} webhooks failed, e.g. ${a.failureSamples[0] || '-'}`);
    if (a.distinctIncidents !== a.webhooks2xx) out.push(`A: ${a.webhooks2xx} webhooks answered 200 but named ${a.distinctIncidents} distinct incidents (each should open its own)`);
    if (a.withoutAttempt > 0) out.push(`A: ${a.withoutAttempt} incidents had no delivery attempt at the receiver within 15 s`);
    if (a.withoutIdempotencyKey > 0) out.push(`A: ${a.withoutIdempotencyKey} delivery attempts without an Idempotency-Key header`);
    exited('A', a.exit, a.daemonOutput);
  }
  const b = extra.storm;
  if (b) {
    if (b.failures > 0) out.push(`B: ${b.failures} webhooks failed, e.g. ${b.failureSamples[0] || '-'}`);
    if (b.alertsAccepted !== b.alertsSent) out.push(`B: ${b.alertsAccepted} alerts accepted of ${b.alertsSent} sent`);
    if (!b.storeMatches) out.push(`B: the store differs from what the storm must leave in ${b.storeDifferences} place(s), e.g. ${b.storeDifferenceSamples.slice(0, 3).join('; ')}`);
    exited('B', b.exit, b.daemonOutput);
  }
  const g = extra.growth;
  if (g) {
    for (const [name, side] of [['C-empty', g.empty], ['C-large', g.large]]) {
      if (!side) continue;
      const i = side.ingest;
      if (i.failures > 0) {
        out.push(`${name}: ${i.failures} ingest requests failed (${i.non2xx} non-2xx, ${i.errors} transport errors of which ${i.timeouts} timeouts after 10 s)${i.errorSamples[0] ? `, e.g. ${JSON.stringify(i.errorSamples[0])}` : ''}`);
      }
      if (side.listing.failures > 0) out.push(`${name}: ${side.listing.failures} listing requests failed`);
    }
    for (const [name, exit] of [['C-empty', g.emptyExit], ['C-large', g.largeExit]]) exited(name, exit, null);
  }
  const e = extra.actions;
  if (e) {
    for (const [phase, act, ing] of [['warm-up', e.warmupActions, e.warmupIngest], ['measured', e.actions, e.ingest]]) {
      if (act && act.failed > 0) out.push(`E ${phase}: ${act.failed} of ${act.sent} actions answered neither 200 nor 409, e.g. ${act.failureSamples[0] || '-'}`);
      if (ing && ing.non2xx + ing.errors > 0) out.push(`E ${phase}: ${ing.non2xx} webhooks non-2xx ${JSON.stringify(ing.statusCounts)} and ${ing.errors} transport errors, e.g. ${JSON.stringify(ing.errorSamples[0] || null)}`);
      if (ing && ing.alertsAccepted !== ing.requests2xx) out.push(`E ${phase}: ${ing.alertsAccepted} alerts accepted in ${ing.requests2xx} answers of one alert each`);
    }
    if (e.commentsOnTimeline !== e.commentsOk) out.push(`E: ${e.commentsOk} comments answered 200 but ${e.commentsOnTimeline} are on the timelines`);
    exited('E', e.exit, e.daemonOutput);
  }
  const x = extra.sla;
  if (x) {
    const c = x.catchUp;
    const w = c.ingest.whole;
    if (w.non2xx + w.errors > 0) out.push(`S: ${w.non2xx} webhooks non-2xx ${JSON.stringify(w.statusCounts)} and ${w.errors} transport errors (${w.timeouts || 0} timeouts), e.g. ${JSON.stringify(w.errorSamples[0] || null)}`);
    if (w.alertsAccepted !== w.requests2xx) out.push(`S: ${w.alertsAccepted} alerts accepted in ${w.requests2xx} answers of one alert each`);
    if (w.duplicateBodies > 0) out.push(`S: ${w.duplicateBodies} webhook bodies repeated byte for byte`);
    if (c.leftAtEnd > 0) out.push(`S: ${fmt(c.leftAtEnd)} of the ${fmt(c.dueSet)} due incidents still due ${fmt(Math.max(60, x.afterS + 30))} s after the due moment`);
    if (c.steps.metric !== null && c.steps.metric !== c.dueSet) out.push(`S: the daemon ran ${fmt(c.steps.metric)} SLA steps (incident_bridge_sla_steps_total), expected ${fmt(c.dueSet)} (one reminder per due incident)`);
    if (x.store.schedulerReminders !== c.dueSet) out.push(`S: the store holds ${fmt(x.store.schedulerReminders)} reminders by the scheduler, expected ${fmt(c.dueSet)}`);
    if (x.store.schedulerEntries !== x.store.schedulerReminders) out.push(`S: the scheduler wrote ${fmt(x.store.schedulerEntries - x.store.schedulerReminders)} timeline entries besides its reminders (a step other than the due one ran)`);
    if (x.store.heldRowsLeft > 0) out.push(`S: ${fmt(x.store.heldRowsLeft)} sla_due rows still held back (the due set was not moved to T)`);
    if (x.store.slaTermsRows !== 1) out.push(`S: ${fmt(x.store.slaTermsRows)} distinct SLA terms in the store; the seeded incidents' terms and the daemon's should be one`);
    exited('S', c.exit, c.daemonOutput);
  }
  if (extra.quiet) out.push(...quietProblems(extra.quiet));
  const p = extra.copy;
  if (p) {
    if (p.copy.code !== 0) out.push(`P: incident-bridge copy exited ${p.copy.code}: ${p.copy.stderr.split('\n')[0]}`);
    for (const [table, c] of Object.entries(p.counts)) if (c.sqlite !== c.postgres) out.push(`P: ${table} holds ${fmt(c.sqlite)} rows in SQLite and ${fmt(c.postgres)} in PostgreSQL after the copy`);
  }
  return out;
}

/** The targets of A to D, each `{scenario, metric, target, value, met}` (`atLeast`: value >= target). */
function extraTargets(extra) {
  const t = [];
  if (extra.notify) {
    const v = extra.notify.toFirstAttemptMs.p99;
    t.push({ scenario: 'A', metric: 'webhook sent to first delivery attempt, p99 ms', target: extra.notify.p99TargetMs, value: v, met: v !== null && v < extra.notify.p99TargetMs && extra.notify.withoutAttempt === 0 });
  }
  if (extra.storm) {
    const v = extra.storm.peakRssMiB;
    t.push({ scenario: 'B', metric: `peak RSS MiB (${fmt(extra.storm.alertsSent)} alerts)`, target: extra.storm.rssTargetMiB, value: v, met: v !== null && v < extra.storm.rssTargetMiB });
  }
  if (extra.growth) t.push(...extra.growth.targets);
  if (extra.actions) {
    const e = extra.actions;
    const action = e.actions.latencyMs.p99;
    const ingest = e.ingest.latencyMs.p99;
    t.push({ scenario: 'E', metric: `action p99 ms (${fmt(e.actionRate)}/s)`, target: e.actionP99TargetMs, value: action, met: action !== null && action < e.actionP99TargetMs });
    t.push({ scenario: 'E', metric: `ingest p99 ms (${fmt(e.rate)} webhooks/s beside the actions)`, target: e.ingestP99TargetMs, value: ingest, met: ingest !== null && ingest < e.ingestP99TargetMs });
  }
  if (extra.sla) t.push(...extra.sla.targets);
  if (extra.quiet) t.push(...extra.quiet.targets);
  if (extra.console) t.push(...extra.console.targets);
  if (extra.report) t.push(...extra.report.targets);
  return t;
}

function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A text table; the first `leftColumns` columns are left-aligned, the others right-aligned. */
function table(header, rows, leftColumns = 2) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i < leftColumns ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Closed loop: the number of connections; fixed rate: how the rate is paced. */
function loadLabel(r, m) {
  if (r.rate && m.streams > 1) return `paced x${m.streams}`;
  if (r.rate) return `${m.connections} burst`;
  return String(r.connections);
}

function renderExtra(output, parts) {
  const a = output.notify;
  if (a) {
    parts.push('');
    parts.push(`A. latency to the support line: ${fmt(a.rate)} webhooks/s for ${fmt(a.durationS)} s, each opening an incident; webhook channel to a loopback receiver`);
    parts.push(
      table(
        ['webhooks', '2xx', 'webhook p50 ms', 'webhook p99 ms', 'to 1st attempt p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'no attempt', 'repeated'],
        [[fmt(a.webhooks), fmt(a.webhooks2xx), fmt(a.webhookMs.p50, 2), fmt(a.webhookMs.p99, 2), fmt(a.toFirstAttemptMs.p50, 1), fmt(a.toFirstAttemptMs.p90, 1), fmt(a.toFirstAttemptMs.p99, 1), fmt(a.toFirstAttemptMs.max, 1), fmt(a.withoutAttempt), fmt(a.repeatedAttempts)]],
        0,
      ),
    );
  }
  const b = output.storm;
  if (b) {
    parts.push('');
    parts.push(`B. storm: ${fmt(b.distinctAlerts)} distinct alerts over ${fmt(b.incidentKeys)} incident keys, 100 alerts/webhook, ${fmt(b.concurrency)} in flight`);
    parts.push(
      table(
        ['alerts', 'webhooks', 'wall s', 'alerts/s', 'webhook p50 ms', 'p99 ms', 'peak RSS MiB', 'RSS at end MiB', 'incidents exp/store', 'open exp/store', 'reopens', 'store check'],
        [[
          fmt(b.alertsSent),
          fmt(b.webhooks),
          fmt(b.wallS, 1),
          fmt(b.alertsPerS),
          fmt(b.webhookMs.p50, 1),
          fmt(b.webhookMs.p99, 1),
          fmt(b.peakRssMiB),
          fmt(b.rssAtEndMiB),
          `${fmt(b.expected.incidents)}/${b.store ? fmt(b.store.incidents) : '-'}`,
          `${fmt(b.expected.open)}/${b.store ? fmt(b.store.open) : '-'}`,
          fmt(b.expected.reopens),
          b.storeMatches ? 'exact' : `${fmt(b.storeDifferences)} diffs`,
        ]],
        0,
      ),
    );
    parts.push('(peak RSS: the daemon\'s VmHWM from /proc at the end, or the highest VmRSS sampled every 200 ms; store check: per key status, alert, firing, delivery and reopen counts)');
  }
  const g = output.growth;
  if (g) {
    const p = g.prefill;
    parts.push('');
    parts.push(
      `C/D. store growth: large store pre-filled with ${fmt(p.incidents)} incidents (${fmt(p.openIncidents)} not resolved, ${fmt(p.keys)} keys), ` +
        `${fmt(p.alerts)} alerts, ${fmt(p.timeline)} timeline rows, ${fmt(p.fileMiB)} MiB, in ${fmt(p.totalMs / 1000, 1)} s`,
    );
    const rows = [];
    for (const [name, side] of [['empty', g.empty], ['large', g.large]]) {
      if (!side) continue;
      rows.push([
        name,
        fmt(side.ingest.alertsPerS),
        fmt(side.ingest.latencyMs.p50, 1),
        fmt(side.ingest.latencyMs.p99, 1),
        fmt(side.listing.incidentsReturned),
        fmt(side.listing.latencyMs.p50, 2),
        fmt(side.listing.latencyMs.p99, 2),
        fmt(side.listing.latencyMs.max, 2),
      ]);
    }
    if (rows.length > 0) {
      parts.push(table(['store', 'ingest alerts/s', 'ingest p50 ms', 'ingest p99 ms', 'listed', 'GET ?status=open p50 ms', 'p99 ms', 'max ms'], rows, 1));
      parts.push(`(ingest: 100-alert webhooks, 16 connections, ${fmt(g.empty ? g.empty.ingest.durationS : g.large.ingest.durationS)} s after a warm-up; listing: sequential requests after the ingest)`);
    }
    const starts = [];
    const list = (ms) => ms.map((v) => fmt(v)).join(', ');
    if (g.startEmpty) {
      starts.push(['empty, new file', list(g.startEmpty.newFileMs), fmt(Math.max(...g.startEmpty.newFileMs))]);
      starts.push(['empty, existing file', list(g.startEmpty.existingFileMs), fmt(Math.max(...g.startEmpty.existingFileMs))]);
    }
    if (g.startLarge) starts.push(['large', list(g.startLarge.existingFileMs), fmt(Math.max(...g.startLarge.existingFileMs))]);
    if (starts.length > 0) {
      parts.push('');
      parts.push('D. start to ready: spawn of node dist/main.js serve to the first 200 of /-/ready (polled every 5 ms)');
      parts.push(table(['store', 'runs ms', 'max ms'], starts, 1));
    }
  }
  const e = output.actions;
  if (e) {
    parts.push('');
    parts.push(
      `E. actions while ingesting: ${fmt(e.actionRate)} actions/s round a pool of ${fmt(e.poolSize)} open incidents (POST /api/v1/incidents/{id}/{action} with a responder's token), ` +
        `beside ${fmt(e.rate)} webhooks/s paced as in 3; ${fmt(e.durationS)} s measured after ${fmt(e.warmupS)} s of warm-up`,
    );
    const a = e.actions;
    const i = e.ingest;
    parts.push(
      table(
        ['load', 'per s', 'answered', '2xx', '409', 'other', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
        [
          ['actions', fmt(a.sent / e.durationS, 1), fmt(a.latencyMs.count), fmt(a.ok), fmt(a.conflicts), fmt(a.failed), fmt(a.latencyMs.p50, 2), fmt(a.latencyMs.p90, 2), fmt(a.latencyMs.p99, 2), fmt(a.latencyMs.max, 1)],
          ['webhooks', fmt(i.requestsPerS, 1), fmt(i.latencyMs.count), fmt(i.requests2xx), '-', fmt(i.non2xx + i.errors), fmt(i.latencyMs.p50, 2), fmt(i.latencyMs.p90, 2), fmt(i.latencyMs.p99, 2), fmt(i.latencyMs.max, 1)],
        ],
        1,
      ),
    );
    const kinds = Object.entries(a.byAction).map(([name, k]) => `${name} ${fmt(k.ok)}/${fmt(k.sent)}${k.conflict ? ` (${fmt(k.conflict)} x 409)` : ''}`);
    parts.push(`(actions answered 200 of sent: ${kinds.join(', ')}; 409: escalating past L3, or acting on what the mix just resolved)`);
    if (e.cpu) parts.push(`(daemon ${fmt(e.cpu.serverCores, 2)} cores, load generator ${fmt(e.cpu.loadGeneratorCores, 2)} cores in the measured seconds)`);
  }
  const x = output.sla;
  if (x) renderSla(x, parts);
  const q = output.quiet;
  if (q) renderQuiet(q, parts);
  const p = output.copy;
  if (p) renderCopy(p, parts);
}

function renderCopy(p, parts) {
  parts.push('');
  parts.push(
    `P. moving up: incident-bridge copy --from sqlite:PATH --to postgres:URL of ${fmt(p.seeded.incidents)} open incidents (seeded as in S in ${fmt(p.seeded.totalMs / 1000, 1)} s, ` +
      `file ${fmt(p.sqliteBytes / 1048576)} MiB) into an empty database; PostgreSQL: ${p.postgres}`,
  );
  parts.push(
    table(
      ['table', 'rows in SQLite', 'rows in PostgreSQL'],
      Object.entries(p.counts).map(([t, c]) => [t, fmt(c.sqlite), fmt(c.postgres)]),
      1,
    ),
  );
  parts.push(`(the command, exit ${p.copy.code}: ${fmt(p.copy.ms / 1000, 1)} s for ${fmt(p.rows)} rows, ${fmt(p.rowsPerS)} rows/s; it said: ${p.copy.code === 0 ? p.copy.stdout : p.copy.stderr.split('\n')[0]})`);
}

function renderQuiet(q, parts) {
  const w = q.windows;
  const sil = q.silences.quiet;
  parts.push('');
  parts.push(
    `Q. the quiet's cost: 1-alert webhooks, closed loop on ${fmt(q.connections)} connections, into daemons side by side on stores of their own, in turn: ` +
      `${fmt(q.rounds.length)} round(s) of ${fmt(q.durationS)} s each after ${fmt(q.warmupS)} s of warm-up on each; the same traffic (one seed) into each`,
  );
  parts.push(
    `(b) quiet: ${fmt(w.windows)} maintenance windows (${fmt(w.oneOff)} one-off, ${fmt(w.recurring)} RRULE daily/weekly, ${fmt(w.zones)} time zones; ${fmt(w.inForceAtStart)} in force, ` +
      `${fmt(w.selectingLoadAlerts)} selecting some of the load's alerts but not in force during the run; next window edge ${fmt(w.nextEdgeH, 1)} h ahead) ` +
      `and ${fmt(sil.active)} active silences made through the API in ${fmt(sil.ms / 1000, 1)} s, none covering the load` +
      `${q.stores.covered ? `; (c) covered: the same plus a silence {${q.coveringSilence.join(', ')}} (${fmt(100 * q.coveredShareExpected)}% of the load's alerts)` : ''}`,
  );
  const names = Object.keys(q.rates);
  const rows = [];
  q.rounds.forEach((r, i) => {
    for (const name of names) {
      const p = r[name];
      const ev = p.incidentEvents || {};
      rows.push([
        `${i + 1}`,
        name === 'plain' ? '(a) plain' : name === 'quiet' ? '(b) quiet' : '(c) covered',
        fmt(p.requests2xx),
        fmt(p.requestsPerS),
        fmt(p.latencyMs.p50, 2),
        fmt(p.latencyMs.p99, 2),
        fmt(p.serverCores, 2),
        fmt(p.loadGeneratorCores, 2),
        `${fmt(ev.opened)}/${fmt(ev.attached)}/${fmt(ev.reopened)}/${fmt(ev.resolved)}`,
        name === 'plain' || !r.plain.requestsPerS ? '-' : `${fmt((100 * p.requestsPerS) / r.plain.requestsPerS, 1)}%`,
      ]);
    }
  });
  parts.push(table(['round', 'daemon', '2xx', 'webhooks/s', 'p50 ms', 'p99 ms', 'daemon cores', 'loadgen cores', 'opened/attached/reopened/resolved', 'of (a)'], rows, 2));
  const pct = (v) => (v === null || v === undefined ? '-' : `${fmt(100 * v, 1)}%`);
  parts.push(
    `over all rounds: (a) ${fmt(q.rates.plain)}, (b) ${fmt(q.rates.quiet)} webhooks/s: (b)/(a) ${pct(q.ratio)} (rounds: ${q.roundRatios.map(pct).join(', ')}; target at least ${pct(q.ratioTarget)}: ` +
      `${q.targets[0].met ? 'met' : 'NOT met'})${q.coveredRatio !== null ? `; (c) ${fmt(q.rates.covered)} webhooks/s, ${pct(q.coveredRatio)} of (a)` : ''}`,
  );
  const st = (name) => {
    const x = q.stores[name];
    if (!x) return null;
    const by = Object.entries(x.suppressedBy).map(([k, v]) => `${k} ${fmt(v)}`).join(', ') || 'none';
    return `${name}: ${fmt(x.incidents)} incidents (${fmt(x.openIncidents)} open), ${fmt(x.silences)} silences, suppressed: ${by}`;
  };
  parts.push(`(store after the run, warm-up included: ${names.map(st).filter(Boolean).join('; ')}; inhibition, by the config's inhibit rule, is the same in every daemon)`);
}

function renderSla(x, parts) {
  const sd = x.seeded;
  const c = x.catchUp;
  const i = c.ingest;
  const prio = Object.entries(sd.priorities)
    .sort()
    .map(([p, n]) => `${p} ${fmt(n)}`)
    .join(', ');
  parts.push('');
  parts.push(
    `S. SLA scheduler: ${fmt(sd.incidents)} open incidents with SLA terms and an sla_due row each (${prio}), seeded through the store code in ${fmt(sd.totalMs / 1000, 1)} s; ` +
      `the background's earliest step ${fmt(sd.earliestBackgroundDueMin / 60, 1)} h ahead`,
  );
  const p = x.passes;
  parts.push(
    table(
      ['scheduler pass, nothing due', 'passes', 'first ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      [['SlaWorker.runOnce() in process', fmt(p.latencyMs.count), fmt(p.firstMs, 3), fmt(p.latencyMs.p50, 3), fmt(p.latencyMs.p90, 3), fmt(p.latencyMs.p99, 3), fmt(p.latencyMs.max, 3)]],
      1,
    ),
  );
  parts.push('');
  parts.push(
    `${fmt(c.dueSet)} incidents (P2, one response reminder each) come due at one instant T, ${fmt(c.leadS)} s after the daemon was ready, while webhooks of 1 alert go in ` +
      `(${i.rate ? `${fmt(i.rate)}/s paced` : `closed loop, ${fmt(i.connections)} connections`}): all applied ${c.appliedS === null ? 'NOT within the wait' : `${fmt(c.appliedS, 2)} s after T`} ` +
      `(first batch seen at ${fmt(c.firstCommitS, 2)} s: the scheduler wakes at the due time; busy ${fmt(c.schedulerBusyS, 2)} s)`,
  );
  const row = (name, w, cpu) =>
    w ? [name, fmt(w.seconds, 2), fmt(w.requests2xx), fmt(w.requestsPerS), fmt(w.latencyMs.p50, 2), fmt(w.latencyMs.p99, 2), fmt(w.latencyMs.max, 1), cpu ? fmt(cpu.serverCores, 2) : '-', cpu ? fmt(cpu.loadGeneratorCores, 2) : '-'] : [name, '-', '-', '-', '-', '-', '-', '-', '-'];
  parts.push(
    table(
      ['ingest window', 's', '2xx', 'webhooks/s', 'p50 ms', 'p99 ms', 'max ms', 'daemon cores', 'loadgen cores'],
      [
        row(`before T (${fmt(x.baselineS)} s after ${fmt(x.warmupS)} s warm-up)`, i.baseline, c.cpu.baseline),
        row('during the catch-up', i.catchUp, c.cpu.catchUp),
        row(`first ${fmt(x.applyTargetS)} s after T`, i.afterDue, null),
      ],
      1,
    ),
  );
  parts.push(
    `(catch-up: from the last count of the due rows that saw all ${fmt(c.dueSet)} to the first that saw none, counted every 10 ms read-only; ` +
      `ingest during it ${fmt(i.ratio === null ? null : 100 * i.ratio)}% of before, in the first ${fmt(x.applyTargetS)} s after T ${fmt(i.ratioAfterDue === null ? null : 100 * i.ratioAfterDue)}%; ` +
      `steps by the daemon's metric ${fmt(c.steps.metric)}, scheduler reminders in the store ${fmt(x.store.schedulerReminders)})`,
  );
  if (x.stepCost) {
    const costs = Object.entries(x.stepCost).map(([p, v]) => `${p} ${fmt(v.msPerIncident, v.msPerIncident < 10 ? 2 : 0)} ms (${fmt(v.steps)} steps of ${fmt(v.incidents)} incidents)`);
    const slowest = Math.max(...Object.values(x.stepCost).map((v) => v.msPerIncident));
    parts.push(
      `step cost by priority, SlaWorker.runOnce() in process on a store of its own with one reminder due per incident, nothing else running: ${costs.join(', ')}; ` +
        `P1/P2 on 24x7, P3/P4 on office hours; ${fmt(c.dueSet)} due at the slowest would take ${fmt((slowest * c.dueSet) / 1000)} s`,
    );
  }
}

function render(output) {
  const parts = [];
  if (output.scenarios.length === 0) {
    renderExtra(output, parts);
    return renderTail(output, parts);
  }
  const rows = output.scenarios.map((r) => {
    const m = r.daemon.measured;
    const d = r.daemon.daemon || {};
    const cpu = r.daemon.cpu || {};
    return [
      r.id,
      r.title,
      loadLabel(r, m),
      fmt(m.requestsPerS),
      fmt(m.alertsPerS),
      fmt(m.latencyMs.p50, 2),
      fmt(m.latencyMs.p90, 2),
      fmt(m.latencyMs.p99, 2),
      fmt(m.latencyMs.max, 1),
      fmt(d.meanWebhooksPerCommit, 1),
      fmt(cpu.serverCores, 2),
      fmt(cpu.loadGeneratorCores, 2),
      fmt(m.non2xx + m.errors + (r.daemon.warmup ? r.daemon.warmup.non2xx + r.daemon.warmup.errors : 0)),
    ];
  });
  parts.push('incident-bridge (POST /webhooks/alertmanager, SQLite on disk, answers after commit; conc = connections)');
  parts.push(table(['scenario', 'load', 'conc', 'req/s', 'alerts/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'webhooks/commit', 'daemon cores', 'loadgen cores', 'non-2xx+err'], rows));

  const stores = output.scenarios.filter((r) => r.daemon.store && !r.daemon.store.error);
  if (stores.length > 0) {
    parts.push('');
    parts.push('store after each scenario (warm-up included)');
    parts.push(
      table(
        ['scenario', 'traffic', 'incidents', 'keys', 'open', 'opened', 'attached', 'reopened', 'resolved', 'alert rows', 'timeline', 'receipts', 'MiB'],
        stores.map((r) => {
          const st = r.daemon.store;
          const ev = (r.daemon.daemon && r.daemon.daemon.incidentEvents) || {};
          const t = r.daemon.traffic;
          return [
            r.id,
            `${fmt(t.alerts)} alerts (${fmt((100 * t.firing) / Math.max(1, t.alerts))}% firing)`,
            fmt(st.incidents),
            fmt(st.incidentKeys),
            fmt(st.openIncidents),
            fmt(ev.opened),
            fmt(ev.attached),
            fmt(ev.reopened),
            fmt(ev.resolved),
            fmt(st.alertRows),
            fmt(st.timelineRows),
            fmt(st.receipts),
            fmt(st.fileMiB, 1),
          ];
        }),
      ),
    );
    parts.push('(opened/attached/reopened/resolved: incident events in the measured phase only)');
  }

  const withAm = output.scenarios.filter((r) => r.alertmanager);
  if (withAm.length > 0) {
    parts.push('');
    parts.push(`Alertmanager ${output.alertmanagerVersion || ''} side by side (POST /api/v2/alerts, in memory, same alerts and load)`);
    parts.push(
      table(
        ['scenario', 'load', 'conc', 'AM req/s', 'AM alerts/s', 'AM p50 ms', 'AM p99 ms', 'AM cores', 'AM non-2xx+err', 'bridge alerts/s', 'bridge/AM'],
        withAm.map((r) => {
          const a = r.alertmanager.measured;
          const b = r.daemon.measured;
          return [
            r.id,
            r.title,
            loadLabel(r, a),
            fmt(a.requestsPerS),
            fmt(a.alertsPerS),
            fmt(a.latencyMs.p50, 2),
            fmt(a.latencyMs.p99, 2),
            fmt(r.alertmanager.cpu && r.alertmanager.cpu.serverCores, 2),
            fmt(a.non2xx + a.errors + (r.alertmanager.warmup ? r.alertmanager.warmup.non2xx + r.alertmanager.warmup.errors : 0)),
            fmt(b.alertsPerS),
            a.alertsPerS > 0 ? `${fmt(b.alertsPerS / a.alertsPerS, 2)}x` : '-',
          ];
        }),
      ),
    );
  }

  renderExtra(output, parts);
  return renderTail(output, parts);
}

function renderTail(output, parts) {
  parts.push('');
  for (const t of output.targets) {
    parts.push(`target ${t.scenario}: ${t.metric} ${fmt(t.value, 2)} ${t.atLeast ? '>=' : '<'} ${t.target}: ${t.met ? 'met' : 'MISSED'}`);
  }
  for (const note of output.notes) parts.push(`note: ${note}`);
  const m = output.machine;
  parts.push(`machine: ${m.cpus} CPU (${m.cpuModel}), ${m.memoryGiB} GiB, node ${m.node}; load generator and server share these CPUs; load average at start ${m.loadAverage1mAtStart}`);
  if (m.loadAverage1mAtStart > m.cpus / 4) parts.push('note: the machine was busy when the run started; other work skews these numbers.');
  if (output.problems.length > 0) {
    parts.push('');
    parts.push(`PROBLEMS (${output.problems.length}):`);
    for (const p of output.problems) parts.push(`  - ${p}`);
  } else {
    const checks = [];
    if (output.scenarios.length > 0) checks.push('every request answered 2xx, no transport errors, every alert accepted, every body stored once');
    if (output.notify) checks.push('A: each webhook opened its own incident, each incident reached the receiver with an Idempotency-Key');
    if (output.storm) checks.push('B: every alert accepted, the store exactly as the storm must leave it');
    if (output.growth && (output.growth.empty || output.growth.large)) checks.push('C: every ingest and listing request answered 2xx');
    if (output.actions) checks.push('E: every action answered 200 or 409, every webhook 2xx, every 200 comment on its timeline');
    if (output.sla) checks.push('S: every webhook 2xx, exactly one reminder per due incident (metric and store), one set of SLA terms');
    if (output.quiet) checks.push('Q: every webhook 2xx, every silence made, no incident of (b) suppressed by a window or a silence');
    if (output.copy) checks.push('P: the copy exited 0, every table holds as many rows in PostgreSQL as in SQLite');
    if (checks.length > 0) parts.push(`checks: ${checks.join('; ')}`);
  }
  if (output.failure) parts.push(`\nFAILED: ${output.failure.split('\n')[0]}`);
  return parts.join('\n');
}

module.exports = { problems, targets, extraProblems, extraTargets, render, fmt };
