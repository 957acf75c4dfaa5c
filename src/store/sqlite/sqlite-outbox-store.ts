import type Database from 'better-sqlite3';
import type { IncidentRecord, NotificationContext, NotificationRecord, OutboxStore, TimelineEntry } from '../store';
import { slaTermsOf } from './sla-terms-registry';
import { INSERT_TIMELINE, STORE_LOOKUPS, alertFromRow, incidentFromRow, notificationFromRow, resolutionFromRow, resolutionsQuery } from './rows';
import { walSyncOf } from './wal-sync';
import type { WalSync } from './wal-sync';
import { writeLockOf } from './write-lock';
import type { WriteLock } from './write-lock';

type Row = Record<string, unknown>;

/**
 * The outbox on SQLite; every state change is its own transaction, and its promise resolves once
 * that transaction is on disk. A claim resolves only then, so nothing is sent about an incident
 * change that a power loss could still undo.
 */
export class SqliteOutboxStore implements OutboxStore {
  private readonly s: Record<string, Database.Statement>;
  private readonly wal: WalSync;
  private readonly lock: WriteLock;

  constructor(private readonly db: Database.Database) {
    this.wal = walSyncOf(db);
    this.lock = writeLockOf(db);
    const p = (sql: string): Database.Statement => db.prepare(sql);
    const due = "status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)";
    this.s = {
      dueChannels: p(`SELECT DISTINCT channel FROM notifications WHERE ${due}`),
      claimable: p(`SELECT * FROM notifications n WHERE channel = @channel AND ${due}
        AND NOT EXISTS (SELECT 1 FROM notifications e WHERE e.incident_id = n.incident_id AND e.channel = n.channel
          AND e.status = 'pending' AND e.id < n.id)
        ORDER BY id LIMIT @limit`),
      lease: p('UPDATE notifications SET lease_until = ? WHERE id = ?'),
      incident: p(STORE_LOOKUPS.incidentById),
      alerts: p('SELECT * FROM alerts WHERE incident_id = ? ORDER BY id LIMIT ?'),
      ref: p('SELECT ref FROM channel_refs WHERE incident_id = ? AND channel = ?'),
      lastResolution: p(resolutionsQuery({ metric: true })),
      saveRef: p(`INSERT INTO channel_refs (incident_id, channel, ref, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (incident_id, channel) DO UPDATE SET ref = excluded.ref, updated_at = excluded.updated_at`),
      byId: p('SELECT * FROM notifications WHERE id = ?'),
      attempt: p('UPDATE notifications SET attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @now) WHERE id = @id'),
      sent: p("UPDATE notifications SET status = 'sent', sent_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?"),
      retry: p('UPDATE notifications SET next_attempt_at = ?, last_error = ?, lease_until = NULL WHERE id = ?'),
      dead: p("UPDATE notifications SET status = 'dead', dead_at = ?, last_error = ?, lease_until = NULL WHERE id = ?"),
      timeline: p(INSERT_TIMELINE),
      defer: p(`UPDATE notifications SET next_attempt_at = MAX(next_attempt_at, @until), lease_until = NULL
        WHERE channel = @channel AND status = 'pending' AND id <> @except`),
      requeue: p("UPDATE notifications SET status = 'pending', next_attempt_at = ?, age_from = ?, lease_until = NULL, dead_at = NULL WHERE id = ?"),
      forIncident: p('SELECT * FROM notifications WHERE incident_id = ? ORDER BY id'),
      stats: p("SELECT channel, COUNT(*) AS depth, MIN(created_at) AS oldest FROM notifications WHERE status = 'pending' GROUP BY channel"),
    };
  }

  dueChannels(nowMs: number): Promise<string[]> {
    return this.lock.read(() => (this.s.dueChannels!.all({ now: nowMs }) as { channel: string }[]).map((r) => r.channel));
  }

  async claim(channel: string, nowMs: number, leaseUntilMs: number, limit: number): Promise<NotificationRecord[]> {
    const rows = await this.lock.run(() =>
      this.db.transaction(() => {
        const found = (this.s.claimable!.all({ channel, now: nowMs, limit }) as Row[]).map(notificationFromRow);
        for (const n of found) this.s.lease!.run(leaseUntilMs, n.id);
        return found;
      }).immediate(),
    );
    if (rows.length > 0) await this.wal.sync();
    return rows;
  }

