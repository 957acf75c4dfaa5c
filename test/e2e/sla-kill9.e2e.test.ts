import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../helpers/alertmanager-process';
import { answerJson, LoopbackServer } from '../helpers/loopback-server';
import { createWorkspace, freePort, sleep, startDaemon } from '../reliability/support/daemon';
import type { Daemon, Workspace } from '../reliability/support/daemon';
import { postWebhook, request } from '../reliability/support/http-client';
import { failOnProblems, report } from '../reliability/support/profile';
import { runSeed, seededRandom } from '../reliability/support/traffic';

/*
 * kill -9 on the real clock with SLA targets of seconds. Five incidents open at the start; over
 * about 25 s the daemon (`node dist/main.js serve`, a child process) is SIGKILLed again and again,
 * mostly just after steps come due, and started again on the same SQLite file. At the end every
 * escalation step and breach must have happened exactly once and reached its line exactly once.
 *
 * What "once" means here:
 * - on the timeline: each step key (`response:0`, `breach:response`, `resolution:2@0`, ...) has
 *   exactly one entry by the `sla` actor, never before its due time;
 * - in the outbox: each notification identity (incident, event, occurrence, step, channel) is one
 *   row, and every row ends `sent`;
 * - at the receiver: every expected Idempotency-Key arrives, and no other. The outbox is
 *   at-least-once: a daemon killed after its request left and before it recorded the answer sends
 *   the same key again once the lease ends, and the receiver deduplicates by the key as a real
 *   one would. So a key may arrive twice, but only when the daemon that sent it first was killed
 *   before it could record the answer; a repeat from a daemon that lived on is a failure.
 *
 * The receiver holds each answer for HOLD_MS, so that kills also land between a send and its
 * answer. The kill times are drawn from RELIABILITY_SEED (printed; set it to replay a run).
 */

/** SLA targets (every priority, calendar 24x7) and the escalation steps of the config below. */
const RESPONSE_S = 6;
const RESOLUTION_S = 20;
const INCIDENTS = 5;
/** Between the openings, so that the incidents' due times interleave. */
const OPEN_GAP_MS = 400;
/** How long the receiver holds each answer. */
const HOLD_MS = 300;
/** The outbox lease: how long a row sent by a killed daemon waits before it is sent again. */
const LEASE_S = 2;
/**
 * A daemon is killed at the first moment just after a due time (see dueInstants) once it has been
 * ready for a while drawn from this range: long enough, mostly, for the scheduler's first pass
 * (about 1 s after the start) and the sends, short enough that some daemons die before it.
 */
const KILL_UP_MS: readonly [number, number] = [800, 1800];
/** With no due time that soon, the daemon is killed anyway within this after that moment. */
const KILL_QUIET_MS = 1500;
/** After the answer reached the daemon, it records it well within this; a repeat after that is a double send. */
const RECORD_MARGIN_MS = 2000;
/**
 * A daemon sends nothing sooner than this after it is spawned (node alone takes longer to start),
 * so a request that arrives just after a respawn is still the killed daemon's.
 */
const STARTUP_MIN_MS = 100;
/** The run must kill at least this many daemons to count. */
const MIN_KILLS = 3;

/**
 * What each incident must do and send, from the config: it opens on L1 (`opened` to L1); at 50% of
 * the response target (3 s) `remind` tells L1 (`reminder response:0`); at 100% (6 s) the response
 * breach and the step `escalate` come due together, and the scheduler runs same-time steps in key
 * order (plan.ts), so `sla_breached` goes to L1, the incident's line then, before the escalation
 * moves it to L2 and tells L2 (`escalated response:1`); at 50% of the resolution target (10 s)
 * `escalate` moves it to L3 (`escalated resolution:2@0`); at 100% (20 s) the resolution breach
 * tells L3 and `notify L3` reminds L3 (`sla_breached breach:resolution@0`, `reminder
 * resolution:3@0`). Occurrence 0 throughout: nothing resolves or reopens.
 */
