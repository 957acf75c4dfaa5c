import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../../src/store/sqlite/database';
import { REPORT_COLUMNS, REPORT_COLUMNS_FROM_ROW_SQL, reportValues } from '../../../src/store/sqlite/report-columns';
import type { ReportInputs } from '../../../src/store/sqlite/report-columns';
import type { SlaIndex } from '../../../src/core/sla-terms';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store';
import type { IncidentTransaction, NewIncident } from '../../../src/store/store';

const M = 60_000;

/** Every combination of the states the report columns follow from (one clock's values at a time). */
function states(): { inputs: ReportInputs; openedQuiet: string | null }[] {
  const out: { inputs: ReportInputs; openedQuiet: string | null }[] = [];
  const slas: (SlaIndex | null)[] = [null];
  for (const respondedAt of [null, 10 * M, 15 * M, 20 * M])
    for (const responseBreached of [false, true])
      for (const resolutionBreached of [false, true])
        for (const paused of [false, true])
          for (const responseDueAt of [null, 15 * M])
            slas.push({ policy: 'p', responseDueAt, respondedAt, responseBreached, resolutionDueAt: 240 * M, resolutionBreached, paused, pausedSeconds: 0 });
  for (const sla of slas)
    for (const status of ['open', 'acknowledged', 'resolved'] as const)
      for (const resolvedAt of status === 'resolved' ? [200 * M, 240 * M, 300 * M] : [null])
        for (const acknowledgedAt of [null, 7 * M])
          for (const openedQuiet of [null, 'maintenance', 'silence', 'inhibit'])
            out.push({ inputs: { sla, status, resolvedAt, acknowledgedAt }, openedQuiet });
  return out;
}

describe('the report columns', () => {
  test("the store's values equal the SQL of migration 014's triggers, for every state", () => {
    const db = new Database(':memory:');
    migrate(db);
    const insert = db.prepare(`INSERT INTO incidents (incident_key, status, priority, impact, category, health_model, metric, title, summary, group_labels,
      alert_count, firing_count, delivery_count, started_at, opened_at, updated_at, acknowledged_at, resolved_at, auto_resolve, hold_down_ms, sla, opened_quiet)
      VALUES (?, ?, 'P1', 'full_outage', 'software', 'shop', 'checkout', 't', 's', '{}', 1, 1, 1, 0, 0, 0, ?, ?, 1, 0, ?, ?)`);
    const cases = states();
    db.transaction(() => cases.forEach((c, n) => insert.run(`k${n}`, c.inputs.status, c.inputs.acknowledgedAt, c.inputs.resolvedAt, c.inputs.sla && JSON.stringify(c.inputs.sla), c.openedQuiet)))();
    db.exec(REPORT_COLUMNS_FROM_ROW_SQL);
    const rows = db.prepare(`SELECT ${REPORT_COLUMNS.join(', ')} FROM incidents ORDER BY id`).all();
    expect(cases.length).toBeGreaterThan(500);
    expect(rows).toEqual(cases.map((c) => reportValues(c.inputs, c.openedQuiet)));
    db.close();
  });

  test('the store writes them with the incident, and an update names only the columns that moved', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-report-columns-'));
    const file = path.join(dir, 'store.db');
    const store = openSqliteStore(file);
    const raw = new Database(file);
    try {
      // Every UPDATE that names a report column leaves a line here.
      raw.exec(`CREATE TABLE named (id INTEGER PRIMARY KEY, what TEXT);
        CREATE TRIGGER test_named AFTER UPDATE OF ${REPORT_COLUMNS.join(', ')} ON incidents BEGIN INSERT INTO named (what) VALUES ('report'); END;`);
      const sla: SlaIndex = { policy: 'p', responseDueAt: 15 * M, respondedAt: null, responseBreached: false, resolutionDueAt: 240 * M, resolutionBreached: false, paused: false, pausedSeconds: 0 };
      const incident: NewIncident = {
        key: 'k', status: 'open', priority: 'P1', impact: 'full_outage', category: 'software', healthModel: 'shop', metric: 'checkout', customer: null,
        title: 't', summary: 's', runbookUrl: null, groupLabels: {}, alertCount: 1, firingCount: 1, deliveryCount: 1, startedAt: 0, openedAt: 0, updatedAt: 0,
        autoResolve: true, holdDownMs: 0, slaTerms: null, sla, suppressed: null, paged: true, flapChanges: 0, flapWindowMs: 0, stateChanges: [],
      };
      const [opened] = await store.incidents.runBatch([(tx) => tx.insertIncident(incident)]);
      const id = opened!.ok ? opened!.value : -1;
      const columns = () => raw.prepare(`SELECT ${REPORT_COLUMNS.join(', ')} FROM incidents WHERE id = ?`).get(id);
      const named = () => (raw.prepare('SELECT COUNT(*) AS n FROM named').get() as { n: number }).n;
      const change = (patch: Parameters<IncidentTransaction['updateIncident']>[1]) => store.incidents.runBatch([async (tx) => tx.updateIncident(id, patch)]);
      expect(columns()).toEqual({ sla_paused: 0, sla_response_due_at: 15 * M, sla_resolution_due_at: 240 * M, rep_responded_at: null, rep_response: 0, rep_resolution: 0 });

      // A change of the SLA index that moves no column (its paused seconds) names none of them.
      await change({ sla: { ...sla, pausedSeconds: 30 }, updatedAt: 1 });
      expect(named()).toBe(0);
      // Acknowledged late: the response's columns move.
      await change({ status: 'acknowledged', acknowledgedAt: 20 * M, sla: { ...sla, respondedAt: 20 * M } });
      expect(named()).toBe(1);
      expect(columns()).toEqual({ sla_paused: 0, sla_response_due_at: 15 * M, sla_resolution_due_at: 240 * M, rep_responded_at: 20 * M, rep_response: 2, rep_resolution: 0 });
      // Resolved in time.
      await change({ status: 'resolved', resolvedAt: 100 * M });
      expect(named()).toBe(2);
      expect(columns()).toEqual({ sla_paused: 0, sla_response_due_at: 15 * M, sla_resolution_due_at: 240 * M, rep_responded_at: 20 * M, rep_response: 2, rep_resolution: 1 });
    } finally {
      raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
