import type Database from 'better-sqlite3';
import type { BatchOptions, IncidentStore, Settled, Unit } from '../store';
import { SqliteIncidentTransaction } from './sqlite-incident-transaction';
import { walSyncOf } from './wal-sync';
import type { WalSync } from './wal-sync';
import { writeLockOf } from './write-lock';
import type { WriteLock } from './write-lock';

/**
 * The write side on SQLite. A batch is one transaction (group commit: one fsync for every
 * webhook in it); each unit runs in a savepoint, so one failing unit rolls back alone. The
 * transaction holds the connection's write lock while its units run; the returned promise
 * resolves once its WAL is on disk, while the next batch may already be committing.
 */
export class SqliteIncidentStore implements IncidentStore {
  private readonly tx: SqliteIncidentTransaction;
  private readonly s: Record<'due' | 'nextResolve' | 'slaDue' | 'nextSla' | 'settleDue' | 'nextSettle' | 'activeIds' | 'suppressedIds' | 'prune' | 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement>;
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
    let touched: number[] = [];
    const committed = this.lock.run(async () => {
      const results = await this.transaction(units, options.yieldAfterMs);
      if (this.listeners.size > 0) touched = [...this.tx.touched];
      this.tx.touched.clear();
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

  /** Runs the units in one transaction; with `yieldAfterMs`, ends early when the other side waits (BatchOptions). */
  private async transaction<T>(units: Unit<T>[], yieldAfterMs?: number): Promise<Settled<T>[]> {
    const results: Settled<T>[] = [];
    this.s.begin.run();
    try {
      for (const work of units) {
        if (yieldAfterMs !== undefined && results.length > 0 && this.lock.othersWait(yieldAfterMs)) break;
        this.s.savepoint.run();
        try {
          const value = await work(this.tx);
          // Cached incident changes belong to this unit's savepoint: write them before it is released.
          this.tx.flush();
          this.s.release.run();
          results.push({ ok: true, value });
        } catch (error) {
          this.tx.discard();
          // Undo this unit only; the savepoint must be released as well, or it stays open.
          this.s.rollbackTo.run();
          this.s.release.run();
          results.push({ ok: false, error });
        }
      }
      this.s.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.s.rollback.run();
      this.tx.touched.clear();
      throw error;
    } finally {
      this.tx.discard();
    }
    return results;
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
