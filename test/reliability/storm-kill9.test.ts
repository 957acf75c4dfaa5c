import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createWorkspace, freePort, sleep, startDaemon } from './support/daemon';
import type { Daemon } from './support/daemon';
import { loadAgent, postWebhook } from './support/http-client';
import { failOnProblems, reliabilityProfile, report } from './support/profile';
import { incidentInvariantProblems, integrityCheck, ledgerProblems, openStore } from './support/store-check';
import { MixedTraffic, runSeed, seededRandom } from './support/traffic';
import type { AlertState, Webhook } from './support/traffic';

/** One request of the storm and its answer, as the ledger keeps it. */
interface LedgerEntry {
  i: number;
  source: Webhook['source'];
  alerts: AlertState[];
  /** Milliseconds since the daemon (re)started last, when the request left. */
  sinceSpawnMs: number;
  /** Whether the daemon had answered /-/ready when the request left. */
  readyWhenSent: boolean;
  status: number | null;
  error: string | null;
  body: string;
}

const profile = reliabilityProfile();

/*
 * kill -9 during a storm: webhooks of the three sources at a fixed rate, open loop (sent on
 * schedule whatever the answers), while the daemon is SIGKILLed at random moments and started
 * again on the same store. Every 2xx must be in the store at the end, the store must pass
 * integrity_check after every restart, and no answer may be a 4xx or a 5xx other than 503.
 */
