import type Database from 'better-sqlite3';
import { silenceFromRow } from '../silence-rows';
import type { SilenceRow } from '../silence-rows';
import type { SilenceRecord, SilenceStore } from '../store';
import { walSyncOf } from './wal-sync';
import type { WalSync } from './wal-sync';
import { writeLockOf } from './write-lock';
import type { WriteLock } from './write-lock';

/**
 * The silences on SQLite. Each write is its own transaction under the connection's write lock
 * (a batch of incident units may hold a transaction open across awaits), and resolves once it is
 * on disk, so a 2xx for a created or deleted silence survives a power loss. Reads wait for the
 * work in progress, so they never see a unit's uncommitted changes.
 */
export class SqliteSilenceStore implements SilenceStore {
  private readonly s: Record<'insert' | 'list' | 'get' | 'expire' | 'inForce' | 'nextEdge' | 'prune', Database.Statement>;
  private readonly wal: WalSync;
  private readonly lock: WriteLock;

  constructor(private readonly db: Database.Database) {
    this.wal = walSyncOf(db);
    this.lock = writeLockOf(db);
    const p = (sql: string): Database.Statement => db.prepare(sql);
    this.s = {
      insert: p(`INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, created_at, expired_at)
        VALUES (@id, @matchers, @startsAt, @endsAt, @createdBy, @comment, @createdAt, NULL)`),
      // rowid breaks ties of createdAt: a later insert is the newer silence.
      list: p('SELECT * FROM silences WHERE ends_at >= ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
      get: p('SELECT * FROM silences WHERE id = ?'),
      expire: p('UPDATE silences SET expired_at = @now, ends_at = MIN(ends_at, @now) WHERE id = @id'),
      inForce: p('SELECT * FROM silences WHERE ends_at > @now AND starts_at <= @now ORDER BY created_at DESC, rowid DESC'),
      // Each side is one step along its index. A silence ended before its start never starts.
      nextEdge: p(`SELECT (SELECT MIN(starts_at) FROM silences WHERE starts_at > @after AND starts_at < ends_at) AS start_at,
        (SELECT MIN(ends_at) FROM silences WHERE ends_at > @after) AS end_at`),
      prune: p('DELETE FROM silences WHERE ends_at < ?'),
    };
  }

  async create(silence: Omit<SilenceRecord, 'expiredAt'>): Promise<void> {
    await this.lock.run(() => this.s.insert.run({ ...silence, matchers: JSON.stringify(silence.matchers) }));
    await this.wal.sync();
  }

  list(filter: { endedAfter: number; limit: number }): Promise<SilenceRecord[]> {
    return this.lock.read(() => (this.s.list.all(filter.endedAfter, filter.limit) as SilenceRow[]).map(silenceFromRow));
  }

  get(id: string): Promise<SilenceRecord | null> {
    return this.lock.read(() => {
      const row = this.s.get.get(id) as SilenceRow | undefined;
      return row ? silenceFromRow(row) : null;
    });
  }

  async expire(id: string, now: number): Promise<SilenceRecord | null> {
    const { record, changed } = await this.lock.run(() =>
      this.db.transaction(() => {
        const row = this.s.get.get(id) as SilenceRow | undefined;
        // Unknown, or already over (ended by its time or by an earlier DELETE): nothing to write.
        if (!row) return { record: null, changed: false };
        if (row.ends_at <= now) return { record: silenceFromRow(row), changed: false };
        this.s.expire.run({ id, now });
        return { record: silenceFromRow(this.s.get.get(id) as SilenceRow), changed: true };
      }).immediate(),
    );
    if (changed) await this.wal.sync();
    return record;
  }

  inForce(now: number): Promise<SilenceRecord[]> {
    return this.lock.read(() => (this.s.inForce.all({ now }) as SilenceRow[]).map(silenceFromRow));
  }

  nextEdge(afterMs: number): Promise<number | null> {
    return this.lock.read(() => {
      const row = this.s.nextEdge.get({ after: afterMs }) as { start_at: number | null; end_at: number | null };
      // SQL's two-argument MIN is null when either side is: pick the earlier of those present.
      if (row.start_at === null) return row.end_at;
      if (row.end_at === null) return row.start_at;
      return Math.min(row.start_at, row.end_at);
    });
  }

  /** Forgetting needs no flush: a power loss that undoes it only leaves rows the next prune removes. */
  prune(beforeMs: number): Promise<number> {
    return this.lock.run(() => this.s.prune.run(beforeMs).changes);
  }
}
