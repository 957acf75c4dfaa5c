import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { runSla } from '../../../src/cli/sla';
import type { SlaTerms } from '../../../src/core/sla-terms';
import { runAction } from '../../../src/incidents/actions';
import { createPipeline } from '../../../src/incidents/pipeline';
import { rebuildSla } from '../../../src/incidents/sla-rebuild';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { amBody } from '../../helpers/engine';
import { FakeClock } from '../../helpers/fake-clock';
import { REPO_DIR } from '../../helpers/fixtures';
import { exampleRuleSet } from '../../helpers/rules';

const M = 60_000;
const target = (responseMs: number, resolutionMs: number) => ({ responseMs, resolutionMs, calendar: '24x7' });
const TERMS: SlaTerms = {
  policy: 'standard',
  targets: { P1: target(15 * M, 240 * M), P2: target(30 * M, 480 * M), P3: target(240 * M, 4320 * M), P4: target(1440 * M, 14400 * M) },
  calendars: [],
  escalation: { policy: 'by-sla', steps: [{ clock: 'response', at: { kind: 'share', share: 0.5 }, atText: '50%', action: 'remind' }] },
};
const anna = { type: 'person', name: 'anna' } as const;
const alert = (alertname: string, instance: string) => amBody([{ labels: { alertname, instance }, startsAt: '2026-05-04T09:59:00Z' }]);

/** A store file with three incidents: one acknowledged, one paused, one whose reminder ran. */
async function seed(file: string, clock: FakeClock): Promise<number[]> {
  const pipeline = createPipeline({ ruleSet: exampleRuleSet(), clock, file, policy: { slaTermsFor: () => TERMS } });
  const push = (body: unknown) => pipeline.push(body, { name: 'alertmanager', type: 'alertmanager' });
  try {
    const ids = [
      (await push(alert('BlackboxProbeFailed', 'https://checkout.example.net/health'))).incidents[0]!,
      (await push(alert('BlackboxProbeFailed', 'https://shop.example.net/'))).incidents[0]!,
      (await push(alert('SearchLatencyHigh', 'search-1'))).incidents[0]!,
    ];
    clock.advance({ minutes: 2 });
    await runAction({ store: pipeline.store.incidents }, ids[0]!, { type: 'acknowledge', actor: anna }, clock.now().getTime());
    await runAction({ store: pipeline.store.incidents }, ids[1]!, { type: 'pause', actor: anna, reason: 'customer checks' }, clock.now().getTime());
    clock.advance({ minutes: 8 });
    await pipeline.sla.runOnce();
    return ids;
  } finally {
    await pipeline.close();
  }
}

describe('sla rebuild: the stored SLA is an index of the timeline', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ib-sla-rebuild-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a consistent store has no differences; each corrupted field and due time is found, fixed, and gone after the fix', async () => {
    const file = path.join(dir, 'store.db');
    const clock = new FakeClock('2026-05-04T10:00:00Z');
    const [acked, paused, reminded] = await seed(file, clock);
    const now = clock.now().getTime();
    let store = openSqliteStore(file);
    expect(await rebuildSla(store, now, false)).toEqual({ checked: 3, differences: [], fixed: 0 });
    await store.close();

    // Corrupt the index on purpose: a due time moved, a met response forgotten, a pause lost, a due row gone and one moved.
    const db = new Database(file);
    const patch = (id: number, change: Record<string, unknown>) => {
      const row = db.prepare('SELECT sla FROM incidents WHERE id = ?').get(id) as { sla: string };
      db.prepare('UPDATE incidents SET sla = ? WHERE id = ?').run(JSON.stringify({ ...JSON.parse(row.sla), ...change }), id);
    };
    patch(acked!, { respondedAt: null, resolutionDueAt: Date.parse('2026-05-04T15:00:00Z') });
    patch(paused!, { paused: false, pausedSince: null });
    db.prepare('DELETE FROM sla_due WHERE incident_id = ?').run(reminded);
    db.prepare("UPDATE sla_due SET due_at = due_at + 3600000, steps = '[]' WHERE incident_id = ?").run(acked);
    db.close();

    store = openSqliteStore(file);
    const found = await rebuildSla(store, now, false);
    expect(found.differences.map((d) => `${d.incidentId} ${d.field}`)).toEqual([
      `${acked} respondedAt`,
      `${acked} resolutionDueAt`,
      `${acked} nextDueAt`,
      `${acked} steps`,
      `${paused} responseDueAt`,
      `${paused} resolutionDueAt`,
      `${paused} paused`,
      `${paused} pausedSeconds`,
      `${reminded} nextDueAt`,
    ].sort((a, b) => Number(a.split(' ')[0]) - Number(b.split(' ')[0])));
    expect(found.differences.find((d) => d.incidentId === acked && d.field === 'respondedAt')).toMatchObject({ stored: null, computed: Date.parse('2026-05-04T10:02:00Z') });
    const fixed = await rebuildSla(store, now, true);
    expect(fixed.fixed).toBe(3);
    expect(await rebuildSla(store, now, false)).toEqual({ checked: 3, differences: [], fixed: 0 });
    await store.close();
  });

  test('the command reports each difference and exits 1, repairs with --fix and exits 0', async () => {
    const file = path.join(dir, 'store.db');
    // The command compares as of the real time: the store is seeded (ten minutes of it) before it.
    const clock = new FakeClock(Date.now() - 20 * M);
    const [acked] = await seed(file, clock);
    const db = new Database(file);
    db.prepare('DELETE FROM sla_due WHERE incident_id = ?').run(acked);
    db.close();
    const run = async (...args: string[]) => {
      const out = new PassThrough();
      const err = new PassThrough();
      let text = '';
      out.on('data', (c: Buffer) => (text += c.toString()));
      err.on('data', (c: Buffer) => (text += c.toString()));
      const code = await runSla(['rebuild', '--config', path.join(REPO_DIR, 'config/incident-bridge.yaml'), '--db', file, ...args], out, err);
      return { code, text };
    };
    const report = await run();
    expect(report.code).toBe(1);
    expect(report.text).toContain(`incident ${acked}: nextDueAt stored null, computed `);
    expect(report.text).toContain('checked 3 incidents with an SLA: 1 differences in 1 incidents');
    expect(await run('--fix')).toMatchObject({ code: 0 });
    expect(await run()).toEqual({ code: 0, text: 'checked 3 incidents with an SLA: 0 differences in 0 incidents\n' });
  });
});
