'use strict';

/*
 * Scenario E, people act while monitoring pushes: actions at 50/s while 200 webhooks/s are
 * ingested.
 *
 * The daemon gets two responders (`bench-l1`, whose token the benchmark uses, and `bench-l2`, an
 * assignee), tokens from the environment as in production. A pool of incidents is opened first,
 * one firing HostHighCpuLoad alert of its own host each (shop-infrastructure/host-resources is
 * grouped by instance); their alerts keep firing, so only people change them. Then, for the
 * warm-up and the measured seconds, two loads run at once from this process:
 *   - webhooks of one alert at BENCH_RATE/s, paced as in scenario 3 (one autocannon instance per
 *     webhook per second, started evenly over a second), from the same traffic generator;
 *   - actions at BENCH_ACTION_RATE/s, evenly spaced and sent without waiting for earlier answers
 *     (people do not wait for each other), round-robin over the pool: 30% comment,
 *     20% acknowledge, 20% assign (to the other responder), 10% escalate (to the next line),
 *     20% resolve or reopen (whichever the incident's last answer calls for).
 * Every action must answer 200 or 409 (escalating past L3, acknowledging what someone else just
 * resolved), every webhook 2xx; afterwards every 200 comment must be on its incident's timeline.
 */

const { randomBytes } = require('node:crypto');
const { createTraffic, fingerprint, prng, webhookBody } = require('./alerts');
const { createAgent, request, summarize } = require('./client');
const { runLoad } = require('./load');
const { cpuDelta, cpuSnapshot } = require('./observe');
const processes = require('./processes');

const ACTOR = 'bench-l1';
const ASSIGNEES = ['bench-l1', 'bench-l2'];
const MIX = [
  ['comment', 0.3],
  ['acknowledge', 0.2],
  ['assign', 0.2],
  ['escalate', 0.1],
  ['resolve-or-reopen', 0.2],
];

/** One firing alert of its own host: a new incident of shop-infrastructure/host-resources. */
function poolIncidentBody(run, i) {
  const instance = `action-${run}-${String(i).padStart(4, '0')}.prod-eu1.example.net:9100`;
  const labels = { alertname: 'HostHighCpuLoad', cluster: 'prod-eu1', instance, job: 'node-exporter', severity: 'warning', team: 'platform' };
  return webhookBody({
    cluster: 'prod-eu1',
    alerts: [{ series: { labels, fingerprint: fingerprint(labels), generatorURL: '' }, status: 'firing', annotations: { summary: 'Host CPU load is high' }, startsAt: Date.now() - 60_000, endsAt: 0 }],
  });
}

/** Opens `size` incidents, 16 webhooks at a time; resolves their ids. */
async function openPool(url, size, run) {
  const agent = createAgent(16);
  const ids = [];
  for (let first = 0; first < size; first += 16) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(16, size - first) }, (_, k) => request(agent, 'POST', `${url}/webhooks/alertmanager`, poolIncidentBody(run, first + k))),
    );
    for (const a of answers) {
      if (a.status !== 200) throw new Error(`opening the pool: a webhook answered ${a.status}: ${a.body.slice(0, 300)}`);
      ids.push(JSON.parse(a.body).incidents[0]);
    }
  }
  agent.destroy();
  if (new Set(ids).size !== size) throw new Error(`opening the pool: ${size} webhooks opened only ${new Set(ids).size} distinct incidents`);
  return ids;
}

/** The next action of the mix for an incident whose last known state is `state`. */
function nextAction(random, state, seq) {
  let r = random();
  let kind = MIX[MIX.length - 1][0];
  for (const [name, share] of MIX) {
    if (r < share) {
      kind = name;
      break;
    }
    r -= share;
  }
  const note = `bench ${kind} ${seq}`;
  if (kind === 'comment') return { action: 'comment', body: { note } };
  if (kind === 'acknowledge') return { action: 'acknowledge', body: { note } };
  if (kind === 'assign') return { action: 'assign', body: { assignee: ASSIGNEES[seq % ASSIGNEES.length] } };
  if (kind === 'escalate') return { action: 'escalate', body: { note } };
  return state.status === 'resolved' ? { action: 'reopen', body: { note } } : { action: 'resolve', body: { note } };
}

/**
 * Sends `rate` actions per second for `durationS` seconds, evenly spaced, without waiting for
 * answers; resolves one record per action: `{action, incidentId, status, ms, error}`.
 */
async function driveActions({ url, token, pool, states, rate, durationS, random, seq }) {
  const agent = createAgent(64);
  const headers = { authorization: `Bearer ${token}` };
  const count = Math.round(rate * durationS);
  const interval = 1000 / rate;
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < count; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const n = seq.next++;
    const incidentId = pool[n % pool.length];
    const state = states.get(incidentId);
    const { action, body } = nextAction(random, state, n);
    pending.push(
      request(agent, 'POST', `${url}/api/v1/incidents/${incidentId}/${action}`, JSON.stringify(body), 10_000, headers).then(
        (r) => {
          let error = null;
          if (r.status === 200) {
            const incident = JSON.parse(r.body);
            if (incident.id === incidentId) state.status = incident.status;
            else error = `answered incident ${incident.id} for ${incidentId}`;
          } else if (r.status !== 409) error = `${r.status} ${r.body.slice(0, 300)}`;
          return { action, incidentId, status: r.status, ms: r.ms, error };
        },
        (e) => ({ action, incidentId, status: null, ms: null, error: String(e.message || e) }),
      ),
    );
  }
  const results = await Promise.all(pending);
  agent.destroy();
  return { results, sendS: (performance.now() - started) / 1000 };
}

