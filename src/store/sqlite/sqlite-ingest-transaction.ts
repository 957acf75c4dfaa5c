import type Database from 'better-sqlite3';
import type { AlertHead, AlertRecord, DeliveryReceipt, IncidentRecord, IngestTransaction, NewAlert, NewIncident, TimelineEntry } from '../store';
import { ALERT_COLUMNS, ALERT_HEAD_COLUMNS, INCIDENT_COLUMNS, alertHeadFromRow, incidentFromRow, toColumn } from './rows';

type Row = Record<string, unknown>;


/**
 * IngestTransaction on prepared statements. It must be used only inside a transaction opened by
 * SqliteIncidentStore.runBatch; it never begins or commits one itself.
 */
export class SqliteIngestTransaction implements IngestTransaction {
  private readonly updates = new Map<string, Database.Statement>();
  // Incidents read or changed in the current unit; writes wait in `dirty` until `flush`.
  private readonly incidents = new Map<number, IncidentRecord>();
  private readonly dirty = new Map<number, object>();
  private readonly stmt: Record<string, Database.Statement>;

  constructor(private readonly db: Database.Database) {
    const p = (sql: string): Database.Statement => db.prepare(sql);
    this.stmt = {
      findReceipt: p('SELECT receipt FROM webhook_receipts WHERE digest = ?'),
      saveReceipt: p('INSERT INTO webhook_receipts (digest, source, received_at, receipt) VALUES (?, ?, ?, ?)'),
      // The alert's state is its latest activation: the row with the greatest startsAt.
      latestAlert: p(`SELECT ${ALERT_HEAD_COLUMNS} FROM alerts WHERE source = ? AND fingerprint = ? ORDER BY starts_at DESC, id DESC LIMIT 1`),
      alertInIncident: p(`SELECT ${ALERT_HEAD_COLUMNS} FROM alerts WHERE incident_id = ? AND source = ? AND fingerprint = ?`),
      insertAlert: p(`INSERT INTO alerts (source, fingerprint, incident_id, status, starts_at, ends_at, labels, annotations,
        generator_url, delivery_count, first_received_at, last_received_at)
        VALUES (@source, @fingerprint, @incidentId, @status, @startsAt, @endsAt, @labels, @annotations,
        @generatorURL, @deliveryCount, @firstReceivedAt, @lastReceivedAt)`),
      incident: p('SELECT * FROM incidents WHERE id = ?'),
      activeIncident: p("SELECT * FROM incidents INDEXED BY incidents_one_active_per_key WHERE incident_key = ? AND status <> 'resolved'"),
      lastResolved: p("SELECT * FROM incidents INDEXED BY incidents_resolved_by_key WHERE incident_key = ? AND status = 'resolved' ORDER BY id DESC LIMIT 1"),
      insertIncident: p(`INSERT INTO incidents (incident_key, status, priority, impact, category, health_model, metric, title,
        summary, runbook_url, group_labels, alert_count, firing_count, delivery_count, started_at, opened_at, updated_at,
        auto_resolve, hold_down_ms)
        VALUES (@key, @status, @priority, @impact, @category, @healthModel, @metric, @title, @summary, @runbookUrl,
        @groupLabels, @alertCount, @firingCount, @deliveryCount, @startedAt, @openedAt, @updatedAt, @autoResolve, @holdDownMs)`),
      appendTimeline: p('INSERT INTO timeline (incident_id, at, event, detail) VALUES (?, ?, ?, ?)'),
      enqueue: p(`INSERT OR IGNORE INTO notifications (incident_id, event, channel, idempotency_key, status, next_attempt_at, created_at, age_from)
        VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`),
    };
  }

  findReceipt(digest: string): DeliveryReceipt | null {
    const row = this.stmt.findReceipt!.get(digest) as { receipt: string } | undefined;
    return row ? (JSON.parse(row.receipt) as DeliveryReceipt) : null;
  }

  saveReceipt(digest: string, source: string, receivedAt: number, receipt: DeliveryReceipt): void {
    this.stmt.saveReceipt!.run(digest, source, receivedAt, JSON.stringify(receipt));
  }

  latestAlert(source: string, fingerprint: string): AlertHead | null {
    const row = this.stmt.latestAlert!.get(source, fingerprint) as Row | undefined;
    return row ? alertHeadFromRow(row) : null;
  }

