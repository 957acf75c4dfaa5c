import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

/** What a backup holds, read back from the copy itself. */
export interface BackupSummary {
  /** The last migration applied (the schema version the copy needs). */
  schemaVersion: string | null;
  /** Rows per table of the store's history. */
  counts: Record<string, number>;
  bytes: number;
}

/** The tables whose rows a backup counts: the history and the state the daemon resumes from. */
const COUNTED = ['incidents', 'alerts', 'timeline', 'notifications', 'sla_due', 'silences'] as const;

/** A backup that cannot be made or does not read back whole. */
export class BackupError extends Error {}

/**
 * Copies the SQLite store at `source` to a new file `target`, online: beside a running daemon,
 * in one read transaction (VACUUM INTO), so the copy is one consistent moment of the store
 * whatever the daemon commits meanwhile, and the daemon's writes are never blocked (WAL). The
 * copy is written under a temporary name, checked (`PRAGMA integrity_check`), and renamed into
 * place only when whole; an existing `target` is refused. Restoring is copying it back to the
 * store's path with the daemon stopped.
 */
export function backupSqliteStore(source: string, target: string): BackupSummary {
  if (!existsSync(source)) throw new BackupError(`${source}: no such store`);
  if (existsSync(target)) throw new BackupError(`${target}: already exists; a backup never overwrites a file`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new BackupError(`${source}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  try {
    const summary = readBack(partial);
    renameSync(partial, target);
    return summary;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** Reads a backup back: its integrity, schema version, rows per table and size. */
function readBack(file: string): BackupSummary {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    if (check.length !== 1 || check[0]!.integrity_check !== 'ok') throw new BackupError(`${file}: integrity check failed: ${check.map((c) => c.integrity_check).slice(0, 5).join('; ')}`);
    const tables = new Set((copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
    const counts: Record<string, number> = {};
    for (const table of COUNTED) if (tables.has(table)) counts[table] = (copy.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const version = tables.has('schema_migrations') ? (copy.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: string | null }).v : null;
    const pages = copy.pragma('page_count', { simple: true }) as number;
    const size = copy.pragma('page_size', { simple: true }) as number;
    return { schemaVersion: version, counts, bytes: pages * size };
  } finally {
    copy.close();
  }
}
