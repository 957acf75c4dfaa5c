import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WalSync, walSyncOf } from '../../src/store/sqlite/wal-sync';
import type { SyncFiles } from '../../src/store/sqlite/wal-sync';

type Done = (error: NodeJS.ErrnoException | null) => void;

const WAL = '/data/store.db-wal';
const WAL_FD = 41;
const DIR_FD = 42;
const SYNC_FAILED = /^cannot sync the store's write-ahead log to disk/;

/**
 * SyncFiles that records every call. open, fsync and close answer at once (on a microtask, as a
 * promise would); each fdatasync is held until the test releases or fails it.
 */
class FakeFiles implements SyncFiles {
  readonly opens: { file: string; flags: string }[] = [];
  readonly fsyncs: number[] = [];
  readonly fdatasyncs: number[] = [];
  readonly closes: number[] = [];
  private readonly held: Done[] = [];

  open(file: string, flags: string, cb: (error: NodeJS.ErrnoException | null, fd: number) => void): void {
    this.opens.push({ file, flags });
    queueMicrotask(() => cb(null, flags === 'r+' ? WAL_FD : DIR_FD));
  }

  fdatasync(fd: number, cb: Done): void {
    this.fdatasyncs.push(fd);
    this.held.push(cb);
  }

  fsync(fd: number, cb: Done): void {
    this.fsyncs.push(fd);
    queueMicrotask(() => cb(null));
  }

  close(fd: number, cb: Done): void {
    this.closes.push(fd);
    queueMicrotask(() => cb(null));
  }

  /** How many fdatasync calls are waiting for the test. */
  get pending(): number {
    return this.held.length;
  }

  /** Completes the oldest held fdatasync, successfully or with `error`. */
  release(error: NodeJS.ErrnoException | null = null): void {
    const cb = this.held.shift();
    if (!cb) throw new Error('no fdatasync is held');
    cb(error);
  }
}

/** Lets every queued callback and promise reaction run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise(setImmediate);
}

interface Tracked {
  state: 'pending' | 'resolved' | 'rejected';
  error?: Error;
}

/** Watches a promise's outcome without awaiting it (and without leaving a rejection unhandled). */
function track(p: Promise<void>): Tracked {
  const t: Tracked = { state: 'pending' };
  p.then(
    () => {
      t.state = 'resolved';
    },
    (error: Error) => {
      t.state = 'rejected';
      t.error = error;
    },
  );
  return t;
}

function eio(): NodeJS.ErrnoException {
  return Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', errno: -5, syscall: 'fdatasync' });
}

