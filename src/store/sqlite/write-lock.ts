import type Database from 'better-sqlite3';
import type { WriterGate } from './writer-gate';

/**
 * Serializes the work that writes on one SQLite connection. A batch of async units holds its
 * transaction open across awaits; any other write on the same connection in that time would
 * land inside it, so every writer takes this lock, in call order. An idle lock runs the work at
 * once, in the caller's turn, as a plain call would.
 */
export class WriteLock {
  private tail: Promise<void> | null = null;
  private holders = 0;
  /** Turns with another thread writing the same file on its own connection, when there is one. */
  private gate: WriterGate | null = null;

  /** From now on every write also takes its side's turn at `gate` (see WriterGate); null: no more. */
  share(gate: WriterGate | null): void {
    this.gate = gate;
  }

  /** True while some work holds the lock or waits for it. */
  get busy(): boolean {
    return this.holders > 0;
  }

  /** Runs `work` when every earlier holder has finished; releases the lock on every path. */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    return this.queue(work, true);
  }

  /**
   * Holds the lock in call order; `write`: the work writes, so it also takes its turn at the gate
   * shared with another thread's connection, if any (a read, or a passive checkpoint, needs no
   * turn: neither conflicts with the other connection's writes).
   */
  private queue<T>(work: () => T | Promise<T>, write: boolean): Promise<T> {
    this.holders++;
    const start = this.tail;
    const step = write ? () => this.turn(work) : () => settle(work);
    const result = start === null ? step() : start.then(step);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    this.tail = done;
    void done.then(() => {
      this.holders--;
      if (this.tail === done) this.tail = null;
    });
    return result;
  }

  /**
   * Holds the connection, in call order among the writers, for work that reads across awaits
   * (a read transaction of its own) without a turn at the gate, which only writes need; the work
   * takes a turn at the gate for each of its writes with `writeTurn`.
   */
  hold<T>(work: (writeTurn: <U>(write: () => U | Promise<U>) => Promise<U>) => Promise<T>): Promise<T> {
    return this.queue(() => work((write) => this.turn(write)), false);
  }

  /**
   * Runs a read in its turn among the writers: after the work queued before it, before the work
   * queued after it, so that it never sees a unit's uncommitted changes and is never starved by
   * a steady stream of batches (waiting for the lock to be idle would be, under load).
   */
  read<T>(query: () => T): Promise<T> {
    return this.busy ? this.queue(query, false) : settle(query);
  }

  /** Runs `work` now, or once the gate gives this side its turn; tells the gate when it ends. */
  private turn<T>(work: () => T | Promise<T>): Promise<T> {
    const gate = this.gate;
    if (gate === null) return settle(work);
    const wait = gate.enter();
    const result = wait === null ? settle(work) : wait.then(() => settle(work));
    const done = (): void => gate.leave();
    result.then(done, done);
    return result;
  }

  /**
   * True when this connection writes beside another thread's (the helper's side of a gate), its
   * write in progress has held the lock at least `minTurnMs`, and the other side waits for it.
   */
  othersWait(minTurnMs: number): boolean {
    return this.gate !== null && this.gate.side === 'helper' && this.gate.daemonWaitsFor(minTurnMs);
  }

  /** Resolves once no work holds the lock (for reads that must not see a unit in progress). */
  async idle(): Promise<void> {
    while (this.tail !== null) await this.tail;
  }
}

function settle<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

const byDatabase = new WeakMap<Database.Database, WriteLock>();

/** The one WriteLock of a database connection, shared by every store built on it. */
export function writeLockOf(db: Database.Database): WriteLock {
  let lock = byDatabase.get(db);
  if (!lock) {
    lock = new WriteLock();
    byDatabase.set(db, lock);
  }
  return lock;
}
