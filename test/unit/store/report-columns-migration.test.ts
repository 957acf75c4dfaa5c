import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../../src/store/sqlite/database';

const MIGRATIONS = path.join(__dirname, '../../../src/store/sqlite/migrations');
const M = 60_000;

/**
 * Migration 014 fills the report's columns of the incidents already stored, as its triggers do
 * for every later write: a store from before it reports the same figures.
 */
describe('migration 014: the report columns of existing incidents', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ib-migration-014-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('each clock state, the response time and the index figures are backfilled, and later writes keep them', () => {
    const before = path.join(dir, 'before');
    cpSync(MIGRATIONS, before, { recursive: true });
    for (const f of readdirSync(before)) if (f >= '014') rmSync(path.join(before, f));
    // Up to 017: migration 018 hands the columns from the triggers to the store.
    const upTo017 = path.join(dir, 'up-to-017');
    cpSync(MIGRATIONS, upTo017, { recursive: true });
    for (const f of readdirSync(upTo017)) if (f >= '018') rmSync(path.join(upTo017, f));
    const db = new Database(':memory:');
    migrate(db, before);
    const insert = db.prepare(`INSERT INTO incidents (incident_key, status, priority, impact, category, health_model, metric, title, summary, group_labels,
      alert_count, firing_count, delivery_count, started_at, opened_at, updated_at, acknowledged_at, resolved_at, auto_resolve, hold_down_ms, sla, opened_quiet)
      VALUES (?, ?, 'P1', 'full_outage', 'software', 'shop', 'checkout', 't', 's', '{}', 1, 1, 1, 0, 0, 0, ?, ?, 1, 0, ?, ?)`);
    const sla = (respondedAt: number | null, responseBreached: boolean, resolutionBreached: boolean, paused = false) =>
      JSON.stringify({ policy: 'p', responseDueAt: 15 * M, respondedAt, responseBreached, resolutionDueAt: 240 * M, resolutionBreached, paused, pausedSeconds: 0 });
    insert.run('met', 'resolved', 5 * M, 60 * M, sla(5 * M, false, false), null);
    insert.run('late', 'resolved', 20 * M, 300 * M, sla(20 * M, true, false), null);
    insert.run('open', 'open', null, null, sla(null, false, false, true), null);
    insert.run('quiet', 'open', null, null, sla(null, false, false), 'maintenance');
    insert.run('no-sla', 'acknowledged', 7 * M, null, null, null);
    migrate(db, upTo017);
    const rows = () =>
      db.prepare('SELECT incident_key AS k, rep_responded_at AS resp, rep_response AS rs, rep_resolution AS rz, sla_paused AS p, sla_response_due_at AS due FROM incidents ORDER BY id').all();
    expect(rows()).toEqual([
      { k: 'met', resp: 5 * M, rs: 1, rz: 1, p: 0, due: 15 * M },
      // Resolved at 300 min against a due time of 240: late, whatever the flag says.
      { k: 'late', resp: 20 * M, rs: 2, rz: 2, p: 0, due: 15 * M },
      { k: 'open', resp: null, rs: 0, rz: 0, p: 1, due: 15 * M },
      { k: 'quiet', resp: null, rs: null, rz: null, p: 0, due: 15 * M },
      { k: 'no-sla', resp: 7 * M, rs: null, rz: null, p: null, due: null },
    ]);
    // Later writes go through the triggers.
    db.prepare("UPDATE incidents SET sla = ?, status = 'resolved', resolved_at = ? WHERE incident_key = 'open'").run(sla(30 * M, true, false), 100 * M);
    db.prepare("UPDATE incidents SET acknowledged_at = ? WHERE incident_key = 'no-sla'").run(9 * M);
    expect(rows().filter((r) => ['open', 'no-sla'].includes((r as { k: string }).k))).toEqual([
      { k: 'open', resp: 30 * M, rs: 2, rz: 1, p: 0, due: 15 * M },
      { k: 'no-sla', resp: 9 * M, rs: null, rz: null, p: null, due: null },
    ]);
    db.close();
  });
});