describe('WalSync', () => {
  let files: FakeFiles;
  let wal: WalSync;
  beforeEach(() => {
    files = new FakeFiles();
    wal = new WalSync(WAL, files);
  });

  test('sync() resolves only once the held fdatasync completes', async () => {
    const a = track(wal.sync());
    await settle();
    expect(files.fdatasyncs).toEqual([WAL_FD]);
    expect(a.state).toBe('pending');

    files.release();
    await settle();
    expect(a.state).toBe('resolved');
  });

  test('a sync() during a flush waits for the next flush, not the one in flight', async () => {
    const a = track(wal.sync());
    await settle();
    expect(files.pending).toBe(1);

    const b = track(wal.sync());
    await settle();
    // Only the first flush is running; b's commit may postdate its start.
    expect(files.fdatasyncs).toHaveLength(1);

    files.release();
    await settle();
    expect(a.state).toBe('resolved');
    expect(b.state).toBe('pending');
    expect(files.fdatasyncs).toHaveLength(2);

    files.release();
    await settle();
    expect(b.state).toBe('resolved');
    expect(files.fdatasyncs).toHaveLength(2);
  });

  test('several callers during one flush share the next flush (group commit)', async () => {
    const first = track(wal.sync());
    await settle();
    const waiting = [track(wal.sync()), track(wal.sync()), track(wal.sync())];
    await settle();
    expect(files.fdatasyncs).toHaveLength(1);

    files.release();
    await settle();
    expect(first.state).toBe('resolved');
    expect(waiting.map((t) => t.state)).toEqual(['pending', 'pending', 'pending']);
    expect(files.pending).toBe(1);

    files.release();
    await settle();
    expect(waiting.map((t) => t.state)).toEqual(['resolved', 'resolved', 'resolved']);
    expect(files.fdatasyncs).toHaveLength(2);
    expect(files.pending).toBe(0);
  });

  test('a flush starts at the first call: callers in the same tick after it wait for the next', async () => {
    // The first call hands its fdatasync to the thread pool at once; a commit made after it, even
    // in the same tick, may not be covered by it.
    const all = [track(wal.sync()), track(wal.sync()), track(wal.sync())];
    await settle();
    expect(files.fdatasyncs).toHaveLength(1);
    files.release();
    await settle();
    expect(all.map((t) => t.state)).toEqual(['resolved', 'pending', 'pending']);
    files.release();
    await settle();
    expect(all.map((t) => t.state)).toEqual(['resolved', 'resolved', 'resolved']);
    expect(files.fdatasyncs).toHaveLength(2);
  });

  test('the first flush opens the WAL r+ and the directory r, and fsyncs the directory once', async () => {
    const first = track(wal.sync());
    await settle();
    expect(files.opens).toEqual([
      { file: WAL, flags: 'r+' },
      { file: path.dirname(WAL), flags: 'r' },
    ]);
    expect(files.fsyncs).toEqual([DIR_FD]);
    // The directory handle is released right after its fsync; the WAL's is kept.
    expect(files.closes).toEqual([DIR_FD]);
    expect(files.fdatasyncs).toEqual([WAL_FD]);
    files.release();
    await settle();
    expect(first.state).toBe('resolved');

    for (let i = 0; i < 5; i++) {
      const t = track(wal.sync());
      await settle();
      files.release();
      await settle();
      expect(t.state).toBe('resolved');
    }
    expect(files.opens).toHaveLength(2);
    expect(files.fsyncs).toEqual([DIR_FD]);
    expect(files.closes).toEqual([DIR_FD]);
    expect(files.fdatasyncs).toEqual(Array(6).fill(WAL_FD));
  });

  test('a failed fdatasync rejects its waiters and those queued for the next flush, and stays failed', async () => {
    expect(wal.failed()).toBeNull();
    const inFlight = [track(wal.sync())];
    await settle();
    const queued = [track(wal.sync()), track(wal.sync())];
    await settle();
    expect(files.fdatasyncs).toHaveLength(1);

    const cause = eio();
    files.release(cause);
    await settle();
    for (const t of [...inFlight, ...queued]) {
      expect(t.state).toBe('rejected');
      expect(t.error!.message).toMatch(SYNC_FAILED);
      expect(t.error!.message).toContain('EIO');
    }
    // The queued callers get no flush of their own: the pages may already be lost.
    expect(files.fdatasyncs).toHaveLength(1);
    expect(files.pending).toBe(0);

    const failure = wal.failed();
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.message).toMatch(SYNC_FAILED);
    expect(failure!.cause).toBe(cause);
    expect(inFlight[0]!.error).toBe(failure);

    const later = track(wal.sync());
    await settle();
    expect(later.state).toBe('rejected');
    expect(later.error).toBe(failure);
    await expect(wal.sync()).rejects.toThrow(SYNC_FAILED);
    expect(files.fdatasyncs).toHaveLength(1);
    expect(files.opens).toHaveLength(2);
  });

  test('a failure to open the WAL is sticky too and never reaches fdatasync', async () => {
    const broken: SyncFiles = {
      open: (_file, _flags, cb) => queueMicrotask(() => cb(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }), -1)),
      fdatasync: jest.fn(),
      fsync: jest.fn(),
      close: jest.fn(),
    };
    const w = new WalSync(WAL, broken);
    await expect(w.sync()).rejects.toThrow(SYNC_FAILED);
    await expect(w.sync()).rejects.toThrow(/ENOENT/);
    expect(broken.fdatasync).not.toHaveBeenCalled();
    expect(w.failed()!.message).toMatch(SYNC_FAILED);
  });

  test('a database without a WAL file (in memory) resolves at once, touching no file', async () => {
    const spy: SyncFiles = { open: jest.fn(), fdatasync: jest.fn(), fsync: jest.fn(), close: jest.fn() };
    const w = new WalSync(null, spy);
    const t = track(w.sync());
    // Resolved by the first microtask turn, with nothing released.
    await Promise.resolve();
    await Promise.resolve();
    expect(t.state).toBe('resolved');
    await expect(w.sync()).resolves.toBeUndefined();
    w.close();
    for (const fn of Object.values(spy)) expect(fn).not.toHaveBeenCalled();
  });

  test('close() refuses later syncs and closes the WAL fd only after the flush in flight', async () => {
    const a = track(wal.sync());
    await settle();
    expect(files.closes).toEqual([DIR_FD]);

    wal.close();
    const after = track(wal.sync());
    await settle();
    expect(after.state).toBe('rejected');
    expect(after.error!.message).toMatch(/closed/);
    // The flush still runs on the WAL fd: it must not be closed under it.
    expect(a.state).toBe('pending');
    expect(files.closes).not.toContain(WAL_FD);

    files.release();
    await settle();
    expect(a.state).toBe('resolved');
    expect(files.closes).toEqual([DIR_FD, WAL_FD]);
    expect(files.fdatasyncs).toHaveLength(1);
  });

  test('close() during a flush still flushes the callers queued before it, then closes the fd', async () => {
    const a = track(wal.sync());
    await settle();
    const b = track(wal.sync());
    wal.close();
    await settle();
    expect(files.closes).not.toContain(WAL_FD);

    files.release();
    await settle();
    expect(a.state).toBe('resolved');
    expect(b.state).toBe('pending');
    expect(files.fdatasyncs).toHaveLength(2);
    expect(files.closes).not.toContain(WAL_FD);

    files.release();
    await settle();
    expect(b.state).toBe('resolved');
    expect(files.closes.filter((fd) => fd === WAL_FD)).toHaveLength(1);
  });

  test('close() when idle closes the WAL fd at once, and only if one was opened', async () => {
    const unused = new WalSync(WAL, files);
    unused.close();
    await settle();
    expect(files.closes).toEqual([]);
    await expect(unused.sync()).rejects.toThrow(/closed/);
    expect(files.opens).toEqual([]);

    const a = track(wal.sync());
    await settle();
    files.release();
    await settle();
    expect(a.state).toBe('resolved');
    wal.close();
    expect(files.closes).toEqual([DIR_FD, WAL_FD]);
  });
});