interface Expected {
  event: 'opened' | 'reminder' | 'escalated' | 'sla_breached';
  /** The step key ('' for `opened`, which is no step). */
  step: string;
  line: 'L1' | 'L2' | 'L3';
  dueS: number;
}
const EXPECTED: readonly Expected[] = [
  { event: 'opened', step: '', line: 'L1', dueS: 0 },
  { event: 'reminder', step: 'response:0', line: 'L1', dueS: RESPONSE_S * 0.5 },
  { event: 'sla_breached', step: 'breach:response', line: 'L1', dueS: RESPONSE_S },
  { event: 'escalated', step: 'response:1', line: 'L2', dueS: RESPONSE_S },
  { event: 'escalated', step: 'resolution:2@0', line: 'L3', dueS: RESOLUTION_S * 0.5 },
  { event: 'sla_breached', step: 'breach:resolution@0', line: 'L3', dueS: RESOLUTION_S },
  { event: 'reminder', step: 'resolution:3@0', line: 'L3', dueS: RESOLUTION_S },
];
const LINE_CHANNEL = { L1: 'l1-hook', L2: 'l2-hook', L3: 'l3-hook' } as const;
const STEP_DUE_S = [...new Set(EXPECTED.filter((e) => e.step !== '').map((e) => e.dueS))];

/** The idempotency key the outbox builds: `<incident>:<event>:<occurrence>[:<step>]:<channel>` (store.ts). */
const keyOf = (incidentId: number, e: Expected): string => [incidentId, e.event, 0, ...(e.step === '' ? [] : [e.step]), LINE_CHANNEL[e.line]].join(':');

/** One run of the daemon: when it started, was ready, and was killed (null: the last one, stopped cleanly). */
interface Life {
  n: number;
  daemon: Daemon;
  spawnedAt: number;
  readyAt: number | null;
  killedAt: number | null;
}

/** One request at the receiver. */
interface Receipt {
  at: number;
  line: string;
  key: string;
  event: unknown;
  bodyKey: unknown;
  /** When the 200 was handed to the socket; null when the daemon was gone first. */
  answeredAt: number | null;
}

interface TimelineJson {
  at: string;
  event: string;
  actor: { type: string; name: string };
  detail: Record<string, unknown> | null;
}
interface NotificationJson {
  channel: string;
  event: string;
  occurrence: number;
  step: string | null;
  state: string;
  idempotencyKey: string;
}
interface IncidentDetailJson {
  id: number;
  line: string;
  status: string;
  openedAt: string;
  sla: { responseBreached: boolean; resolutionBreached: boolean } | null;
  timeline: TimelineJson[];
  notifications: NotificationJson[];
}

function configYaml(workspace: Workspace, rulesDir: string, receiverUrl: string): string {
  const targets = ['P1', 'P2', 'P3', 'P4'].map((p) => `        ${p}: { response: ${RESPONSE_S}s, resolution: ${RESOLUTION_S}s }`);
  return [
    // --listen and --db on the command line win over listen and store.
    'listen: 127.0.0.1:9095',
    'sources:',
    '  - { name: alertmanager, type: alertmanager, allowUnauthenticated: true }',
    `rules: { dir: ${JSON.stringify(rulesDir)} }`,
    `store: { path: ${JSON.stringify(workspace.dbFile)} }`,
    'log: { level: warn }',
    'sla:',
    '  policies:',
    '    - name: seconds',
    '      calendar: 24x7',
    '      targets:',
    ...targets,
    'escalation:',
    '  policies:',
    '    - name: kill9',
    '      steps:',
    '        - { clock: response,   at: 50%,  action: remind }',
    '        - { clock: response,   at: 100%, action: escalate }',
    '        - { clock: resolution, at: 50%,  action: escalate }',
    '        - { clock: resolution, at: 100%, action: notify, line: L3 }',
    'lines:',
    ...Object.entries(LINE_CHANNEL).map(([line, channel]) => `  ${line}: { channels: [${channel}] }`),
    'notifications:',
    '  channels:',
    ...Object.entries(LINE_CHANNEL).map(([line, channel]) => `    - { name: ${channel}, type: webhook, url: ${JSON.stringify(`${receiverUrl}/${line}`)}, timeoutMs: 5000 }`),
    '  outbox:',
    `    { pollInterval: 200ms, initialBackoff: 200ms, maxBackoff: 1s, lease: ${LEASE_S}s, maxAge: 10m }`,
    '',
  ].join('\n');
}

/** One health model, so that the alerts classify; one incident per instance. */
const HEALTH_MODEL = [
  'name: checkout',
  'owner: sre',
  'criticality: high',
  'metrics:',
  '  - name: checkout-errors',
  '    matchers: [\'alertname="SlaKill9CheckoutErrors"\']',
  '    impact: full_outage',
  '    category: software',
  '    groupBy: [instance]',
  '',
].join('\n');

