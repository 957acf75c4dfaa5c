import type Database from 'better-sqlite3';
import type { IncidentStore, IngestTransaction, Settled } from '../store';
import { SqliteIngestTransaction } from './sqlite-ingest-transaction';
import { walSyncOf } from './wal-sync';
import type { WalSync } from './wal-sync';

/**
 * The write side on SQLite. A batch is one transaction (group commit: one fsync for every
 * webhook in it); each unit runs in a savepoint, so one failing webhook rolls back alone. The
 * transaction runs at the call; the returned promise resolves once its WAL is on disk, while the
 * next batch may already be committing.
 */
export class SqliteIncidentStore implements IncidentStore {
  private readonly tx: SqliteIngestTransaction;
  private readonly due: Database.Statement;
  private readonly prune: Database.Statement;
  private readonly wal: WalSync;

  constructor(private readonly db: Database.Database) {
    this.wal = walSyncOf(db);
    this.tx = new SqliteIngestTransaction(db);
    this.due = db.prepare(
      "SELECT id FROM incidents WHERE resolve_due_at IS NOT NULL AND resolve_due_at <= ? AND status <> 'resolved' AND firing_count = 0 ORDER BY resolve_due_at LIMIT ?",
    );
    this.prune = db.prepare('DELETE FROM webhook_receipts WHERE received_at < ?');
  }

  runBatch<T>(units: ((tx: IngestTransaction) => T)[]): Promise<Settled<T>[]> {
    const results: Settled<T>[] = [];
    const unit = this.db.transaction((work: (tx: IngestTransaction) => T) => {
      const value = work(this.tx);
      // Cached incident changes belong to this unit's savepoint: write them before it is released.
      this.tx.flush();
      return value;
    });
    try {
      this.db.transaction(() => {
        for (const work of units) {
          try {
            // Nested better-sqlite3 transactions are savepoints: a throw undoes this unit only.
            results.push({ ok: true, value: unit(work) });
          } catch (error) {
            this.tx.discard();
            results.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is stored.
      return Promise.resolve(units.map(() => ({ ok: false, error }) as Settled<T>));
    } finally {
      this.tx.discard();
    }
    return this.wal.sync().then(
      () => results,
      // Committed but not on disk: no webhook of the batch may be answered as stored.
      (error: unknown) => units.map(() => ({ ok: false, error }) as Settled<T>),
    );
  }

  dueForResolve(nowMs: number, limit: number): Promise<number[]> {
    return Promise.resolve((this.due.all(nowMs, limit) as { id: number }[]).map((r) => r.id));
  }

  pruneReceipts(beforeMs: number): Promise<number> {
    return Promise.resolve(this.prune.run(beforeMs).changes);
  }

  close(): void {
    this.wal.close();
    if (this.db.open) this.db.close();
  }
}
