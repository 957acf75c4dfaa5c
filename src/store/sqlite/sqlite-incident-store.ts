import type Database from 'better-sqlite3';
import type { BatchOptions, IncidentStore, Settled, Unit } from '../store';
import { SqliteIncidentTransaction, readsHold, replayWrites } from './sqlite-incident-transaction';
import type { RecordedUnit } from './sqlite-incident-transaction';
import { walSyncOf } from './wal-sync';
import type { WalSync } from './wal-sync';
import { writeLockOf } from './write-lock';
import type { WriteLock } from './write-lock';

/** A unit worked out before the lock (its value, what it read and would write), or null to run it under the lock. */
type Recorded<T> = { value: T; unit: RecordedUnit } | null;

/**
 * The write side on SQLite. A batch is one transaction (group commit: one fsync for every
 * webhook in it); each unit runs in a savepoint, so one failing unit rolls back alone. The
 * transaction holds the connection's write lock while its units run; the returned promise
 * resolves once its WAL is on disk, while the next batch may already be committing.
 */
export class SqliteIncidentStore implements IncidentStore {
  private readonly tx: SqliteIncidentTransaction;
  private recorder: SqliteIncidentTransaction | null = null;
  private readonly s: Record<'readBegin' | 'due' | 'nextResolve' | 'slaDue' | 'nextSla' | 'settleDue' | 'nextSettle' | 'activeIds' | 'suppressedIds' | 'prune' | 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement>;
  private readonly wal: WalSync;
  private readonly lock: WriteLock;
  private readonly listeners = new Set<(incidentIds: readonly number[]) => void>();

