import path from 'node:path';
import { createWorkspace, fileSize, freePort, scrapeMetrics, sleep, startDaemon } from './support/daemon';
import type { Daemon } from './support/daemon';
import { loadAgent, postWebhook } from './support/http-client';
import type { Answer } from './support/http-client';
import { OutageReceiver } from './support/outage-receiver';
import { probe } from './support/probe';
import { failOnProblems, reliabilityProfile, report } from './support/profile';
import { incidentInvariantProblems, integrityCheck, openStore } from './support/store-check';
import { MixedTraffic, runSeed, seededRandom } from './support/traffic';

const profile = reliabilityProfile();
const MB = 1024 * 1024;
const RSS_SLOPE_LIMIT_MB_PER_MIN = 0.5;
const WAL_LIMIT_BYTES = 32 * MB;
const LAG_P99_LIMIT_S = 0.05;
const LAG_METRIC = 'incident_bridge_nodejs_eventloop_lag_p99_seconds';

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/*
 * Soak: steady webhooks of the three sources while one notification channel fails all along
 * (its backlog grows and is retried) and another works. A warm-up at ten times the rate brings
 * the daemon's memory to its steady size (see ReliabilityProfile.soak), a full GC and a settling
 * time follow, then, in the measured window at the soak rate, the daemon's RSS must not grow
 * by more than 0.5 MB/min (least-squares slope of one sample a second), the WAL
 * must stay under 32 MB, and the event-loop delay p99 that the daemon reports in /metrics
 * (prom-client resets it at each scrape, so each scrape covers the last 5 s) must stay under 50 ms.
 */
