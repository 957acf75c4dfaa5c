import { labelsFingerprint } from '../../src/sources/fingerprint';
import { createWorkspace, freePort, startDaemon } from './support/daemon';
import type { Daemon } from './support/daemon';
import { loadAgent, postWebhook, runPool } from './support/http-client';
import { failOnProblems, reliabilityProfile, report } from './support/profile';
import { incidentInvariantProblems, integrityCheck, openStore } from './support/store-check';
import { alertmanagerBody, runSeed, seededRandom } from './support/traffic';

const profile = reliabilityProfile();
const HOUR = 3_600_000;

/** The deliveries of one alert; which ones it gets depends on its group. */
interface PlannedAlert {
  i: number;
  labels: Record<string, string>;
  fingerprint: string;
  /** early: a resolve of an older activation first; late: the next activation resolves before it fires; resolved: the activation resolves. */
  group: 'plain' | 'early' | 'late' | 'resolved';
}

interface Delivery {
  alert: PlannedAlert;
  name: string;
  body: string;
}

/*
 * Concurrent duplicates: every delivery of every alert is POSTed `copies` times at once (half of
 * the copies pretty-printed, so replays are recognised by content, not bytes), in phases:
 *   1. early alerts: the resolve of an older activation (its firing comes in phase 3);
 *   2. every alert: the firing of its activation;
 *   3. early alerts: that older firing, late; `late` alerts: the resolve of their next activation,
 *      before its firing; `resolved` alerts: the resolve of their activation;
 *   4. late alerts: the firing whose resolve came in phase 3.
 * Each alert has its own incident key (the fallback metric groups by alertname), so exactly one
 * incident per alert, and its final state must follow the timestamps, not the arrival order.
 */