  constructor(private readonly db: Database.Database) {
    this.wal = walSyncOf(db);
    this.lock = writeLockOf(db);
    this.tx = new SqliteIncidentTransaction(db);
    this.s = {
      due: db.prepare(
        "SELECT id FROM incidents WHERE resolve_due_at IS NOT NULL AND resolve_due_at <= ? AND status <> 'resolved' AND firing_count = 0 ORDER BY resolve_due_at LIMIT ?",
      ),
      nextResolve: db.prepare("SELECT min(resolve_due_at) AS at FROM incidents WHERE resolve_due_at IS NOT NULL AND status <> 'resolved' AND firing_count = 0"),
      slaDue: db.prepare('SELECT incident_id AS id FROM sla_due WHERE due_at <= ? ORDER BY due_at LIMIT ?'),
      nextSla: db.prepare('SELECT min(due_at) AS at FROM sla_due'),
      settleDue: db.prepare('SELECT id FROM incidents WHERE settle_due_at IS NOT NULL AND settle_due_at <= ? ORDER BY settle_due_at LIMIT ?'),
      nextSettle: db.prepare('SELECT min(settle_due_at) AS at FROM incidents WHERE settle_due_at IS NOT NULL'),
      activeIds: db.prepare("SELECT id FROM incidents INDEXED BY incidents_active_ids WHERE status <> 'resolved' AND id > ? ORDER BY id LIMIT ?"),
      suppressedIds: db.prepare("SELECT id FROM incidents INDEXED BY incidents_active_suppressed WHERE status <> 'resolved' AND suppressed IS NOT NULL AND id > ? ORDER BY id LIMIT ?"),
      prune: db.prepare('DELETE FROM webhook_receipts WHERE received_at < ?'),
      // Immediate: a transaction that read under a deferred BEGIN could not write once another
      // connection (a helper thread's, a command's) had committed since; this one waits instead.
      begin: db.prepare('BEGIN IMMEDIATE'),
      readBegin: db.prepare('BEGIN'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT unit'),
      release: db.prepare('RELEASE unit'),
      rollbackTo: db.prepare('ROLLBACK TO unit'),
    };
  }

  onCommitted(listener: (incidentIds: readonly number[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  runBatch<T>(units: Unit<T>[], options: BatchOptions = {}): Promise<Settled<T>[]> {
    const touched: number[] = [];
    const take = (): void => {
      if (this.listeners.size > 0) touched.push(...this.tx.touched);
      this.tx.touched.clear();
    };
    const committed = options.optimistic
      ? this.optimistic(units, options.yieldAfterMs, take)
      : this.lock.run(async () => {
          const results = await this.transaction(units, options.yieldAfterMs);
          take();
          return results;
        });
    return committed.then(
      (results) =>
        this.wal.sync().then(
          () => {
            if (touched.length > 0) for (const listener of this.listeners) listener(touched);
            return results;
          },
          // Committed but not on disk: no unit of the batch may be answered as stored.
          (error: unknown) => units.map(() => ({ ok: false, error }) as Settled<T>),
        ),
      // The commit itself failed (disk full, I/O error): nothing of the batch is stored.
      (error: unknown) => units.map(() => ({ ok: false, error }) as Settled<T>),
    );
  }

  /**
   * BatchOptions.optimistic: records every unit in one read transaction, then applies them under
   * the write lock, in as many turns (transactions) as yielding to the other writer takes. A turn
   * whose commit fails fails its units and the rest; the turns before it stand.
   */
  private async optimistic<T>(units: Unit<T>[], yieldAfterMs: number | undefined, take: () => void): Promise<Settled<T>[]> {
    return this.lock.hold(async (writeTurn) => {
      const recorded = await this.record(units);
      const results: Settled<T>[] = [];
      while (results.length < units.length) {
        const first = results.length;
        const turn = writeTurn(async () => {
          await this.inTransaction(async () => {
            for (let i = first; i < units.length; i++) {
              if (yieldAfterMs !== undefined && i > first && this.lock.othersWait(yieldAfterMs)) break;
              results.push(await this.applyRecorded(units[i]!, recorded[i]!));
            }
          });
          take();
        });
        try {
          await turn;
        } catch (error) {
          // This turn's commit failed: its units and the rest are not stored; earlier turns are.
          results.length = first;
          while (results.length < units.length) results.push({ ok: false, error });
        }
      }
      return results;
    });
  }

  /** Runs each unit in recording mode, in one read transaction: its value and recording, or null to run it under the lock. */
  private async record<T>(units: Unit<T>[]): Promise<Recorded<T>[]> {
    const recorder = (this.recorder ??= new SqliteIncidentTransaction(this.db, true));
    const recorded: Recorded<T>[] = [];
    this.s.readBegin.run();
    try {
      for (const work of units) {
        try {
          recorded.push(await recorder.record(work));
        } catch {
          // Units that cannot be recorded (NeedsWriteLock), or that failed on what is committed, run under the lock.
          recorded.push(null);
        }
      }
    } finally {
      this.s.commit.run();
    }
    return recorded;
  }

  /** One unit under the write lock: its recorded writes when its reads still hold, else the unit itself. */
  private applyRecorded<T>(work: Unit<T>, recorded: Recorded<T>): Promise<Settled<T>> {
    return this.inSavepoint(async () => {
      if (recorded === null || !readsHold(recorded.unit)) return work(this.tx);
      replayWrites(recorded.unit);
      for (const id of recorded.unit.touched) this.tx.touched.add(id);
      // Those writes bypassed the cache of the units that run under the lock: it must not serve rows they changed.
      this.tx.discard();
      return recorded.value;
    });
  }

  /** Runs the units in one transaction; with `yieldAfterMs`, ends early when the other side waits (BatchOptions). */
  private transaction<T>(units: Unit<T>[], yieldAfterMs?: number): Promise<Settled<T>[]> {
    return this.inTransaction(async () => {
      const results: Settled<T>[] = [];
      for (const work of units) {
        if (yieldAfterMs !== undefined && results.length > 0 && this.lock.othersWait(yieldAfterMs)) break;
        results.push(await this.inSavepoint(() => work(this.tx)));
      }
      return results;
    });
  }

  /** Runs `work` in an immediate transaction and commits it; rolls it all back when it throws. */
  private async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    this.s.begin.run();
    try {
      const value = await work();
      this.s.commit.run();
      return value;
    } catch (error) {
      if (this.db.inTransaction) this.s.rollback.run();
      this.tx.touched.clear();
      throw error;
    } finally {
      this.tx.discard();
    }
  }

  /** One unit in a savepoint, so that a failing unit rolls back alone. */
  private async inSavepoint<T>(work: () => Promise<T>): Promise<Settled<T>> {
    this.s.savepoint.run();
    try {
      const value = await work();
      // Cached incident changes belong to this unit's savepoint: write them before it is released.
      this.tx.flush();
      this.s.release.run();
      return { ok: true, value };
    } catch (error) {
      this.tx.discard();
      // Undo this unit only; the savepoint must be released as well, or it stays open.
      this.s.rollbackTo.run();
      this.s.release.run();
      return { ok: false, error };
    }
  }

  dueForResolve(nowMs: number, limit: number): Promise<number[]> {
    return this.lock.read(() => (this.s.due.all(nowMs, limit) as { id: number }[]).map((r) => r.id));
  }

  nextResolveDue(): Promise<number | null> {
    return this.lock.read(() => (this.s.nextResolve.get() as { at: number | null }).at);
  }

  dueForSla(nowMs: number, limit: number): Promise<number[]> {
    return this.lock.read(() => (this.s.slaDue.all(nowMs, limit) as { id: number }[]).map((r) => r.id));
  }

  nextSlaDue(): Promise<number | null> {
    return this.lock.read(() => (this.s.nextSla.get() as { at: number | null }).at);
  }

  dueForSettle(nowMs: number, limit: number): Promise<number[]> {
    return this.lock.read(() => (this.s.settleDue.all(nowMs, limit) as { id: number }[]).map((r) => r.id));
  }

  nextSettleDue(): Promise<number | null> {
    return this.lock.read(() => (this.s.nextSettle.get() as { at: number | null }).at);
  }

  activeIncidentIds(afterId: number, limit: number, suppressedOnly = false): Promise<number[]> {
    const statement = suppressedOnly ? this.s.suppressedIds : this.s.activeIds;
    return this.lock.read(() => (statement.all(afterId, limit) as { id: number }[]).map((r) => r.id));
  }

  pruneReceipts(beforeMs: number): Promise<number> {
    return this.lock.run(() => this.s.prune.run(beforeMs).changes);
  }
}
