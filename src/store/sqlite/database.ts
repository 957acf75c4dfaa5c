import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pendingMigrations } from '../migration-files';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations.
 * synchronous=NORMAL keeps the file consistent through a power loss (SQLite syncs at every
 * checkpoint); each commit is made durable by WalSync, which flushes the WAL off the event loop
 * before the commit is acknowledged, as synchronous=FULL would have in the commit itself.
 * `onMigrated` hears the migrations this opening applied.
 */
export function openDatabase(file: string, onMigrated?: (applied: string[]) => void): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Each unit of a batch runs in a savepoint, whose undo copies of the pages it changes go to
  // a temporary journal: in memory, not a file written for every unit.
  db.pragma('temp_store = MEMORY');
  const applied = migrate(db);
  onMigrated?.(applied);
  // Give the query planner statistics for tables that have none yet, cheaply (a bounded sample).
  db.pragma('analysis_limit = 1000');
  db.pragma('optimize = 0x10002');
  return db;
}

/**
 * Opens an existing SQLite file for reading only, without migrating it: for commands that look
 * at the daemon's store while it runs (`explain`) and must change nothing.
 */
export function openDatabaseReadOnly(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** The last migration of this incident-bridge's SQLite schema: a store at it has every table and column it writes. */
export function latestMigration(dir = MIGRATIONS_DIR): string | null {
  return pendingMigrations(dir, new Set()).pop()?.version ?? null;
}

/**
 * Applies every numbered `NNN-name.sql` not yet recorded in schema_migrations, each in its own
 * transaction, in number order. Merged migrations are never edited: add a new file instead.
 */
export function migrate(db: Database.Database, dir = MIGRATIONS_DIR): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: string }[]).map((r) => r.version));
  const applied: string[] = [];
  for (const { version, sql } of pendingMigrations(dir, done)) {
    db.transaction(() => {
      db.exec(sql());
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now());
    })();
    applied.push(version);
  }
  return applied;
}
