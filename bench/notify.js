'use strict';

/*
 * Scenario A, latency to the support line: how long from a monitoring system's webhook to the
 * first delivery attempt of the incident's notification at the support line's receiver.
 *
 * The daemon gets one `webhook` notification channel (no routes: every event goes to it) that
 * points at bench/receiver.js, a loopback HTTP server in its own process that stamps each
 * arriving attempt. The benchmark sends webhooks of one firing HostHighCpuLoad alert, each with
 * its own instance, so each opens a new incident (shop-infrastructure/host-resources is grouped
 * by instance), at a steady rate, evenly spaced. A webhook's 200 answer names its incident
 * (`{"incidents": [id]}`), the notification's body names it too (`incident.id`): the latency of
 * an incident is the first attempt's arrival minus the instant its webhook was sent.
 */

const path = require('node:path');
const { fingerprint, webhookBody } = require('./alerts');
const { createAgent, request, summarize } = require('./client');
const processes = require('./processes');

const CHANNEL = 'support-line';

/** Starts the receiver child; resolves `{handle, url, attempts}` once it listens. */
async function startReceiver() {
  const handle = processes.startChild('receiver', process.execPath, [path.join(__dirname, 'receiver.js')], { ipc: true, env: process.env });
  const attempts = [];
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver did not listen within 10 s:\n${handle.output}`)), 10_000);
    handle.child.on('message', (m) => {
      if (m.type === 'listening') {
        clearTimeout(timer);
        resolve(m.port);
      } else if (m.type === 'attempts') {
        attempts.push(...m.attempts);
      }
    });
    handle.exitedPromise.then(() => reject(new Error(`receiver exited:\n${handle.output}`)));
  });
  return { handle, url: `http://127.0.0.1:${port}/incidents`, attempts };
}

/** One firing alert of its own host: a new incident of shop-infrastructure/host-resources. */
function newIncidentBody(run, i, startsAt) {
  const instance = `notify-${run}-${String(i).padStart(5, '0')}.prod-eu1.example.net:9100`;
  const labels = { alertname: 'HostHighCpuLoad', cluster: 'prod-eu1', instance, job: 'node-exporter', prometheus: 'monitoring/k8s', severity: 'warning', team: 'platform' };
  const series = { labels, fingerprint: fingerprint(labels), generatorURL: 'https://prometheus.prod-eu1.example.net/graph?g0.expr=node_cpu' };
  return webhookBody({
    cluster: 'prod-eu1',
    alerts: [
      {
        series,
        status: 'firing',
        annotations: { description: `CPU load on ${instance} is 97% (5m average, threshold 90%).`, summary: 'Host CPU load is high' },
        startsAt,
        endsAt: 0,
      },
    ],
  });
}

/**
 * Sends `count` webhooks evenly spaced at `rate`/s without waiting for answers (as independent
 * Alertmanager groups would); returns per webhook `{sentAt, status, incidentId, ms}`.
 */
async function sendPaced(url, run, count, rate, first) {
  const agent = createAgent(64);
  const interval = 1000 / rate;
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < count; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = newIncidentBody(run, first + i, Date.now() - 5000);
    pending.push(
      request(agent, 'POST', url, body).then(
        (r) => {
          let incidentId = null;
          try {
            incidentId = r.status === 200 ? JSON.parse(r.body).incidents[0] : null;
          } catch {
            // counted as a failed webhook below
          }
          return { sentAt: r.sentAt, status: r.status, incidentId, ms: r.ms, error: r.status === 200 ? null : r.body.slice(0, 300) };
        },
        (error) => ({ sentAt: null, status: null, incidentId: null, ms: null, error: String(error.message || error) }),
      ),
    );
  }
  const results = await Promise.all(pending);
  agent.destroy();
  return { results, sendS: (performance.now() - started) / 1000 };
}

/** Waits until every incident of `ids` has an attempt at the receiver, or `timeoutMs` passes. */
async function waitForAttempts(receiver, ids, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = new Set(receiver.attempts.map((a) => a.incidentId));
    const missing = ids.filter((id) => !seen.has(id));
    if (missing.length === 0 || Date.now() > deadline) return missing;
    await processes.sleep(50);
  }
}

/** Runs scenario A; `s` holds the benchmark's settings. */
async function runNotifyScenario(s, dir) {
  const receiver = await startReceiver();
  let daemon = null;
  try {
    daemon = await processes.startDaemon(dir, {
      nodeArgs: s.nodeArgs,
      configure(doc) {
        doc.setIn(['notifications', 'channels'], doc.createNode([{ name: CHANNEL, type: 'webhook', url: receiver.url, timeoutMs: 5000 }]));
        doc.setIn(['notifications', 'routes'], doc.createNode([]));
      },
    });
    const url = `${daemon.url}/webhooks/alertmanager`;
    const run = Date.now().toString(36);
    const warmupCount = Math.round(s.notifyRate * s.warmupS);
    let warmup = null;
    if (warmupCount > 0) {
      warmup = await sendPaced(url, run, warmupCount, s.notifyRate, 0);
      await waitForAttempts(receiver, warmup.results.map((r) => r.incidentId).filter((id) => id !== null), 10_000);
    }
    const before = receiver.attempts.length;
    const count = Math.round(s.notifyRate * s.notifyDurationS);
    const measured = await sendPaced(url, run, count, s.notifyRate, warmupCount);
    const ok = measured.results.filter((r) => r.incidentId !== null);
    const missing = await waitForAttempts(receiver, ok.map((r) => r.incidentId), s.notifyWaitS * 1000);
    const attempts = receiver.attempts.slice(before);
    const firstAttempt = new Map();
    for (const a of attempts) {
      if (a.event !== 'opened' || a.incidentId === null) continue;
      const known = firstAttempt.get(a.incidentId);
      if (known === undefined || a.arrivedAt < known) firstAttempt.set(a.incidentId, a.arrivedAt);
    }
    const latencies = ok.filter((r) => firstAttempt.has(r.incidentId)).map((r) => firstAttempt.get(r.incidentId) - r.sentAt);
    const perIncident = new Map();
    for (const a of attempts) perIncident.set(a.incidentId, (perIncident.get(a.incidentId) || 0) + 1);
    const distinctIds = new Set(ok.map((r) => r.incidentId));
    const exit = await processes.stopChild(daemon.handle);
    return {
      rate: s.notifyRate,
      durationS: s.notifyDurationS,
      webhooks: count,
      webhooks2xx: ok.length,
      failedWebhooks: measured.results.filter((r) => r.incidentId === null).length,
      failureSamples: measured.results.filter((r) => r.error).slice(0, 3).map((r) => r.error),
      distinctIncidents: distinctIds.size,
      sendS: measured.sendS,
      webhookMs: summarize(ok.map((r) => r.ms)),
      toFirstAttemptMs: summarize(latencies),
      attempts: attempts.length,
      withoutAttempt: missing.length,
      repeatedAttempts: [...perIncident.values()].filter((n) => n > 1).length,
      withoutIdempotencyKey: attempts.filter((a) => !a.idempotencyKey).length,
      warmupWebhooks: warmupCount,
      p99TargetMs: s.notifyTargetMs,
      exit: exit && { code: exit.code, signal: exit.signal },
      daemonOutput: daemon.handle.output.trim().slice(-2000) || null,
    };
  } finally {
    if (daemon) await processes.stopChild(daemon.handle);
    await processes.stopChild(receiver.handle);
  }
}

module.exports = { runNotifyScenario };
