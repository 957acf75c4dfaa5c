import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { SilenceStore, Store } from '../store';
import { openDatabase, openDatabaseReadOnly } from './database';
import { SqliteIncidentStore } from './sqlite-incident-store';
import { SqliteOutboxStore } from './sqlite-outbox-store';
import { SqliteReadModel } from './sqlite-read-model';
import { SqliteSilenceStore } from './sqlite-silence-store';
import { walSyncOf } from './wal-sync';
import { writeLockOf } from './write-lock';

/** Opens (creating and migrating) the SQLite file, or `:memory:`, as one Store. */
export function openSqliteStore(file: string): Store {
  const db = openDatabase(file);
  const lock = writeLockOf(db);
  return {
    incidents: new SqliteIncidentStore(db),
    readModel: new SqliteReadModel(db),
    outbox: new SqliteOutboxStore(db),
    silences: new SqliteSilenceStore(db),
    async close() {
      // Work that holds the connection finishes first; a closed handle would fail it halfway.
      await lock.idle();
      walSyncOf(db).close();
      if (db.open) db.close();
    },
  };
}

/** An existing SQLite file opened read-only and not migrated; a missing file reads as an empty store. */
export function openReadOnlySqliteStore(file: string): Store {
  if (file === ':memory:' || !existsSync(file)) return openSqliteStore(':memory:');
  const db = openDatabaseReadOnly(file);
  const readModel = new SqliteReadModel(db);
  const refuse = (): never => {
    throw new Error('the store is open read-only');
  };
  return {
    incidents: { runBatch: refuse, dueForResolve: refuse, nextResolveDue: refuse, dueForSla: refuse, nextSlaDue: refuse, dueForSettle: refuse, nextSettleDue: refuse, activeIncidentIds: refuse, pruneReceipts: refuse, onCommitted: () => () => undefined },
    readModel,
    outbox: new Proxy({} as Store['outbox'], { get: () => refuse }),
    silences: { ...readOnlySilences(db), create: refuse, expire: refuse, prune: refuse },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

/** The reads of the silences; a file from before silences existed (not migrated here) has none. */
function readOnlySilences(db: Database.Database): Pick<SilenceStore, 'list' | 'get' | 'inForce' | 'nextEdge'> {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'silences'").get();
  if (!table) return { list: async () => [], get: async () => null, inForce: async () => [], nextEdge: async () => null };
  const store = new SqliteSilenceStore(db);
  return { list: (f) => store.list(f), get: (id) => store.get(id), inForce: (now) => store.inForce(now), nextEdge: (after) => store.nextEdge(after) };
}
