import type Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncidentTransaction, Settled } from '../../src/store/store';
import { openDatabase } from '../../src/store/sqlite/database';
import { SqliteIncidentStore } from '../../src/store/sqlite/sqlite-incident-store';
import { walSyncOf } from '../../src/store/sqlite/wal-sync';
import type { SyncFiles } from '../../src/store/sqlite/wal-sync';

type Done = (error: NodeJS.ErrnoException | null) => void;

/** The real file calls, except that each fdatasync waits until the test releases or fails it. */
class HeldFiles implements SyncFiles {
  private readonly held: { fd: number; cb: Done }[] = [];
  fdatasyncs = 0;

  open(file: string, flags: string, cb: (error: NodeJS.ErrnoException | null, fd: number) => void): void {
    fs.open(file, flags, cb);
  }

  fsync(fd: number, cb: Done): void {
    fs.fsync(fd, cb);
  }

  close(fd: number, cb: Done): void {
    fs.close(fd, cb);
  }

  fdatasync(fd: number, cb: Done): void {
    this.fdatasyncs++;
    this.held.push({ fd, cb });
  }

  get pending(): number {
    return this.held.length;
  }

  /** Runs the oldest held fdatasync for real. */
  release(): void {
    const next = this.held.shift();
    if (!next) throw new Error('no fdatasync is held');
    fs.fdatasync(next.fd, next.cb);
  }

  /** Fails the oldest held fdatasync as a disk error would. */
  fail(error: NodeJS.ErrnoException): void {
    const next = this.held.shift();
    if (!next) throw new Error('no fdatasync is held');
    setImmediate(() => next.cb(error));
  }
}

/** Waits (bounded, no sleeps) until `done`, letting real thread-pool callbacks come back. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) await new Promise(setImmediate);
  if (!done()) throw new Error('condition never became true');
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise(setImmediate);
}

function track<T>(p: Promise<T>): { done: boolean; value?: T } {
  const t: { done: boolean; value?: T } = { done: false };
  void p.then((value) => {
    t.done = true;
    t.value = value;
  });
  return t;
}

describe('SqliteIncidentStore: durable commits', () => {
  let dir: string;
  let db: Database.Database;
  let store: SqliteIncidentStore;
  let files: HeldFiles;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-durable-'));
    db = openDatabase(path.join(dir, 'store.db'));
    store = new SqliteIncidentStore(db);
    files = new HeldFiles();
    // Swap the file calls of the connection's WalSync before its first flush.
    (walSyncOf(db) as unknown as { files: SyncFiles }).files = files;
  });
  afterEach(() => {
    walSyncOf(db).close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the database runs in WAL mode with synchronous=NORMAL', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  test('runBatch resolves only after the WAL flush completes', async () => {
    const batch = track(store.runBatch([(tx) => tx.findReceipt('x')]));
    await until(() => files.pending === 1);
    await settle();
    expect(batch.done).toBe(false);

    files.release();
    await until(() => batch.done);
    expect(batch.value).toEqual([{ ok: true, value: null }]);
    expect(files.fdatasyncs).toBe(1);
    expect(walSyncOf(db).failed()).toBeNull();
  });

  test('a batch committed during a flush waits for the next flush', async () => {
    const first = track(store.runBatch([(tx) => tx.findReceipt('a')]));
    await until(() => files.pending === 1);
    const second = track(store.runBatch([(tx) => tx.findReceipt('b')]));
    await settle();
    expect(files.fdatasyncs).toBe(1);

    files.release();
    await until(() => first.done);
    await until(() => files.pending === 1);
    await settle();
    expect(second.done).toBe(false);

    files.release();
    await until(() => second.done);
    expect(second.value).toEqual([{ ok: true, value: null }]);
    expect(files.fdatasyncs).toBe(2);
  });

  test('a failed flush reports every unit of the batch, and later batches, as failed', async () => {
    const units = [(tx: IncidentTransaction) => tx.findReceipt('x')];
    const batch = track(store.runBatch([...units, ...units, ...units]));
    await until(() => files.pending === 1);
    await settle();
    expect(batch.done).toBe(false);

    files.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await until(() => batch.done);
    const settled = batch.value as Settled<unknown>[];
    expect(settled).toHaveLength(3);
    for (const outcome of settled) {
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? null : (outcome.error as Error).message).toMatch(/^cannot sync the store's write-ahead log to disk/);
    }

    const later = await store.runBatch(units);
    expect(later).toEqual([{ ok: false, error: walSyncOf(db).failed() }]);
    expect(files.fdatasyncs).toBe(1);
  });
});
