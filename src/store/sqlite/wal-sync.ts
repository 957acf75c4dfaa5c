import type Database from 'better-sqlite3';
import { close, fdatasync, fsync, open } from 'node:fs';
import path from 'node:path';

/** The file calls WalSync makes; tests pass their own to hold or fail a sync. */
export interface SyncFiles {
  open(file: string, flags: string, cb: (error: NodeJS.ErrnoException | null, fd: number) => void): void;
  fdatasync(fd: number, cb: (error: NodeJS.ErrnoException | null) => void): void;
  fsync(fd: number, cb: (error: NodeJS.ErrnoException | null) => void): void;
  close(fd: number, cb: (error: NodeJS.ErrnoException | null) => void): void;
}

const nodeFiles: SyncFiles = { open, fdatasync, fsync, close };

/**
 * Durable commits without blocking the event loop. The database runs with synchronous=NORMAL, so
 * a commit writes its WAL frames without waiting for the disk; `sync()` then flushes the WAL file
 * on libuv's thread pool and resolves once every transaction committed before the call is on
 * disk, which is what synchronous=FULL gives, one fsync per commit. Callers that answer for a
 * commit (a webhook's 2xx, a claimed notification about to be sent) await it first.
 *
 * Commits that arrive while a flush is running share the next one (group commit at the disk),
 * and parsing and classifying go on while the disk works. Checkpoints keep SQLite's own syncs,
 * so the file stays consistent. A failed flush is final: the pages it covered may be lost, so
 * every later `sync()` fails too and the store must be reopened (the daemon restarted).
 */
export class WalSync {
  private fd: number | null = null;
  private running = false;
  private current: Waiter[] = [];
  private next: Waiter[] = [];
  private failure: Error | null = null;
  private closed = false;

  constructor(
    /** The -wal file, or null for a database with nothing to flush (in memory). */
    private readonly walFile: string | null,
    private readonly files: SyncFiles = nodeFiles,
  ) {}

  /** Resolves once everything committed before this call is on disk. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.walFile === null) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      // A flush already running may have started before this commit: wait for the next one.
      (this.running ? this.next : this.current).push({ resolve, reject });
      if (!this.running) this.start();
    });
  }

  /** The error of the flush that failed, if one did; the store is not durable after it. */
  failed(): Error | null {
    return this.failure;
  }

  /** Refuses new syncs; the WAL file handle is released once the flushes under way are done. */
  close(): void {
    this.closed = true;
    if (!this.running) this.release();
  }

  private release(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) this.files.close(fd, () => undefined);
  }

  private start(): void {
    this.running = true;
    const waiters = this.current;
    this.flush().then(
      () => this.finish(waiters, null),
      (error: unknown) => this.finish(waiters, error instanceof Error ? error : new Error(String(error))),
    );
  }

  private finish(waiters: Waiter[], error: Error | null): void {
    if (error) {
      this.failure = new Error(`cannot sync the store's write-ahead log to disk: ${error.message}`, { cause: error });
    }
    for (const w of waiters) {
      if (this.failure) w.reject(this.failure);
      else w.resolve();
    }
    this.running = false;
    this.current = this.next;
    this.next = [];
    if (this.current.length > 0 && this.failure) {
      for (const w of this.current) w.reject(this.failure);
      this.current = [];
    }
    if (this.current.length > 0) this.start();
    else if (this.closed) this.release();
  }

  private async flush(): Promise<void> {
    if (this.fd === null) {
      // The WAL exists from the first commit on and is never replaced while the store is open.
      // Its directory entry is flushed once, as SQLite does for a file it creates.
      this.fd = await call<number>((cb) => this.files.open(this.walFile!, 'r+', cb));
      const dir = await call<number>((cb) => this.files.open(path.dirname(this.walFile!), 'r', cb));
      try {
        await call<void>((cb) => this.files.fsync(dir, cb));
      } finally {
        this.files.close(dir, () => undefined);
      }
    }
    const fd = this.fd;
    await call<void>((cb) => this.files.fdatasync(fd, cb));
  }
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

function call<T>(run: (cb: (error: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));
}

const byDatabase = new WeakMap<Database.Database, WalSync>();

/** The one WalSync of a database connection, shared by every store built on it. */
export function walSyncOf(db: Database.Database): WalSync {
  let sync = byDatabase.get(db);
  if (!sync) {
    // SQLite's own absolute path of the file: it follows symlinks, and so does the -wal beside it.
    const main = (db.pragma('database_list') as { name: string; file: string }[]).find((d) => d.name === 'main');
    sync = new WalSync(db.memory || !main?.file ? null : `${main.file}-wal`);
    byDatabase.set(db, sync);
  }
  return sync;
}
