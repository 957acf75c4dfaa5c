import type { Pool } from 'pg';
import { silenceFromRow } from '../silence-rows';
import type { SilenceRow } from '../silence-rows';
import type { SilenceRecord, SilenceStore } from '../store';

const COLUMNS = 'id, matchers, starts_at, ends_at, created_by, comment, created_at, expired_at';

/**
 * The silences on PostgreSQL. Each write is one statement or one transaction, committed (and so
 * on disk, with PostgreSQL's synchronous commit) before it resolves; any replica sees it at once.
 */
export class PostgresSilenceStore implements SilenceStore {
  constructor(private readonly pool: Pool) {}

  async create(silence: Omit<SilenceRecord, 'expiredAt'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, created_at, expired_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)`,
      [silence.id, JSON.stringify(silence.matchers), silence.startsAt, silence.endsAt, silence.createdBy, silence.comment, silence.createdAt],
    );
  }

  async list(filter: { endedAfter: number; limit: number }): Promise<SilenceRecord[]> {
    const rows = await this.pool.query<SilenceRow>(`SELECT ${COLUMNS} FROM silences WHERE ends_at >= $1 ORDER BY created_at DESC, seq DESC LIMIT $2`, [filter.endedAfter, filter.limit]);
    return rows.rows.map(silenceFromRow);
  }

  async get(id: string): Promise<SilenceRecord | null> {
    const rows = await this.pool.query<SilenceRow>(`SELECT ${COLUMNS} FROM silences WHERE id = $1`, [id]);
    return rows.rows[0] ? silenceFromRow(rows.rows[0]) : null;
  }

  async expire(id: string, now: number): Promise<SilenceRecord | null> {
    // One statement: ends it only while it is not over yet, and answers the row as it is after.
    const ended = await this.pool.query<SilenceRow>(
      `UPDATE silences SET expired_at = $2, ends_at = LEAST(ends_at, $2) WHERE id = $1 AND ends_at > $2 RETURNING ${COLUMNS}`,
      [id, now],
    );
    if (ended.rows[0]) return silenceFromRow(ended.rows[0]);
    // Unknown, or already over (ended by its time or by an earlier expire): unchanged.
    return this.get(id);
  }

  async inForce(now: number): Promise<SilenceRecord[]> {
    const rows = await this.pool.query<SilenceRow>(`SELECT ${COLUMNS} FROM silences WHERE ends_at > $1 AND starts_at <= $1 ORDER BY created_at DESC, seq DESC`, [now]);
    return rows.rows.map(silenceFromRow);
  }

  async nextEdge(afterMs: number): Promise<number | null> {
    // A silence ended before its start never starts: its start is no edge.
    const rows = await this.pool.query<{ at: number | null }>(
      `SELECT LEAST((SELECT MIN(starts_at) FROM silences WHERE starts_at > $1 AND starts_at < ends_at), (SELECT MIN(ends_at) FROM silences WHERE ends_at > $1)) AS at`,
      [afterMs],
    );
    return rows.rows[0]?.at ?? null;
  }

  async prune(beforeMs: number): Promise<number> {
    const result = await this.pool.query('DELETE FROM silences WHERE ends_at < $1', [beforeMs]);
    return result.rowCount ?? 0;
  }
}
