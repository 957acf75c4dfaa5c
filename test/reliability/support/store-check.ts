import Database from 'better-sqlite3';
import type { AlertState } from './traffic';

/** Opens the daemon's store for reading, beside the daemon if it runs (WAL allows it). */
export function openStore(dbFile: string): Database.Database {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  return db;
}

/** `PRAGMA integrity_check` of the store: "ok", or the problems SQLite lists. */
export function integrityCheck(dbFile: string): string {
  const db = openStore(dbFile);
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** What is wrong with the incidents of a store, one line per problem; empty when consistent. */
export function incidentInvariantProblems(db: Database.Database): string[] {
  const problems: string[] = [];
  const twoOpen = db.prepare("SELECT incident_key AS key, COUNT(*) AS n FROM incidents WHERE status <> 'resolved' GROUP BY incident_key HAVING n > 1").all() as { key: string; n: number }[];
  for (const r of twoOpen) problems.push(`key ${r.key} has ${r.n} open incidents`);
  const counts = db
    .prepare(
      `SELECT i.id, i.status, i.alert_count, i.firing_count, i.auto_resolve, i.resolve_due_at,
         (SELECT COUNT(*) FROM alerts a WHERE a.incident_id = i.id) AS attached,
         (SELECT COUNT(*) FROM alerts a WHERE a.incident_id = i.id AND a.status = 'firing') AS firing
       FROM incidents i`,
    )
    .all() as { id: number; status: string; alert_count: number; firing_count: number; auto_resolve: number; resolve_due_at: number | null; attached: number; firing: number }[];
  for (const r of counts) {
    if (r.attached === 0) problems.push(`incident ${r.id} has no alert`);
    if (r.alert_count !== r.attached) problems.push(`incident ${r.id}: alertCount ${r.alert_count}, but ${r.attached} alerts attached`);
    if (r.firing_count !== r.firing) problems.push(`incident ${r.id}: firingCount ${r.firing_count}, but ${r.firing} attached alerts fire`);
    if (r.status === 'resolved' && r.firing > 0) problems.push(`incident ${r.id} is resolved with ${r.firing} alerts firing`);
    if (r.status !== 'resolved' && r.firing === 0 && r.auto_resolve === 1 && r.resolve_due_at === null) problems.push(`incident ${r.id} is ${r.status} with no alert firing and no resolve due`);
  }
  return problems;
}

interface LatestRow {
  source: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  starts_at: number;
  incident_id: number | null;
}

/** The current state (latest activation) of every alert in the store, by `source fingerprint`. */
export function latestAlerts(db: Database.Database): Map<string, LatestRow> {
  const rows = db.prepare('SELECT source, fingerprint, status, starts_at, incident_id FROM alerts ORDER BY starts_at, id').all() as LatestRow[];
  const latest = new Map<string, LatestRow>();
  for (const r of rows) latest.set(`${r.source} ${r.fingerprint}`, r);
  return latest;
}

/**
 * Checks that every acknowledged alert state is in the store, or a newer one: a later
 * activation, or the same activation resolved. Returns one line per alert that is missing or
 * older, and per stored alert that was never sent (anything extra).
 */
export function ledgerProblems(db: Database.Database, acknowledged: Iterable<AlertState>, sent: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const latest = latestAlerts(db);
  for (const a of acknowledged) {
    const key = `${a.source} ${a.fingerprint}`;
    const row = latest.get(key);
    if (!row) {
      problems.push(`missing: ${key} ${a.status} startsAt ${new Date(a.startsAt).toISOString()} was answered 2xx`);
      continue;
    }
    const newer = row.starts_at > a.startsAt || (row.starts_at === a.startsAt && (row.status === a.status || row.status === 'resolved'));
    if (!newer) problems.push(`older: ${key} answered 2xx as ${a.status} at ${a.startsAt}, stored ${row.status} at ${row.starts_at}`);
  }
  for (const [key, row] of latest) {
    if (!sent.has(key)) problems.push(`extra: ${key} is stored but was never sent`);
    if (row.status === 'firing' && row.incident_id === null) problems.push(`firing alert ${key} belongs to no incident`);
  }
  return problems;
}
