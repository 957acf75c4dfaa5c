'use strict';

/* Checks and the printed tables of the incident-bridge benchmark. */

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

/** The latency targets: p99 of the fixed-rate scenario. */
function targets(results) {
  return results
    .filter((r) => r.p99TargetMs !== undefined && r.daemon)
    .map((r) => {
      const p99 = r.daemon.measured.latencyMs.p99;
      return { scenario: r.id, metric: 'p99 ms', target: r.p99TargetMs, value: p99, met: p99 !== null && p99 < r.p99TargetMs };
    });
}

function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Closed loop: the number of connections; fixed rate: how the rate is paced. */
function loadLabel(r, m) {
  if (r.rate && m.streams > 1) return `paced x${m.streams}`;
  if (r.rate) return `${m.connections} burst`;
  return String(r.connections);
}

function render(output) {
  const parts = [];
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

  parts.push('');
  for (const t of output.targets) {
    parts.push(`target ${t.scenario}: ${t.metric} ${fmt(t.value, 2)} < ${t.target}: ${t.met ? 'met' : 'MISSED'}`);
  }
  for (const note of output.notes) parts.push(`note: ${note}`);
  const m = output.machine;
  parts.push(`machine: ${m.cpus} CPU (${m.cpuModel}), ${m.memoryGiB} GiB, node ${m.node}; load generator and server share these CPUs; load average at start ${m.loadAverage1mAtStart}`);
  if (m.loadAverage1mAtStart > m.cpus / 4) parts.push('note: the machine was busy when the run started; other work skews these numbers.');
  if (output.problems.length > 0) {
    parts.push('');
    parts.push(`PROBLEMS (${output.problems.length}):`);
    for (const p of output.problems) parts.push(`  - ${p}`);
  } else if (output.scenarios.length > 0) {
    parts.push('checks: every request answered 2xx, no transport errors, every alert accepted, every body stored once');
  }
  if (output.failure) parts.push(`\nFAILED: ${output.failure.split('\n')[0]}`);
  return parts.join('\n');
}

module.exports = { problems, targets, render };