describe('walSyncOf on a real SQLite file', () => {
  let dir: string;
  let db: Database.Database | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-walsync-'));
  });
  afterEach(() => {
    if (db) {
      walSyncOf(db).close();
      if (db.open) db.close();
      db = undefined;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('one WalSync per connection; a committed write syncs with a real fdatasync', async () => {
    const file = path.join(dir, 'store.db');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const sync = walSyncOf(db);
    expect(walSyncOf(db)).toBe(sync);

    db.exec('CREATE TABLE t (v TEXT)');
    db.prepare('INSERT INTO t (v) VALUES (?)').run('x');
    expect(existsSync(`${file}-wal`)).toBe(true);
    await expect(sync.sync()).resolves.toBeUndefined();
    await expect(Promise.all([sync.sync(), sync.sync(), sync.sync()])).resolves.toHaveLength(3);
    expect(sync.failed()).toBeNull();
    expect(existsSync(`${file}-wal`)).toBe(true);

    const other = new Database(path.join(dir, 'other.db'));
    try {
      expect(walSyncOf(other)).not.toBe(sync);
    } finally {
      other.close();
    }
  });

  test('a store opened through a symlink syncs the WAL beside the real file', async () => {
    mkdirSync(path.join(dir, 'real'));
    mkdirSync(path.join(dir, 'link'));
    symlinkSync(path.join(dir, 'real', 'store.db'), path.join(dir, 'link', 'store.db'));
    db = new Database(path.join(dir, 'link', 'store.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (v TEXT)');
    expect(existsSync(path.join(dir, 'real', 'store.db-wal'))).toBe(true);
    await expect(walSyncOf(db).sync()).resolves.toBeUndefined();
    expect(walSyncOf(db).failed()).toBeNull();
  });

  test('an in-memory connection gets a WalSync that resolves without a file', async () => {
    const mem = new Database(':memory:');
    try {
      const sync = walSyncOf(mem);
      expect(walSyncOf(mem)).toBe(sync);
      await expect(sync.sync()).resolves.toBeUndefined();
    } finally {
      mem.close();
    }
  });
});
