import type { SilenceRecord } from './store';

/** A row of the `silences` table, as both stores keep it. */
export interface SilenceRow {
  id: string;
  matchers: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
  expired_at: number | null;
}

export function silenceFromRow(row: SilenceRow): SilenceRecord {
  return {
    id: row.id,
    matchers: JSON.parse(row.matchers) as string[],
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    createdBy: row.created_by,
    comment: row.comment,
    createdAt: row.created_at,
    expiredAt: row.expired_at,
  };
}