const { durationS, warmupS, warmupWebhooksPerSecond, settleS, webhooksPerSecond } = profile.soak;
test(`soak: ${durationS} s at ${webhooksPerSecond} webhooks/s with one channel failing (after ${warmupS} s at ${warmupWebhooksPerSecond}/s)`, async () => {
  expect(settleS).toBeGreaterThanOrEqual(6);
  const measureFrom = warmupS + settleS;
  const endAt = measureFrom + durationS;
  const due = (t: number): number => Math.floor(t < warmupS ? t * warmupWebhooksPerSecond : warmupS * warmupWebhooksPerSecond + (t - warmupS) * webhooksPerSecond);
  const seed = runSeed();
  const traffic = new MixedTraffic(seededRandom(seed), 300);
  const working = new OutageReceiver();
  const failing = new OutageReceiver();
  failing.down = true;
  const [workingUrl, failingUrl] = [await working.start(), await failing.start()];
  const workspace = createWorkspace(
    'soak',
    [
      'notifications:',
      '  channels:',
      `    - { name: desk, type: webhook, url: "${workingUrl}" }`,
      `    - { name: broken-desk, type: webhook, url: "${failingUrl}" }`,
      '  outbox: { initialBackoff: 2s, maxBackoff: 1m }',
    ].join('\n'),
  );
  const port = await freePort();
  const agent = loadAgent(32);
  const problems: string[] = [];
  let daemon: Daemon | null = null;
  let passed = false;
  try {
    // The probe (see support/prototype-probe.js) gives the heap after a full GC: two samples, at
    // the end of the warm-up and at the end, tell a JS heap leak from native memory growth.
    daemon = startDaemon({ workspace, port, ipc: true, nodeArgs: ['--expose-gc', '--require', path.join(__dirname, 'support', 'prototype-probe.js')] });
    await daemon.waitReady();
    const d = daemon;
    const walFile = `${workspace.dbFile}-wal`;
    const samples: { t: number; rss: number; wal: number }[] = [];
    // Every 10 s: V8's heap as committed (garbage included) and the anonymous RSS, to tell V8's
    // own growth between collections from native memory.
    const heapSamples: { t: number; heapTotal: number; anon: number }[] = [];
    const lags: { t: number; p99: number }[] = [];
    const answers = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    let sent = 0;
    const record = (a: Answer): void => {
      const key = a.status !== null ? String(a.status) : (a.error ?? 'unknown');
      answers.set(key, (answers.get(key) ?? 0) + 1);
      if (a.status !== 200 && problems.length < 50) problems.push(`a webhook answered ${key}: ${a.body.toString('utf8').slice(0, 200)}`);
    };
    const ticker = setInterval(() => {
      const target = due(elapsed());
      while (sent < target) {
        sent++;
        const webhook = traffic.next(Date.now());
        const p = postWebhook(d.url, webhook.source, webhook.body, { agent, timeoutMs: 30_000 }).then((a) => {
          record(a);
          inFlight.delete(p);
        });
        inFlight.add(p);
      }
    }, 5);
    let nextScrape = 5;
    let heapAtWarmup: { t: number; heapUsed: number } | null = null;
    let partsAtWarmup: ReturnType<Daemon['rssParts']> | null = null;
    try {
      while (elapsed() < endAt) {
        await sleep(1000);
        // The full GC of the heap baseline comes halfway through the warm-up: the busy second half
        // lets V8 size its heap again, so the measured window does not start on a heap the test
        // itself has just shrunk.
        if (heapAtWarmup === null && elapsed() >= warmupS / 2) {
          heapAtWarmup = { t: elapsed(), heapUsed: (await probe(d)).memory.heapUsed };
          partsAtWarmup = d.rssParts();
        }
        const t = elapsed();
        samples.push({ t, rss: d.rssBytes(), wal: fileSize(walFile) });
        if (samples.length % 10 === 0) heapSamples.push({ t, heapTotal: (await probe(d, { gc: false })).memory.heapTotal, anon: d.rssParts().anon });
        if (t >= nextScrape) {
          nextScrape += 5;
          const metrics = await scrapeMetrics(d.url);
          const p99 = metrics.get(LAG_METRIC);
          if (p99 === undefined) throw new Error(`no ${LAG_METRIC} in /metrics`);
          lags.push({ t, p99 });
        }
      }
    } finally {
      clearInterval(ticker);
    }
    await Promise.all([...inFlight]);
    const heapAtEnd = { t: elapsed(), heapUsed: (await probe(d)).memory.heapUsed };
    const partsAtEnd = d.rssParts();
    const parts = (p: ReturnType<Daemon['rssParts']> | null): string => (p ? `anon ${(p.anon / MB).toFixed(1)}, file ${(p.file / MB).toFixed(1)}, shmem ${(p.shmem / MB).toFixed(1)}` : 'n/a');
    const heapSlope = heapAtWarmup ? (heapAtEnd.heapUsed - heapAtWarmup.heapUsed) / MB / ((heapAtEnd.t - heapAtWarmup.t) / 60) : 0;

    const measured = samples.filter((s) => s.t >= measureFrom);
    const rssSlope = slope(measured.map((s) => ({ x: s.t / 60, y: s.rss / MB })));
    const heapMeasured = heapSamples.filter((s) => s.t >= measureFrom);
    const heapTotalSlope = slope(heapMeasured.map((s) => ({ x: s.t / 60, y: s.heapTotal / MB })));
    const nativeSlope = slope(heapMeasured.map((s) => ({ x: s.t / 60, y: (s.anon - s.heapTotal) / MB })));
    const walMax = Math.max(...samples.map((s) => s.wal));
    const lagsAfterWarmup = lags.filter((l) => l.t >= measureFrom).map((l) => l.p99);
    const lagMax = Math.max(...lagsAfterWarmup);
    if (profile.soak.rssSlope && rssSlope > RSS_SLOPE_LIMIT_MB_PER_MIN) problems.push(`RSS grows by ${rssSlope.toFixed(2)} MB/min in the measured window (limit ${RSS_SLOPE_LIMIT_MB_PER_MIN})`);
    if (heapSlope > profile.soak.heapSlopeLimitMbPerMin) problems.push(`the heap after a full GC grows by ${heapSlope.toFixed(2)} MB/min after the warm-up (limit ${profile.soak.heapSlopeLimitMbPerMin})`);
    if (walMax > WAL_LIMIT_BYTES) problems.push(`the WAL reached ${(walMax / MB).toFixed(1)} MB (limit ${WAL_LIMIT_BYTES / MB})`);
    if (lagMax > LAG_P99_LIMIT_S) problems.push(`event-loop delay p99 reached ${(lagMax * 1000).toFixed(1)} ms in a 5-s window (limit ${LAG_P99_LIMIT_S * 1000})`);
    const twice = [...working.effects].filter(([, n]) => n > 1).map(([k]) => k);
    if (twice.length > 0) problems.push(`the working channel applied ${twice.length} keys twice: ${twice.slice(0, 5).join(', ')}`);

    const exitCode = await d.stop();
    if (exitCode !== 0) problems.push(`the daemon exited with ${exitCode} after SIGTERM`);
    const integrity = integrityCheck(workspace.dbFile);
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    const db = openStore(workspace.dbFile);
    let outbox: Record<string, number>;
    try {
      problems.push(...incidentInvariantProblems(db));
      outbox = Object.fromEntries(
        (db.prepare('SELECT channel || \' \' || status AS k, COUNT(*) AS n FROM notifications GROUP BY k').all() as { k: string; n: number }[]).map((r) => [r.k, r.n]),
      );
    } finally {
      db.close();
    }
    const sorted = [...lagsAfterWarmup].sort((a, b) => a - b);
    report('soak', {
      seed,
      'warm-up, settling, measured (s)': `${warmupS} at ${warmupWebhooksPerSecond}/s, ${settleS}, ${durationS} at ${webhooksPerSecond}/s`,
      'webhooks sent': sent,
      'answers by status': Object.fromEntries(answers),
      'RSS MB (measured window start -> end)': `${((measured[0]?.rss ?? 0) / MB).toFixed(1)} -> ${((samples[samples.length - 1]?.rss ?? 0) / MB).toFixed(1)}`,
      'RSS slope in the measured window, MB/min': `${rssSlope.toFixed(3)}${profile.soak.rssSlope ? '' : ' (reported, not asserted in this profile)'}`,
      'RSS by kind, MB (mid warm-up -> end)': `${parts(partsAtWarmup)} -> ${parts(partsAtEnd)}`,
      'slopes in the measured window, MB/min: V8 heap committed, anonymous RSS outside it': `${heapTotalSlope.toFixed(3)}, ${nativeSlope.toFixed(3)}`,
      'heap after full GC, MB (mid warm-up -> end)': heapAtWarmup ? `${(heapAtWarmup.heapUsed / MB).toFixed(1)} -> ${(heapAtEnd.heapUsed / MB).toFixed(1)} (${heapSlope.toFixed(3)} MB/min)` : 'n/a',
      'WAL max, MB': Number((walMax / MB).toFixed(2)),
      'event-loop delay p99 per 5 s in the measured window, ms (median/max)': `${((sorted[Math.floor(sorted.length / 2)] ?? 0) * 1000).toFixed(1)}/${(lagMax * 1000).toFixed(1)}`,
      'notifications (channel status: count)': outbox,
      'working channel: requests, keys applied': `${working.requests.length}, ${working.effects.size}`,
      'failing channel: requests': failing.requests.length,
      problems: problems.length,
    });
    failOnProblems(problems, seed);
    passed = true;
  } finally {
    if (daemon && !daemon.hasExited()) await daemon.kill9();
    agent.destroy();
    await working.stop();
    await failing.stop();
    workspace.cleanup(!passed);
  }
});