function firingWebhook(i: number, now: number): string {
  const instance = `checkout-${i}:8080`;
  const labels = { alertname: 'SlaKill9CheckoutErrors', instance, severity: 'critical' };
  return JSON.stringify({
    receiver: 'incident-bridge',
    status: 'firing',
    alerts: [{ status: 'firing', labels, annotations: { summary: `checkout errors on ${instance}` }, startsAt: new Date(now).toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: (0x5a4b90000000 + i).toString(16).padStart(16, '0') }],
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.invalid',
    version: '4',
    groupKey: `{}:{instance="${instance}"}`,
    truncatedAlerts: 0,
  });
}

/**
 * Moments just after due times (0.1-1.4 s after: while the scheduler runs the step, the outbox
 * sends it or the receiver holds its answer), every incident's every step, in epoch ms.
 */
function dueInstants(openedAt: readonly number[], random: () => number): number[] {
  return openedAt.flatMap((o) => STEP_DUE_S.map((d) => o + d * 1000 + 100 + random() * 1300)).sort((a, b) => a - b);
}

/** When to kill a daemon ready since `readyAt`: the first instant after its drawn uptime, or null when every step is past. */
function nextKill(instants: readonly number[], readyAt: number, random: () => number): number | null {
  const earliest = readyAt + KILL_UP_MS[0] + random() * (KILL_UP_MS[1] - KILL_UP_MS[0]);
  const next = instants.find((t) => t >= earliest);
  if (next === undefined) return null;
  return next - earliest <= KILL_QUIET_MS ? next : earliest + random() * KILL_QUIET_MS;
}