  alertInIncident(incidentId: number, source: string, fingerprint: string): AlertHead | null {
    const row = this.stmt.alertInIncident!.get(incidentId, source, fingerprint) as Row | undefined;
    return row ? alertHeadFromRow(row) : null;
  }

  insertAlert(alert: NewAlert): number {
    return Number(this.stmt.insertAlert!.run(bind(alert)).lastInsertRowid);
  }

  updateAlert(id: number, patch: Partial<Omit<AlertRecord, 'id' | 'source' | 'fingerprint'>>): void {
    this.update('alerts', ALERT_COLUMNS, id, patch);
  }

  incident(id: number): IncidentRecord {
    const cached = this.incidents.get(id);
    if (cached) return { ...cached };
    const row = this.stmt.incident!.get(id) as Row | undefined;
    if (!row) throw new Error(`incident ${id} vanished inside its transaction`);
    const record = incidentFromRow(row);
    this.incidents.set(id, record);
    return { ...record };
  }

  activeIncident(key: string): IncidentRecord | null {
    this.flush();
    const row = this.stmt.activeIncident!.get(key) as Row | undefined;
    return row ? this.remember(incidentFromRow(row)) : null;
  }

  lastResolvedIncident(key: string): IncidentRecord | null {
    this.flush();
    const row = this.stmt.lastResolved!.get(key) as Row | undefined;
    return row ? this.remember(incidentFromRow(row)) : null;
  }

  insertIncident(incident: NewIncident): number {
    this.flush();
    return Number(this.stmt.insertIncident!.run(bind(incident)).lastInsertRowid);
  }

  /**
   * Changes an incident in the unit's cache; the row is written by `flush`, once per incident
   * however many alerts of a webhook touched it.
   */
  updateIncident(id: number, patch: Partial<Omit<IncidentRecord, 'id' | 'key'>>): void {
    const current = this.incidents.get(id) ?? this.remember(this.incident(id));
    Object.assign(current, patch);
    this.dirty.set(id, { ...(this.dirty.get(id) ?? {}), ...patch });
  }

  /** Writes the cached incident changes; called before queries that read incidents and at the end of each unit. */
  flush(): void {
    for (const [id, patch] of this.dirty) this.update('incidents', INCIDENT_COLUMNS, id, patch);
    this.dirty.clear();
  }

  /** Forgets the cache: after a unit rolled back, or when a batch ends. */
  discard(): void {
    this.incidents.clear();
    this.dirty.clear();
  }

  private remember(record: IncidentRecord): IncidentRecord {
    const cached = this.incidents.get(record.id);
    if (cached) return { ...cached };
    this.incidents.set(record.id, record);
    return { ...record };
  }

  appendTimeline(incidentId: number, entry: TimelineEntry): void {
    this.stmt.appendTimeline!.run(incidentId, entry.at, entry.event, JSON.stringify(entry.detail));
  }

  enqueueNotification(row: { incidentId: number; event: string; channel: string; idempotencyKey: string; now: number }): void {
    this.stmt.enqueue!.run(row.incidentId, row.event, row.channel, row.idempotencyKey, row.now, row.now, row.now);
  }

  /** UPDATE of the given fields only; one prepared statement per distinct field set, cached. */
  private update(table: string, columns: Record<string, string>, id: number, patch: object): void {
    const fields = Object.keys(patch).filter((k) => (patch as Row)[k] !== undefined);
    if (fields.length === 0) return;
    const cacheKey = `${table}:${fields.join(',')}`;
    let statement = this.updates.get(cacheKey);
    if (!statement) {
      const sets = fields.map((f) => {
        const column = columns[f];
        if (!column || column === 'id') throw new Error(`cannot update ${table}.${f}`);
        return `${column} = @${f}`;
      });
      statement = this.db.prepare(`UPDATE ${table} SET ${sets.join(', ')} WHERE id = @id`);
      this.updates.set(cacheKey, statement);
    }
    const params: Row = { id };
    for (const f of fields) params[f] = toColumn((patch as Row)[f]);
    statement.run(params);
  }
}

function bind(record: object): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(record)) out[k] = toColumn(v);
  return out;
}