test(`kill -9 during a storm: ${profile.storm.webhooksPerSecond} webhooks/s, ${profile.storm.kills} SIGKILLs`, async () => {
  const seed = runSeed();
  const random = seededRandom(seed);
  const traffic = new MixedTraffic(seededRandom(seed + 1));
  const workspace = createWorkspace('storm');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const agent = loadAgent(64);
  const ledger: LedgerEntry[] = [];
  const inFlight = new Set<Promise<void>>();
  const problems: string[] = [];
  let daemon: Daemon | null = null;
  let spawnedAt = performance.now();
  let ready = false;
  let passed = false;
  const restarts: { startupMs: number | null; killedDuringStartup: boolean; integrity: string }[] = [];

  // Open-loop sender: as many webhooks as the rate says by now, whatever the daemon is doing.
  const rate = profile.storm.webhooksPerSecond;
  const loadStarted = performance.now();
  let sent = 0;
  let sending = true;
  const sendDue = (): void => {
    const due = Math.floor(((performance.now() - loadStarted) / 1000) * rate);
    while (sending && sent < due) {
      const webhook = traffic.next(Date.now());
      const entry: LedgerEntry = {
        i: sent++,
        source: webhook.source,
        alerts: webhook.alerts,
        sinceSpawnMs: Math.round(performance.now() - spawnedAt),
        readyWhenSent: ready,
        status: null,
        error: null,
        body: '',
      };
      ledger.push(entry);
      const p = postWebhook(baseUrl, webhook.source, webhook.body, { agent, timeoutMs: 15_000 }).then((answer) => {
        entry.status = answer.status;
        entry.error = answer.error;
        entry.body = answer.body.toString('utf8').slice(0, 300);
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
  };
  const ticker = setInterval(sendDue, 2);

  try {
    for (let run = 0; run <= profile.storm.kills; run++) {
      const last = run === profile.storm.kills;
      spawnedAt = performance.now();
      ready = false;
      daemon = startDaemon({ workspace, port });
      // Some kills land while the daemon starts (opening the store, migrating, loading rules).
      const killDuringStartup = !last && run > 0 && random() < 0.2;
      if (killDuringStartup) {
        await sleep(random() * 400);
        await daemon.kill9();
        // The store is checked when the next daemon is ready, beside it.
        restarts.push({ startupMs: null, killedDuringStartup: true, integrity: 'ok' });
        continue;
      }
      await daemon.waitReady(20_000);
      ready = true;
      const startupMs = Math.round(performance.now() - spawnedAt);
      // integrity_check beside the restarted daemon, on what the killed one left behind.
      restarts.push({ startupMs, killedDuringStartup: false, integrity: run === 0 ? 'ok' : integrityCheck(workspace.dbFile) });
      if (last) break;
      await sleep(profile.storm.minUpMs + random() * (profile.storm.maxUpMs - profile.storm.minUpMs));
      await daemon.kill9();
    }
    // The final daemon takes traffic for a moment, then stops cleanly with the load.
    await sleep(1000);
    sending = false;
    clearInterval(ticker);
    await Promise.all([...inFlight]);
    const exitCode = await (daemon as Daemon).stop();
    if (exitCode !== 0) problems.push(`the final daemon exited with ${exitCode} after SIGTERM:\n${(daemon as Daemon).output()}`);

    // Every answer: 2xx, 503 while starting, or a transport error while the daemon was down.
    const byOutcome = new Map<string, number>();
    for (const e of ledger) {
      const outcome = e.status !== null ? String(e.status) : (e.error ?? 'unknown');
      byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
      if (e.status !== null && e.status >= 400 && e.status !== 503) problems.push(`request ${e.i} (${e.source}) answered ${e.status}: ${e.body}`);
      if (e.status === 503 && e.readyWhenSent) problems.push(`request ${e.i} answered 503 after the daemon was ready: ${e.body}`);
      if (e.status !== null && e.status >= 200 && e.status < 300) {
        const accepted = (JSON.parse(e.body) as { accepted: number }).accepted;
        if (accepted !== e.alerts.length) problems.push(`request ${e.i} sent ${e.alerts.length} alerts, answer says accepted ${accepted}`);
      }
    }
    const acknowledged = ledger.filter((e) => e.status !== null && e.status >= 200 && e.status < 300).flatMap((e) => e.alerts);
    const sentKeys = new Set(ledger.flatMap((e) => e.alerts.map((a) => `${a.source} ${a.fingerprint}`)));
    for (const r of restarts) if (r.integrity !== 'ok') problems.push(`integrity_check after a restart: ${r.integrity}`);
    const finalIntegrity = integrityCheck(workspace.dbFile);
    if (finalIntegrity !== 'ok') problems.push(`integrity_check after the final stop: ${finalIntegrity}`);

    const db = openStore(workspace.dbFile);
    let stored: { incidents: number; open: number; alerts: number };
    try {
      problems.push(...ledgerProblems(db, acknowledged, sentKeys));
      problems.push(...incidentInvariantProblems(db));
      stored = db
        .prepare("SELECT (SELECT COUNT(*) FROM incidents) AS incidents, (SELECT COUNT(*) FROM incidents WHERE status <> 'resolved') AS open, (SELECT COUNT(*) FROM alerts) AS alerts")
        .get() as typeof stored;
    } finally {
      db.close();
    }
    const startups = restarts.filter((r) => r.startupMs !== null).map((r) => r.startupMs as number);
    report('storm', {
      seed,
      'webhooks sent': ledger.length,
      'answers by outcome': Object.fromEntries([...byOutcome].sort()),
      'acknowledged alert states': acknowledged.length,
      'SIGKILLs (of which during startup)': `${restarts.length - 1} (${restarts.filter((r) => r.killedDuringStartup).length})`,
      'startup to ready, ms (min/max)': `${Math.min(...startups)}/${Math.max(...startups)}`,
      '503 answers while starting': ledger.filter((e) => e.status === 503).length,
      'store (incidents/open/alert rows)': stored,
      problems: problems.length,
    });
    if (problems.length > 0) {
      writeFileSync(path.join(workspace.dir, 'ledger.jsonl'), ledger.map((e) => JSON.stringify(e)).join('\n'));
      failOnProblems(problems, seed);
    }
    passed = true;
  } finally {
    sending = false;
    clearInterval(ticker);
    if (daemon && !daemon.hasExited()) await daemon.kill9();
    agent.destroy();
    workspace.cleanup(!passed);
  }
});
