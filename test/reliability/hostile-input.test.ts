import path from 'node:path';
import { fixtureText } from '../helpers/fixtures';
import { createWorkspace, freePort, sleep, startDaemon } from './support/daemon';
import type { Daemon } from './support/daemon';
import { HostileBodies } from './support/hostile-bodies';
import type { HostileRequest } from './support/hostile-bodies';
import { loadAgent, postWebhook, request, runPool } from './support/http-client';
import { probe } from './support/probe';
import { failOnProblems, reliabilityProfile, report } from './support/profile';
import { incidentInvariantProblems, integrityCheck, openStore } from './support/store-check';
import { runSeed, seededRandom } from './support/traffic';

const profile = reliabilityProfile();
const LIMIT_BYTES = 5 * 1024 * 1024;
const MB = 1024 * 1024;
// After a full GC the heap must be back within this of the warmed-up baseline; the rejection
// log (100 bodies of at most 64 KiB, with their details) is full in both.
const HEAP_GROWTH_LIMIT = 24 * MB;
// Buffers and other memory Node tracks outside the heap must come back as well. RSS is only
// reported: after a GC the allocator keeps freed pages mapped, so RSS does not fall back.
const EXTERNAL_GROWTH_LIMIT = 16 * MB;

function send(daemon: Daemon, agent: ReturnType<typeof loadAgent>, r: HostileRequest) {
  return request(`${daemon.url}/webhooks/${r.source}`, { method: 'POST', body: r.body, headers: r.headers, agent, timeoutMs: 120_000 });
}

/*
 * Hostile input: generated bad bodies of every kind at the real daemon. No answer may be a 5xx
 * or a broken connection, each kind gets the statuses it may get, the built-in prototypes stay as
 * they were, and after a full GC the memory is back to the warmed-up baseline.
 */
test(`hostile input: ${profile.hostile.bodies} generated bad bodies`, async () => {
  const seed = runSeed();
  const workspace = createWorkspace('hostile');
  const port = await freePort();
  const agent = loadAgent(profile.hostile.concurrency);
  const problems: string[] = [];
  let daemon: Daemon | null = null;
  let passed = false;
  try {
    daemon = startDaemon({ workspace, port, ipc: true, nodeArgs: ['--expose-gc', '--require', path.join(__dirname, 'support', 'prototype-probe.js')] });
    await daemon.waitReady();
    const d = daemon;

    // Warm-up: every kind once or more, so that code paths, caches and the rejection log are full.
    const warmup = new HostileBodies(seededRandom(seed + 7), LIMIT_BYTES);
    await runPool(600, profile.hostile.concurrency, () => send(d, agent, warmup.next()));
    await sleep(500);
    const baseline = await probe(d);

    const bodies = new HostileBodies(seededRandom(seed), LIMIT_BYTES);
    const byKind = new Map<string, Map<string, number>>();
    const started = performance.now();
    let slowest = { ms: 0, kind: '' };
    const msByKind = new Map<string, number>();
    await runPool(profile.hostile.bodies, profile.hostile.concurrency, async (i) => {
      const r = bodies.next();
      const answer = await send(d, agent, r);
      const outcome = answer.status !== null ? String(answer.status) : (answer.error ?? 'unknown');
      const counts = byKind.get(r.kind) ?? new Map<string, number>();
      counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
      byKind.set(r.kind, counts);
      msByKind.set(r.kind, (msByKind.get(r.kind) ?? 0) + answer.ms);
      if (answer.ms > slowest.ms) slowest = { ms: Math.round(answer.ms), kind: r.kind };
      if (answer.status === null || !r.expect.includes(answer.status)) {
        problems.push(`body ${i} (${r.kind}, ${r.source}, ${r.body.length} bytes, ${JSON.stringify(r.headers)}): ${outcome}, expected ${r.expect.join(' or ')}: ${answer.body.toString('utf8').slice(0, 160)} <- ${r.body.subarray(0, 160).toString('utf8')}`);
      }
    });
    const seconds = (performance.now() - started) / 1000;
    await sleep(1000);
    const after = await probe(d);
    if (after.changes.length > 0) problems.push(`built-in prototypes changed: ${after.changes.join(', ')}`);
    const heapGrowth = after.memory.heapUsed - baseline.memory.heapUsed;
    const externalGrowth = after.memory.external - baseline.memory.external;
    if (heapGrowth > HEAP_GROWTH_LIMIT) problems.push(`heap after GC grew by ${(heapGrowth / MB).toFixed(1)} MB (limit ${HEAP_GROWTH_LIMIT / MB} MB)`);
    if (externalGrowth > EXTERNAL_GROWTH_LIMIT) problems.push(`external memory after GC grew by ${(externalGrowth / MB).toFixed(1)} MB (limit ${EXTERNAL_GROWTH_LIMIT / MB} MB)`);

    // Still alive and still working.
    if (d.hasExited()) problems.push(`the daemon exited:\n${d.output()}`);
    const ready = await request(`${d.url}/-/ready`, { method: 'GET' });
    if (ready.status !== 200) problems.push(`/-/ready answers ${ready.status ?? ready.error} after the hostile input`);
    const good = await postWebhook(d.url, 'alertmanager', fixtureText('alertmanager/am-01-firing-single.json'), { agent });
    if (good.status !== 200) problems.push(`a valid webhook after the hostile input answered ${good.status ?? good.error}`);
    const exitCode = await d.stop();
    if (exitCode !== 0) problems.push(`the daemon exited with ${exitCode} after SIGTERM`);
    const integrity = integrityCheck(workspace.dbFile);
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    const db = openStore(workspace.dbFile);
    try {
      problems.push(...incidentInvariantProblems(db));
    } finally {
      db.close();
    }

    const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
    report('hostile', {
      seed,
      bodies: profile.hostile.bodies,
      'bodies/s': Math.round(profile.hostile.bodies / seconds),
      'answers by kind': Object.fromEntries([...byKind].sort().map(([k, v]) => [k, Object.fromEntries([...v].sort())])),
      'answer time by kind, s': Object.fromEntries([...msByKind].sort().map(([k, v]) => [k, Math.round(v / 100) / 10])),
      'slowest answer': `${slowest.ms} ms (${slowest.kind})`,
      'heap after GC (baseline -> after)': `${mb(baseline.memory.heapUsed)} -> ${mb(after.memory.heapUsed)}`,
      'external memory after GC (baseline -> after)': `${mb(baseline.memory.external)} -> ${mb(after.memory.external)}`,
      'RSS after GC (baseline -> after)': `${mb(baseline.memory.rss)} -> ${mb(after.memory.rss)}`,
      'prototype changes': after.changes.length,
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