/** Webhooks and actions at once for `durationS`; resolves both sides' raw results. */
async function phase(ctx, durationS) {
  const ingest = runLoad({
    url: `${ctx.url}/webhooks/alertmanager`,
    connections: 1,
    rate: ctx.s.rate,
    streams: ctx.s.rateStreams === null ? ctx.s.rate : ctx.s.rateStreams,
    batch: 1,
    traffic: ctx.traffic,
    body: webhookBody,
    accepted: (_status, body) => Number((/"accepted"\s*:\s*(\d+)/.exec(body) || [0, 0])[1]),
    seen: ctx.seen,
    durationS,
  });
  const actions = driveActions({ ...ctx, rate: ctx.s.actionRate, durationS });
  return { ingest: await ingest, actions: await actions };
}

function summarizeActions(results) {
  const byAction = {};
  for (const r of results) {
    const a = (byAction[r.action] = byAction[r.action] || { sent: 0, ok: 0, conflict: 0, other: 0 });
    a.sent += 1;
    if (r.status === 200) a.ok += 1;
    else if (r.status === 409) a.conflict += 1;
    else a.other += 1;
  }
  const answered = results.filter((r) => r.ms !== null);
  return {
    sent: results.length,
    ok: results.filter((r) => r.status === 200).length,
    conflicts: results.filter((r) => r.status === 409).length,
    failed: results.filter((r) => r.error !== null).length,
    failureSamples: results.filter((r) => r.error !== null).slice(0, 3).map((r) => `${r.action} ${r.incidentId}: ${r.error}`),
    byAction,
    latencyMs: summarize(answered.map((r) => r.ms)),
  };
}

/** How many `commented` entries by the benchmark's person the pool's timelines hold. */
async function countComments(url, token, pool) {
  const agent = createAgent(8);
  let comments = 0;
  for (const id of pool) {
    const r = await request(agent, 'GET', `${url}/api/v1/incidents/${id}`, undefined, 10_000, { authorization: `Bearer ${token}` });
    if (r.status !== 200) throw new Error(`GET /api/v1/incidents/${id} answered ${r.status}`);
    comments += JSON.parse(r.body).timeline.filter((e) => e.event === 'commented' && e.actor.type === 'person' && e.actor.name === ACTOR).length;
  }
  agent.destroy();
  return comments;
}

/** Runs scenario E; `s` holds the benchmark's settings. */
async function runActionsScenario(s, dir) {
  const token = randomBytes(18).toString('base64url');
  let daemon = null;
  try {
    daemon = await processes.startDaemon(dir, {
      nodeArgs: s.nodeArgs,
      env: { BENCH_TOKEN_L1: token, BENCH_TOKEN_L2: randomBytes(18).toString('base64url') },
      configure(doc) {
        doc.set(
          'people',
          doc.createNode([
            { name: 'bench-l1', role: 'responder', lines: ['L1'], token: '${BENCH_TOKEN_L1}' },
            { name: 'bench-l2', role: 'responder', lines: ['L2'], token: '${BENCH_TOKEN_L2}' },
          ]),
        );
      },
    });
    const pool = await openPool(daemon.url, s.actionPool, Date.now().toString(36));
    const ctx = {
      s,
      url: daemon.url,
      token,
      pool,
      states: new Map(pool.map((id) => [id, { status: 'open' }])),
      random: prng(s.seed),
      seq: { next: 0 },
      traffic: createTraffic({ seed: s.seed, reorder: s.reorder }),
      seen: new Set(),
    };
    const warmup = s.warmupS > 0 ? await phase(ctx, s.warmupS) : null;
    const cpuBefore = cpuSnapshot(daemon.handle.child.pid);
    const measured = await phase(ctx, s.durationS);
    const cpu = cpuDelta(cpuBefore, cpuSnapshot(daemon.handle.child.pid));
    const all = [...(warmup ? warmup.actions.results : []), ...measured.actions.results];
    const commentsOk = all.filter((r) => r.action === 'comment' && r.status === 200).length;
    const commentsOnTimeline = await countComments(daemon.url, token, pool);
    const exit = await processes.stopChild(daemon.handle);
    const ingest = (p) => ({
      requestsSent: p.requestsSent,
      requests2xx: p.requests2xx,
      non2xx: p.non2xx,
      errors: p.errors,
      timeouts: p.timeouts,
      statusCounts: p.statusCounts,
      errorSamples: p.errorSamples,
      alertsAccepted: p.alertsAccepted,
      requestsPerS: p.requestsPerS,
      latencyMs: p.latencyMs,
    });
    return {
      rate: s.rate,
      actionRate: s.actionRate,
      poolSize: pool.length,
      durationS: s.durationS,
      warmupS: s.warmupS,
      actions: { ...summarizeActions(measured.actions.results), sendS: measured.actions.sendS },
      warmupActions: warmup && summarizeActions(warmup.actions.results),
      ingest: ingest(measured.ingest),
      warmupIngest: warmup && ingest(warmup.ingest),
      cpu,
      commentsOk,
      commentsOnTimeline,
      actionP99TargetMs: s.actionP99TargetMs,
      ingestP99TargetMs: s.p99TargetMs,
      exit: exit && { code: exit.code, signal: exit.signal },
      daemonOutput: daemon.handle.output.trim().slice(-2000) || null,
    };
  } finally {
    if (daemon) await processes.stopChild(daemon.handle);
  }
}

module.exports = { runActionsScenario };
