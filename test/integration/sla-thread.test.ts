import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createLogger } from '../../src/core/logger';
import { createPipeline } from '../../src/incidents/pipeline';
import type { SlaStepRun } from '../../src/incidents/sla-worker';
import { SlaThread } from '../../src/sla-thread';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { WriterGate } from '../../src/store/sqlite/writer-gate';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { REPO_DIR } from '../helpers/fixtures';
import { exampleRuleSet } from '../helpers/rules';
import { allDayTerms } from '../helpers/sla-terms';

/*
 * The SLA scheduler on its own thread (dist/sla-thread.js, as `serve` runs it) and the daemon's
 * connection writing the same file at the same time, through the gate. The incidents opened 20
 * minutes before the real clock's now, so their reminders (at 50% of a 15-minute response) are
 * overdue when the thread looks: no waiting.
 */
const M = 60_000;
// A 15-minute response for every priority, a reminder at 50%.
const TERMS = allDayTerms([{ clock: 'response', at: { kind: 'share', share: 0.5 }, atText: '50%', action: 'remind' }], {
  P1: [15, 240],
  P2: [15, 480],
  P3: [15, 4320],
  P4: [15, 14400],
});
const SCRIPT = path.join(REPO_DIR, 'dist', 'sla-thread.js');

describe('the SLA scheduler thread', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ib-sla-thread-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("runs every due step once beside the daemon's own writes, reports each step and change, and hands back on close", async () => {
    const file = path.join(dir, 'store.db');
    const clock = new FakeClock(new Date(Date.now() - 20 * M).toISOString());
    const seeding = createPipeline({ ruleSet: exampleRuleSet(), clock, file, policy: { slaTermsFor: () => TERMS } });
    const opened: number[] = [];
    try {
      const alerts = [
        ['BlackboxProbeFailed', 'https://checkout.example.net/health'],
        ['BlackboxProbeFailed', 'https://shop.example.net/'],
        ['SearchLatencyHigh', 'search-1'],
      ];
      for (const [alertname, instance] of alerts) {
        const body = amBody([{ labels: { alertname: alertname!, instance: instance! }, startsAt: clock.now().toISOString() }]);
        opened.push(...(await seeding.push(body, { name: 'alertmanager', type: 'alertmanager' })).incidents);
      }
    } finally {
      await seeding.close();
    }
    expect(new Set(opened).size).toBe(3);

    const gate = new WriterGate();
    const daemon = openSqliteStore(file, { gate });
    const steps: SlaStepRun[] = [];
    const committed: number[] = [];
    let ended = 0;
    const thread = await SlaThread.start({
      storePath: file,
      gate,
      routing: { routes: [], channels: [], customers: [], locale: 'en' },
      logLevel: 'warn',
      secrets: [],
      logger: createLogger({ silent: true }),
      onStep: (run) => steps.push(run),
      onCommitted: (ids) => committed.push(...ids),
      onEnded: () => (ended += 1),
      script: SCRIPT,
    });
    try {
      // The daemon writes all the while: every one of its transactions must commit.
      const writes = Array.from({ length: 200 }, (_, n) => daemon.incidents.runBatch([async (tx) => tx.writeState(`test-${n % 7}`, String(n), Date.now())]));
      const ran = await thread.runOnce();
      const settled = (await Promise.all(writes)).flat();
      expect(settled.filter((s) => !s.ok)).toEqual([]);
      // Each incident: the reminder at 7.5 minutes and the response's breach at 15, both overdue.
      expect(ran).toBe(6);
      expect(steps.map((s) => `${s.incidentId} ${s.step.key} ${s.step.action}`).sort()).toEqual(opened.flatMap((id) => [`${id} breach:response breach`, `${id} response:0 remind`]).sort());
      expect(steps.every((s) => s.lateMs >= 4 * M)).toBe(true);
      // A second pass finds nothing due.
      expect(await thread.runOnce()).toBe(0);
    } finally {
      await thread.close();
      await daemon.close();
    }
    expect(ended).toBe(1);
    expect(thread.alive).toBe(false);
    expect([...new Set(committed)].sort()).toEqual([...opened].sort());
    // Two entries per incident by the scheduler, the reminder and the breach: each step once.
    const db = new Database(file, { readonly: true });
    const reminders = db.prepare("SELECT incident_id AS id, COUNT(*) AS n FROM timeline WHERE actor_name = 'sla' GROUP BY incident_id ORDER BY incident_id").all();
    db.close();
    expect(reminders).toEqual([...opened].sort((a, b) => a - b).map((id) => ({ id, n: 2 })));
  });
});
