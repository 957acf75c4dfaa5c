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
import type { WriterGate } from './writer-gate';

/**
 * Two connections that write one file from two threads (the daemon's and its SLA scheduler's)
 * share a WriterGate: the daemon's side waits for its turns asynchronously, the helper's side
 * takes a turn for each transaction.
 */
export interface SharedWriting {
  gate: WriterGate;
  side: 'daemon' | 'helper';
}

/** A SQLite store; a helper's side of shared writing also checkpoints the WAL for both. */
export interface SqliteStore extends Store {
  /**
   * Copies the WAL's pages into the database file (a passive checkpoint) in a turn of its own at
   * the gate, so that no write lands meanwhile and every frame is copied: the next write then
   * starts the log over. Only on the helper's side; both connections leave checkpoints to it.
   */
  checkpoint(): Promise<{ frames: number; copied: number }>;
}

/** SQLite's own default: a commit that finds this many pages in the WAL checkpoints it. */
const AUTOCHECKPOINT_PAGES = 1000;

/** Opens (creating and migrating) the SQLite file, or `:memory:`, as one Store. */
export function openSqliteStore(file: string, shared?: SharedWriting): SqliteStore {
  const db = openDatabase(file);
  const lock = writeLockOf(db);
  if (shared) {
    // The helper checkpoints off the daemon's thread, between the two's writes.
    db.pragma('wal_autocheckpoint = 0');
    if (shared.side === 'daemon') {
      lock.share(shared.gate);
      // Without its helper the daemon checkpoints in its own commits again.
      shared.gate.onReset(() => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      });
    }
  }
  const gate = shared?.side === 'helper' ? shared.gate : null;
  /** The log's length at the helper's last checkpoint in a turn of its own. */
  let lastTurnFrames = -1;
  return {
    checkpoint: () => {
      if (gate === null) return Promise.reject(new Error('only a helper connection checkpoints'));
      return lock.run(async () => {
        // Most of the log is copied while the daemon goes on writing. The rest is copied in a
        // turn at the gate, when no transaction is open: the next one then finds every frame in
        // the file and starts the log over. (A checkpoint that merely caught up between two of
        // the daemon's transactions is not enough: the one already open goes on appending.)
        const bulk = walCheckpoint(db);
        // Nothing written since the last turn: the log starts over at the next write anyway.
        if (bulk.frames === 0 || (bulk.copied >= bulk.frames && bulk.frames === lastTurnFrames)) return bulk;
        await gate.helperEnter();
        try {
          const rest = walCheckpoint(db);
          lastTurnFrames = rest.frames;
          return rest;
        } finally {
          gate.helperLeave();
        }
      });
    },
    incidents: new SqliteIncidentStore(db, shared?.side === 'helper' ? shared.gate : null),
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

/** One passive checkpoint: the frames in the log, and how many of them are in the database file now. */
function walCheckpoint(db: Database.Database): { frames: number; copied: number } {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
  return { frames: result?.log ?? 0, copied: result?.checkpointed ?? 0 };
}
