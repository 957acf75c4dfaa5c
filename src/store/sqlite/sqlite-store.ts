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
 * share a WriterGate, each with its own side of it: every write of a connection takes its
 * side's turn (see WriteLock.share).
 */
export interface SharedWriting {
  gate: WriterGate;
}

/** A SQLite store, which can also checkpoint its WAL for every connection to its file. */
export interface SqliteStore extends Store {
  /**
   * Copies the WAL's pages into the database file (passive checkpoints): most of the log while
   * the other connection goes on writing, the rest in a turn of its own at the gate, when no
   * transaction is open, so that the next one finds every frame in the file and starts the log
   * over. (A checkpoint that merely caught up between two of the daemon's transactions is not
   * enough: the one already open goes on appending.) With shared writing, the helper's side
   * checkpoints for both connections.
   */
  checkpoint(): Promise<{ frames: number; copied: number }>;
}

/**
 * The helper's checkpoint copies the log in a turn of its own at the write lock (so that the
 * next write starts the log over) at most this often, or sooner once the log holds
 * TAIL_FRAMES: each such turn syncs the log and the database file while the daemon's writes wait.
 */
const TAIL_EVERY_MS = 1000;
const TAIL_FRAMES = 4096;

/** SQLite's own default: a commit that finds this many pages in the WAL checkpoints it. */
const AUTOCHECKPOINT_PAGES = 1000;

/** Opens (creating and migrating) the SQLite file, or `:memory:`, as one Store. */
export function openSqliteStore(file: string, shared?: SharedWriting): SqliteStore {
  const db = openDatabase(file);
  const lock = writeLockOf(db);
  if (shared) {
    // The helper checkpoints off the daemon's thread, between the two's writes.
    db.pragma('wal_autocheckpoint = 0');
    lock.share(shared.gate);
    // Without its helper the daemon writes alone and checkpoints in its own commits again.
    shared.gate.onReset(() => {
      lock.share(null);
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    });
  }
  /** The log's length at the last checkpoint in a turn of its own, and when that was. */
  let lastTurnFrames = -1;
  let lastTurnAt = -Infinity;
  return {
    async checkpoint() {
      // A read's place in the lock: no transaction of this connection is open, and no turn at the gate.
      const bulk = await lock.read(() => walCheckpoint(db));
      // Nothing written since the last turn: the log starts over at the next write anyway.
      if (bulk.frames === 0 || (bulk.copied >= bulk.frames && bulk.frames === lastTurnFrames)) return bulk;
      if (bulk.frames < TAIL_FRAMES && performance.now() - lastTurnAt < TAIL_EVERY_MS) return bulk;
      const rest = await lock.run(() => walCheckpoint(db));
      lastTurnFrames = rest.frames;
      lastTurnAt = performance.now();
      return rest;
    },
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

/** One passive checkpoint: the frames in the log, and how many of them are in the database file now. */
function walCheckpoint(db: Database.Database): { frames: number; copied: number } {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
  return { frames: result?.log ?? 0, copied: result?.checkpointed ?? 0 };
}