test(`concurrent duplicates: ${profile.duplicates.alerts} alerts, each delivery POSTed ${profile.duplicates.copies} times`, async () => {
  const { alerts: alertCount, copies, concurrency } = profile.duplicates;
  const seed = runSeed();
  const random = seededRandom(seed);
  const t = Math.floor(Date.now() / 1000) * 1000;
  const [s0, s1, s2] = [t - 4 * HOUR, t - 3 * HOUR, t - 2 * HOUR];
  const groups = ['early', 'late', 'resolved', 'plain', 'plain'] as const;
  const planned: PlannedAlert[] = Array.from({ length: alertCount }, (_, i) => {
    const labels = { alertname: `ReliabilityDuplicate${i}`, instance: `dup-${i % 17}.prod:9100`, severity: 'warning' };
    return { i, labels, fingerprint: labelsFingerprint(labels), group: groups[i % groups.length] as PlannedAlert['group'] };
  });
  const delivery = (alert: PlannedAlert, name: string, status: 'firing' | 'resolved', startsAt: number, endsAt: number | null): Delivery => ({
    alert,
    name,
    body: alertmanagerBody([{ labels: alert.labels, fingerprint: alert.fingerprint, status, startsAt, endsAt, annotations: { summary: `duplicate test ${alert.i}` } }]),
  });
  const phases: Delivery[][] = [
    planned.filter((a) => a.group === 'early').map((a) => delivery(a, 'R0', 'resolved', s0, s0 + 600_000)),
    planned.map((a) => delivery(a, 'F1', 'firing', s1, null)),
    planned.flatMap((a) => {
      if (a.group === 'early') return [delivery(a, 'F0', 'firing', s0, null)];
      if (a.group === 'late') return [delivery(a, 'R2', 'resolved', s2, s2 + 600_000)];
      if (a.group === 'resolved') return [delivery(a, 'R1', 'resolved', s1, s1 + 600_000)];
      return [];
    }),
    planned.filter((a) => a.group === 'late').map((a) => delivery(a, 'F2', 'firing', s2, null)),
  ];

  const workspace = createWorkspace('duplicates');
  const port = await freePort();
  const agent = loadAgent(concurrency);
  let daemon: Daemon | null = null;
  let passed = false;
  const problems: string[] = [];
  try {
    daemon = startDaemon({ workspace, port });
    await daemon.waitReady();
    const byStatus = new Map<string, number>();
    const started = performance.now();
    let requests = 0;
    for (const [p, deliveries] of phases.entries()) {
      // The copies of one delivery leave back to back, so they are in flight together and
      // often land in the same group commit; the deliveries themselves are in random order.
      const order = deliveries.map((d) => ({ d, r: random() })).sort((a, b) => a.r - b.r).map((x) => x.d);
      const pretty = order.map((d) => JSON.stringify(JSON.parse(d.body), null, 2));
      const answers = await runPool(order.length * copies, concurrency, (k) => {
        const n = Math.floor(k / copies);
        const d = order[n] as Delivery;
        return postWebhook(daemon!.url, 'alertmanager', k % 2 === 0 ? d.body : (pretty[n] as string), { agent, timeoutMs: 60_000 });
      });
      requests += answers.length;
      for (let n = 0; n < order.length; n++) {
        const d = order[n] as Delivery;
        const own = answers.slice(n * copies, (n + 1) * copies);
        for (const a of own) {
          const key = a.status !== null ? String(a.status) : (a.error ?? 'unknown');
          byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
        }
        const bad = own.find((a) => a.status !== 200);
        if (bad) {
          problems.push(`phase ${p + 1} ${d.name} of alert ${d.alert.i}: answered ${bad.status ?? bad.error} ${bad.body.toString('utf8').slice(0, 200)}`);
          continue;
        }
        // Every copy gets the first answer: a replay is answered as the original was.
        const texts = new Set(own.map((a) => a.body.toString('utf8')));
        if (texts.size !== 1) problems.push(`phase ${p + 1} ${d.name} of alert ${d.alert.i}: ${texts.size} different answers: ${[...texts].join(' | ')}`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const exitCode = await daemon.stop();
    if (exitCode !== 0) problems.push(`daemon exited with ${exitCode} after SIGTERM`);

    const integrity = integrityCheck(workspace.dbFile);
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    const db = openStore(workspace.dbFile);
    let incidentCount = 0;
    try {
      incidentCount = (db.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n;
      if (incidentCount !== alertCount) problems.push(`expected exactly ${alertCount} incidents, found ${incidentCount}`);
      problems.push(...incidentInvariantProblems(db));
      const rows = db
        .prepare(
          `SELECT a.fingerprint, a.status AS alert_status, a.starts_at, a.ends_at, a.incident_id, a.delivery_count AS alert_deliveries,
             i.incident_key, i.status, i.alert_count, i.firing_count, i.delivery_count, i.reopen_count
           FROM alerts a LEFT JOIN incidents i ON i.id = a.incident_id ORDER BY a.starts_at, a.id`,
        )
        .all() as Record<string, unknown>[];
      const byFingerprint = new Map<string, Record<string, unknown>[]>();
      for (const r of rows) byFingerprint.set(r.fingerprint as string, [...(byFingerprint.get(r.fingerprint as string) ?? []), r]);
      for (const a of planned) {
        const own = byFingerprint.get(a.fingerprint) ?? [];
        const attached = own.filter((r) => r.incident_id !== null);
        const latest = own[own.length - 1];
        // Distinct deliveries that reach the incident: F1, plus F0 (stale), R2 and F2 (stale), or R1.
        const expected = {
          plain: { alert_status: 'firing', starts_at: s1, status: 'open', firing_count: 1, delivery_count: 1 },
          early: { alert_status: 'firing', starts_at: s1, status: 'open', firing_count: 1, delivery_count: 2 },
          late: { alert_status: 'resolved', starts_at: s2, status: 'resolved', firing_count: 0, delivery_count: 3 },
          resolved: { alert_status: 'resolved', starts_at: s1, status: 'resolved', firing_count: 0, delivery_count: 2 },
        }[a.group];
        const actual = latest && {
          alert_status: latest.alert_status,
          starts_at: latest.starts_at,
          status: latest.status,
          firing_count: latest.firing_count,
          delivery_count: latest.delivery_count,
        };
        if (own.length !== 1 || attached.length !== 1) problems.push(`alert ${a.i} (${a.group}): ${own.length} alert rows, ${attached.length} attached to an incident; expected 1 and 1`);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`alert ${a.i} (${a.group}): expected ${JSON.stringify(expected)}, stored ${JSON.stringify(actual)}`);
        if (latest && (latest.alert_count !== 1 || latest.reopen_count !== 0)) problems.push(`alert ${a.i} (${a.group}): incident has alertCount ${String(latest.alert_count)}, reopenCount ${String(latest.reopen_count)}`);
      }
    } finally {
      db.close();
    }
    report('duplicates', {
      seed,
      requests,
      'answers by status': Object.fromEntries(byStatus),
      'requests/s': Math.round(requests / seconds),
      incidents: incidentCount,
      problems: problems.length,
    });
    failOnProblems(problems, seed);
    passed = true;
  } finally {
    if (daemon && !daemon.hasExited()) await daemon.kill9();
    agent.destroy();
    workspace.cleanup(!passed);
  }
});