  context(n: NotificationRecord, alertLimit: number): Promise<NotificationContext | null> {
    return this.lock.read(() => {
      const incident = this.s.incident!.get(n.incidentId) as Row | undefined;
      if (!incident) return null;
      const ref = this.s.ref!.get(n.incidentId, n.channel) as { ref: string } | undefined;
      const record = incidentFromRow(incident, (digest) => slaTermsOf(this.db).terms(digest));
      return {
        incident: record,
        alerts: (this.s.alerts!.all(n.incidentId, alertLimit) as Row[]).map(alertFromRow),
        // The incident counts its attached alerts as they attach.
        alertTotal: record.alertCount,
        ref: ref ? (JSON.parse(ref.ref) as NotificationContext['ref']) : null,
        lastResolution: n.event === 'opened' || n.event === 'reopened' ? this.lastResolution(record) : null,
      };
    });
  }

  markAttempt(id: number, nowMs: number): Promise<void> {
    return this.write(() => this.s.attempt!.run({ id, now: nowMs }));
  }

  markSent(id: number, nowMs: number, ref?: Record<string, unknown>, told?: TimelineEntry): Promise<void> {
    return this.write(() => {
      this.s.sent!.run(nowMs, id);
      if (!ref && !told) return;
      const n = this.row(id);
      this.saveRef(n, nowMs, ref);
      if (told) this.appendTimeline(n, told);
    });
  }

  markRetry(id: number, nextAttemptAt: number, error: string, ref?: Record<string, unknown>): Promise<void> {
    return this.write(() => {
      this.s.retry!.run(nextAttemptAt, error, id);
      if (ref) this.saveRef(this.row(id), nextAttemptAt, ref);
    });
  }

  markDead(id: number, nowMs: number, error: string, ref?: Record<string, unknown>): Promise<void> {
    return this.write(() => {
      this.s.dead!.run(nowMs, error, id);
      const n = this.row(id);
      this.saveRef(n, nowMs, ref);
      const detail = { channel: n.channel, event: n.event, attempts: n.attempts, reason: error };
      this.appendTimeline(n, { at: nowMs, event: 'notification_dead', actor: { type: 'system', name: 'outbox' }, detail });
    });
  }

  deferChannel(channel: string, untilMs: number, exceptId = -1): Promise<void> {
    return this.write(() => this.s.defer!.run({ channel, until: untilMs, except: exceptId }));
  }

  async requeue(id: number, nowMs: number): Promise<boolean> {
    const changed = await this.lock.run(() => this.s.requeue!.run(nowMs, nowMs, id).changes > 0);
    await this.wal.sync();
    return changed;
  }

  listForIncident(incidentId: number): Promise<NotificationRecord[]> {
    return this.lock.read(() => (this.s.forIncident!.all(incidentId) as Row[]).map(notificationFromRow));
  }

  pendingStats(): Promise<{ channel: string; depth: number; oldestCreatedAt: number }[]> {
    return this.lock.read(() => {
      const rows = this.s.stats!.all() as { channel: string; depth: number; oldest: number }[];
      return rows.map((r) => ({ channel: r.channel, depth: r.depth, oldestCreatedAt: r.oldest }));
    });
  }

  private lastResolution(i: IncidentRecord): NotificationContext['lastResolution'] {
    const row = this.s.lastResolution!.get({ healthModel: i.healthModel, metric: i.metric, excludeId: i.id, limit: 1 }) as Row | undefined;
    return row ? resolutionFromRow(row) : null;
  }

  /** One transaction under the connection's write lock, acknowledged once it is on disk. */
  private async write(change: () => unknown): Promise<void> {
    await this.lock.run(() => this.db.transaction(change).immediate());
    await this.wal.sync();
  }

  /** The notification's row, read once per write that needs it. */
  private row(id: number): NotificationRecord {
    return notificationFromRow(this.s.byId!.get(id) as Row);
  }

  private saveRef(n: NotificationRecord, nowMs: number, ref?: Record<string, unknown>): void {
    if (ref) this.s.saveRef!.run(n.incidentId, n.channel, JSON.stringify(ref), nowMs);
  }

  private appendTimeline(n: NotificationRecord, entry: TimelineEntry): void {
    this.s.timeline!.run(n.incidentId, entry.at, entry.event, entry.actor.type, entry.actor.name, JSON.stringify(entry.detail));
  }
}