test('kill -9 on the real clock: every SLA step runs once and reaches its line once', async () => {
  const seed = runSeed();
  const random = seededRandom(seed);
  const workspace = createWorkspace('sla-kill9');
  const rulesDir = path.join(workspace.dir, 'rules');
  mkdirSync(rulesDir);
  writeFileSync(path.join(rulesDir, 'checkout.yaml'), HEALTH_MODEL);

  const receipts: Receipt[] = [];
  const holds = new Set<NodeJS.Timeout>();
  const receiver = new LoopbackServer();
  const receiverUrl = await receiver.start((req, res) => {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(req.raw) as Record<string, unknown>;
    } catch {
      // Recorded as it is; the checks below say what is wrong with it.
    }
    const receipt: Receipt = { at: Date.now(), line: req.path.replace(/^\//, ''), key: String(req.headers['idempotency-key'] ?? ''), event: body.event, bodyKey: body.idempotencyKey, answeredAt: null };
    receipts.push(receipt);
    res.on('finish', () => (receipt.answeredAt = Date.now()));
    const hold = setTimeout(() => {
      holds.delete(hold);
      if (!res.destroyed && res.socket && !res.socket.destroyed) answerJson(res, 200, { ok: true });
    }, HOLD_MS);
    holds.add(hold);
  });
  // This test's own config replaces the workspace's default one.
  writeFileSync(workspace.configFile, configYaml(workspace, rulesDir, receiverUrl));

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const lives: Life[] = [];
  let passed = false;
  const current = (): Life => lives[lives.length - 1] as Life;
  const spawn = (): Life => {
    const life: Life = { n: lives.length, daemon: startDaemon({ workspace, port }), spawnedAt: Date.now(), readyAt: null, killedAt: null };
    lives.push(life);
    return life;
  };
  const kill = async (life: Life): Promise<void> => {
    life.killedAt = Date.now();
    await life.daemon.kill9();
  };
  const getJson = async <T>(pathAndQuery: string): Promise<T> => {
    const res = await request(`${baseUrl}${pathAndQuery}`, { method: 'GET', timeoutMs: 5000 });
    if (res.status !== 200) throw new Error(`GET ${pathAndQuery} answered ${res.status ?? res.error}: ${res.body.toString('utf8').slice(0, 300)}`);
    return JSON.parse(res.body.toString('utf8')) as T;
  };

  try {
    // The first daemon opens the incidents.
    let life = spawn();
    await life.daemon.waitReady();
    life.readyAt = Date.now();
    const firstReadyAt = life.readyAt;
    const incidentIds: number[] = [];
    for (let i = 0; i < INCIDENTS; i++) {
      if (i > 0) await sleep(OPEN_GAP_MS);
      const answer = await postWebhook(baseUrl, 'alertmanager', firingWebhook(i, Date.now()), { timeoutMs: 10_000 });
      if (answer.status !== 200) throw new Error(`webhook ${i} answered ${answer.status ?? answer.error}: ${answer.body.toString('utf8')}`);
      const incidents = (JSON.parse(answer.body.toString('utf8')) as { incidents: number[] }).incidents;
      expect(incidents).toHaveLength(1);
      incidentIds.push(incidents[0] as number);
    }
    expect(new Set(incidentIds).size).toBe(INCIDENTS);
    // The steps run on the scheduler's own thread, on its own connection to the store file.
    const metrics = await request(`${baseUrl}/metrics`, { method: 'GET', timeoutMs: 5000 });
    expect(metrics.body.toString('utf8')).toMatch(/^incident_bridge_sla_scheduler_thread 1$/m);
    const openedAt = await Promise.all(incidentIds.map(async (id) => Date.parse((await getJson<IncidentDetailJson>(`/api/v1/incidents/${id}`)).openedAt)));

    // Kill near the due times and start again on the same store, until every step is past.
    const instants = dueInstants(openedAt, random);
    let startupKillDone = false;
    let readyAt = firstReadyAt;
    for (let at = nextKill(instants, readyAt, random); at !== null; at = nextKill(instants, readyAt, random)) {
      await sleep(at - Date.now());
      await kill(current());
      // Once, a daemon is killed while it starts (opening the store, loading the rules).
      if (!startupKillDone && lives.length >= 3) {
        startupKillDone = true;
        life = spawn();
        await sleep(50 + random() * 1000);
        await kill(life);
      }
      life = spawn();
      await life.daemon.waitReady(20_000);
      readyAt = Date.now();
      life.readyAt = readyAt;
    }

    // The last daemon runs until every step is due and every notification is sent; what is still
    // missing after that is reported below with the rest.
    const problems: string[] = [];
    const expectedKeys = new Set(incidentIds.flatMap((id) => EXPECTED.map((e) => keyOf(id, e))));
    try {
      await eventually(
        'every expected key at the receiver and every outbox row sent',
        async () => {
          const seen = new Set(receipts.map((r) => r.key));
          if ([...expectedKeys].some((k) => !seen.has(k))) return undefined;
          const all = await Promise.all(incidentIds.map((id) => getJson<IncidentDetailJson>(`/api/v1/incidents/${id}`)));
          return all.every((d) => d.notifications.every((n) => n.state === 'sent')) ? true : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200, abort: () => (current().daemon.hasExited() ? new Error(`the daemon exited:\n${current().daemon.output()}`) : null) },
      );
    } catch (error) {
      if (current().daemon.hasExited()) throw error;
      problems.push((error as Error).message);
    }
    // A step that ran twice would run within the scheduler's 1 s interval: give it that, and more.
    await sleep(1500);
    const details = await Promise.all(incidentIds.map((id) => getJson<IncidentDetailJson>(`/api/v1/incidents/${id}`)));
    const exitCode = await current().daemon.stop();
    for (const h of holds) clearTimeout(h);

    if (exitCode !== 0) problems.push(`the last daemon exited with ${exitCode} after SIGTERM:\n${current().daemon.output()}`);
    // Fewer kills than this and the run proved little: the daemons took too long to start.
    const kills = lives.filter((l) => l.killedAt !== null).length;
    if (kills < MIN_KILLS) problems.push(`only ${kills} SIGKILLs (at least ${MIN_KILLS} wanted): the daemons took too long to start`);

    // The timeline: each step once, by the scheduler, not before it was due, on the expected line.
    for (const d of details) {
      const opened = Date.parse(d.openedAt);
      const steps = d.timeline.filter((t) => t.actor.type === 'system' && t.actor.name === 'sla');
      const got = steps.map((t) => `${t.event} ${String(t.detail?.step)}`).sort();
      const want = EXPECTED.filter((e) => e.step !== '').map((e) => `${e.event} ${e.step}`).sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`incident ${d.id}: SLA timeline entries ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      for (const t of steps) {
        const e = EXPECTED.find((x) => x.step === t.detail?.step);
        if (!e) continue;
        const line = t.event === 'escalated' ? t.detail?.to : t.detail?.line;
        if (line !== e.line) problems.push(`incident ${d.id}: ${t.event} ${e.step} on the timeline names line ${String(line)}, expected ${e.line}`);
        if (Date.parse(t.at) < opened + e.dueS * 1000) problems.push(`incident ${d.id}: ${e.step} ran at ${t.at}, before it was due (${e.dueS} s after ${d.openedAt})`);
      }
      if (d.line !== 'L3' || d.status !== 'open') problems.push(`incident ${d.id} ends ${d.status} on ${d.line}, expected open on L3`);
      if (d.sla?.responseBreached !== true || d.sla.resolutionBreached !== true) problems.push(`incident ${d.id}: sla ${JSON.stringify(d.sla)}, expected both clocks breached`);

      // The outbox: exactly the expected identities, one row each, all sent.
      const rows = d.notifications.map((n) => `${n.idempotencyKey} ${n.state}`).sort();
      const wantRows = EXPECTED.map((e) => `${keyOf(d.id, e)} sent`).sort();
      if (JSON.stringify(rows) !== JSON.stringify(wantRows)) problems.push(`incident ${d.id}: outbox rows ${JSON.stringify(rows)}, expected ${JSON.stringify(wantRows)}`);
    }

    /** The daemon that was running at `t`. */
    const lifeAt = (t: number): Life => [...lives].reverse().find((l) => l.spawnedAt + STARTUP_MIN_MS <= t) ?? (lives[0] as Life);

    // The receiver: every expected key, no other; on the line's path; body and header agree.
    const byKey = new Map<string, Receipt[]>();
    for (const r of receipts) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    for (const k of expectedKeys) if (!byKey.has(k)) problems.push(`lost: ${k} never reached the receiver`);
    const openedOf = new Map(details.map((d) => [d.id, Date.parse(d.openedAt)]));
    for (const [k, rs] of byKey) {
      if (!expectedKeys.has(k)) {
        problems.push(`unexpected: ${k} reached the receiver ${rs.length} time(s)`);
        continue;
      }
      const [id, event] = k.split(':');
      const e = EXPECTED.find((x) => keyOf(Number(id), x) === k) as Expected;
      for (const r of rs) {
        if (r.line !== e.line) problems.push(`${k} arrived at /${r.line}, expected /${e.line}`);
        if (r.event !== event || r.bodyKey !== k) problems.push(`${k}: the body says event ${String(r.event)}, key ${String(r.bodyKey)}`);
        if (r.at < (openedOf.get(Number(id)) as number) + e.dueS * 1000) problems.push(`${k} arrived before its step was due`);
      }
      // A repeat is legitimate only when every earlier copy went to a daemon that was killed
      // before it could record the answer.
      for (const r of rs.slice(0, -1)) {
        const l = lifeAt(r.at);
        if (l.killedAt === null) problems.push(`twice: ${k} was sent again although daemon ${l.n}, which sent it at ${new Date(r.at).toISOString()}, was never killed`);
        else if (r.answeredAt !== null && l.killedAt - r.answeredAt > RECORD_MARGIN_MS) {
          problems.push(`twice: ${k} was answered at ${new Date(r.answeredAt).toISOString()}, daemon ${l.n} lived on until ${new Date(l.killedAt).toISOString()} and it was sent again`);
        }
      }
    }

    const stepEntries = details.flatMap((d) => d.timeline.filter((t) => t.actor.name === 'sla'));
    report('sla-kill9', {
      seed,
      'daemons (SIGKILLed)': `${lives.length} (${kills})`,
      'steps on the timeline': stepEntries.length,
      'steps run by daemons later killed': stepEntries.filter((t) => lifeAt(Date.parse(t.at)).killedAt !== null).length,
      'steps run late (>= 1 s)': stepEntries.filter((t) => Number(t.detail?.lateSeconds ?? 0) >= 1).length,
      'requests at the receiver (distinct keys)': `${receipts.length} (${byKey.size})`,
      'keys received more than once': [...byKey.values()].filter((rs) => rs.length > 1).length,
      'requests whose answer a kill cut off': receipts.filter((r) => r.answeredAt === null).length,
      'daemon lives (spawn→ready→kill, s from the first opening)': lives.map((l) => [l.spawnedAt, l.readyAt, l.killedAt].map((t) => (t === null ? '-' : ((t - Math.min(...openedAt)) / 1000).toFixed(1))).join('→')).join(' '),
      'step entries (s from opening, late s)': stepEntries.map((t) => `${((Date.parse(t.at) - Math.min(...openedAt)) / 1000).toFixed(1)}/${String(t.detail?.lateSeconds)}`).join(' '),
      problems: problems.length,
    });
    failOnProblems(problems, seed);
    passed = true;
  } finally {
    for (const l of lives) if (!l.daemon.hasExited()) await l.daemon.kill9();
    for (const h of holds) clearTimeout(h);
    await receiver.stop();
    workspace.cleanup(!passed && process.env.KEEP_WORKSPACE === '1');
    if (!passed && lives.length > 0) process.stdout.write(`last daemon output:\n${current().daemon.output()}\n`);
  }
}, 90_000);
