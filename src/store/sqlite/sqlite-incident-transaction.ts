import type Database from 'better-sqlite3';
import type { AlertHead, AlertRecord, DeliveryReceipt, IncidentRecord, IncidentTransaction, NewAlert, NewIncident, NotificationIdentity, NotificationPayload, TimelineEntry } from '../store';
import { notificationKey } from '../store';
import { ALERT_COLUMNS, ALERT_HEAD_COLUMNS, INCIDENT_COLUMNS, INSERT_TIMELINE, STORE_LOOKUPS, alertHeadFromRow, incidentFromRow, stepsOf, timelineFromRow, toColumn } from './rows';
import { REPORT_COLUMNS, movesReportColumns, reportValues } from './report-columns';
import { slaTermsOf } from './sla-terms-registry';
import type { SlaTermsRegistry } from './sla-terms-registry';
import type { DueStep, SlaTerms } from '../../core/sla-terms';
import type { Impact } from '../../core/vocabulary';

type Row = Record<string, unknown>;

/**
 * What a unit run outside the write lock read and would write (SqliteIncidentTransaction in
 * recording mode): under the lock, every read is run again and, when each answers as it did,
 * the writes are made as recorded; the unit's result holds.
 */
export interface RecordedUnit {
  reads: { statement: Database.Statement; args: unknown[]; many: boolean; result: unknown }[];
  writes: { statement: Database.Statement; args: unknown[] }[];
  touched: number[];
}

/**
 * A unit that cannot be recorded (it reads after it wrote, or opens an incident, whose id it needs):
 * it runs under the write lock instead.
 */
export class NeedsWriteLock extends Error {
  constructor(what: string) {
    super(`${what} needs the write lock`);
  }
}


/**
 * IncidentTransaction on prepared statements. It must be used only inside a transaction opened by
 * SqliteIncidentStore.runBatch; it never begins or commits one itself. Statements run at the call:
 * reads answer with settled promises, so a unit of work runs in one turn of the event loop.
 */
export class SqliteIncidentTransaction implements IncidentTransaction {
  private readonly updates = new Map<string, Database.Statement>();
  // Incidents read or changed in the current unit; writes wait in `dirty` until `flush`.
  private readonly incidents = new Map<number, IncidentRecord>();
  private readonly dirty = new Map<number, object>();
  /**
   * Beside each cached incident, its row as read (or, once the unit wrote them, the columns its
   * report columns follow from): how it opened and its report columns as stored, read only when
   * a change may move them.
   */
  private readonly stored = new Map<number, Row>();
  private statusDirty = false;
  /** The incidents the batch changed so far (the store tells its listeners once it is on disk). */
  readonly touched = new Set<number>();
  private readonly stmt: Record<string, Database.Statement>;

  private readonly terms: SlaTermsRegistry;
  private readonly termsOf: (digest: string | null) => SlaTerms | null;

  /** In recording mode: what the unit under way read and would write; null otherwise. */
  private recorded: RecordedUnit | null = null;
  /** In recording mode: why the unit under way cannot be recorded, once it cannot. */
  private refused: NeedsWriteLock | null = null;

  constructor(
    private readonly db: Database.Database,
    /** Recording mode: statements that write are recorded, not run (see `record`). */
    private readonly recording = false,
  ) {
    this.terms = slaTermsOf(db);
    this.termsOf = (digest) => this.terms.terms(digest);
    const p = (sql: string): Database.Statement => db.prepare(sql);
    this.stmt = {
      findReceipt: p('SELECT receipt FROM webhook_receipts WHERE digest = ?'),
      saveReceipt: p('INSERT INTO webhook_receipts (digest, source, received_at, receipt) VALUES (?, ?, ?, ?)'),
      latestAlert: p(STORE_LOOKUPS.latestAlert(ALERT_HEAD_COLUMNS)),
      alertInIncident: p(`SELECT ${ALERT_HEAD_COLUMNS} FROM alerts WHERE incident_id = ? AND source = ? AND fingerprint = ?`),
      insertAlert: p(`INSERT INTO alerts (source, fingerprint, incident_id, status, starts_at, ends_at, labels, annotations,
        generator_url, delivery_count, first_received_at, last_received_at)
        VALUES (@source, @fingerprint, @incidentId, @status, @startsAt, @endsAt, @labels, @annotations,
        @generatorURL, @deliveryCount, @firstReceivedAt, @lastReceivedAt)`),
      incident: p(STORE_LOOKUPS.incidentById),
      activeIncident: p(STORE_LOOKUPS.activeIncident),
      lastResolved: p(STORE_LOOKUPS.lastResolvedIncident),
      insertIncident: p(`INSERT INTO incidents (incident_key, status, priority, impact, category, health_model, metric, customer, title,
        summary, runbook_url, group_labels, alert_count, firing_count, delivery_count, started_at, opened_at, updated_at,
        auto_resolve, hold_down_ms, sla_terms, sla, suppressed, paged, flap_changes, flap_window_ms, state_changes, opened_quiet,
        ${REPORT_COLUMNS.join(', ')})
        VALUES (@key, @status, @priority, @impact, @category, @healthModel, @metric, @customer, @title, @summary, @runbookUrl,
        @groupLabels, @alertCount, @firingCount, @deliveryCount, @startedAt, @openedAt, @updatedAt, @autoResolve, @holdDownMs, @slaTerms, @sla,
        @suppressed, @paged, @flapChanges, @flapWindowMs, @stateChanges, @openedQuiet, ${REPORT_COLUMNS.map((c) => `@${c}`).join(', ')})`),
      slaTimeline: p(`SELECT * FROM timeline WHERE incident_id = ? AND event NOT IN ('alert_attached', 'alert_resolved', 'resolve_scheduled',
        'source_update', 'notification_dead', 'customer_notified') ORDER BY id`),
      activeOfModel: p("SELECT * FROM incidents INDEXED BY incidents_active_by_model WHERE health_model = ? AND status <> 'resolved' ORDER BY id"),
      activeOfModelImpact: p("SELECT * FROM incidents INDEXED BY incidents_active_by_model WHERE health_model = ? AND impact = ? AND status <> 'resolved' ORDER BY id"),
      firingLabels: p("SELECT labels FROM alerts WHERE incident_id = ? AND status = 'firing'"),
      setSlaDue: p('INSERT INTO sla_due (incident_id, due_at, steps) VALUES (?, ?, ?) ON CONFLICT (incident_id) DO UPDATE SET due_at = excluded.due_at, steps = excluded.steps'),
      slaSteps: p('SELECT steps FROM sla_due WHERE incident_id = ?'),
      clearSlaDue: p('DELETE FROM sla_due WHERE incident_id = ?'),
      appendTimeline: p(INSERT_TIMELINE),
      enqueue: p(`INSERT OR IGNORE INTO notifications (incident_id, event, occurrence, step, channel, idempotency_key, status, next_attempt_at, created_at, age_from, payload)
        VALUES (@incidentId, @event, @occurrence, @step, @channel, @key, 'pending', @now, @now, @now, @payload)`),
      readState: p('SELECT value FROM daemon_state WHERE key = ?'),
      writeState: p(`INSERT INTO daemon_state (key, value, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
      deleteState: p('DELETE FROM daemon_state WHERE key = ?'),
    };
  }

  findReceipt(digest: string): Promise<DeliveryReceipt | null> {
    const row = this.get(this.stmt.findReceipt!, digest) as { receipt: string } | undefined;
    return Promise.resolve(row ? (JSON.parse(row.receipt) as DeliveryReceipt) : null);
  }

  saveReceipt(digest: string, source: string, receivedAt: number, receipt: DeliveryReceipt): void {
    this.exec(this.stmt.saveReceipt!, digest, source, receivedAt, JSON.stringify(receipt));
  }

  latestAlert(source: string, fingerprint: string): Promise<AlertHead | null> {
    const row = this.get(this.stmt.latestAlert!, source, fingerprint) as Row | undefined;
    return Promise.resolve(row ? alertHeadFromRow(row) : null);
  }

  alertInIncident(incidentId: number, source: string, fingerprint: string): Promise<AlertHead | null> {
    const row = this.get(this.stmt.alertInIncident!, incidentId, source, fingerprint) as Row | undefined;
    return Promise.resolve(row ? alertHeadFromRow(row) : null);
  }

  insertAlert(alert: NewAlert): void {
    this.exec(this.stmt.insertAlert!, bind(alert));
  }

  updateAlert(id: number, patch: Partial<Omit<AlertRecord, 'id' | 'source' | 'fingerprint'>>): void {
    this.update('alerts', ALERT_COLUMNS, id, patch);
  }

  incident(id: number): Promise<IncidentRecord> {
    try {
      return Promise.resolve({ ...this.cached(id) });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  findIncident(id: number): Promise<IncidentRecord | null> {
    if (this.incidents.has(id)) return this.incident(id);
    const row = this.get(this.stmt.incident!, id) as Row | undefined;
    return Promise.resolve(row ? this.remember(row) : null);
  }

  activeIncident(key: string): Promise<IncidentRecord | null> {
    this.flushStatus();
    const row = this.get(this.stmt.activeIncident!, key) as Row | undefined;
    return Promise.resolve(row ? this.remember(row) : null);
  }

  lastResolvedIncident(key: string): Promise<IncidentRecord | null> {
    this.flushStatus();
    const row = this.get(this.stmt.lastResolved!, key) as Row | undefined;
    return Promise.resolve(row ? this.remember(row) : null);
  }

  insertIncident(incident: NewIncident): Promise<number> {
    try {
      // Opening needs the new row's id, and stores new SLA terms: neither can wait to be replayed.
      if (this.recording) throw this.refuse('opening an incident');
      // The unique index on active incidents per key must see the statuses changed before.
      this.flushStatus();
      const openedQuiet = incident.suppressed?.by ?? null;
      const row = bind({ ...incident, slaTerms: incident.slaTerms === null ? null : this.terms.store(incident.slaTerms), openedQuiet, ...reportValues({ ...incident, acknowledgedAt: null, resolvedAt: null }, openedQuiet) });
      const id = Number(this.stmt.insertIncident!.run(row).lastInsertRowid);
      this.touched.add(id);
      return Promise.resolve(id);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Changes an incident in the unit's cache; the row is written by `flush`, once per incident
   * however many alerts of a webhook touched it.
   */
  updateIncident(id: number, patch: Partial<Omit<IncidentRecord, 'id' | 'key'>>): void {
    this.touched.add(id);
    Object.assign(this.cached(id), patch);
    this.dirty.set(id, { ...(this.dirty.get(id) ?? {}), ...patch });
    if (patch.status !== undefined) this.statusDirty = true;
  }

  /** Writes the cached incident changes; called at the end of each unit. */
  flush(): void {
    for (const [id, patch] of this.dirty) this.update('incidents', INCIDENT_COLUMNS, id, patch, this.reportChanges(id, patch));
    this.dirty.clear();
    this.statusDirty = false;
  }

  /** Forgets the cache: after a unit rolled back, or when a batch ends. */
  discard(): void {
    this.incidents.clear();
    this.stored.clear();
    this.dirty.clear();
    this.statusDirty = false;
  }

  /**
   * Queries by key select on `status` only; every other column is read from the cache, so the
   * pending changes are written first only when a status changed.
   */
  private flushStatus(): void {
    if (this.statusDirty) this.flush();
  }

  /** The unit's live record of an incident, read from the store once. */
  private cached(id: number): IncidentRecord {
    let record = this.incidents.get(id);
    if (!record) {
      const row = this.get(this.stmt.incident!, id) as Row | undefined;
      if (!row) throw new Error(`incident ${id} vanished inside its transaction`);
      record = this.keep(id, row);
    }
    return record;
  }

  /** Caches the record of a row read, with what its report columns follow from. */
  private keep(id: number, row: Row): IncidentRecord {
    const record = incidentFromRow(row, this.termsOf);
    this.incidents.set(id, record);
    this.stored.set(id, row);
    return record;
  }

  /** The report columns a patch of a cached incident moves, with their new values; null for none. */
  private reportChanges(id: number, patch: object): Row | null {
    const kept = this.stored.get(id);
    const record = this.incidents.get(id);
    if (!kept || !record || !movesReportColumns(patch)) return null;
    const next = reportValues(record, (kept.opened_quiet as string | null) ?? null);
    let changed: Row | null = null;
    for (const c of REPORT_COLUMNS) {
      if (next[c] === ((kept[c] as number | null | undefined) ?? null)) continue;
      (changed ??= {})[c] = next[c];
    }
    if (changed !== null) this.stored.set(id, { opened_quiet: kept.opened_quiet, ...next });
    return changed;
  }

  /** A copy of the cached record of a row found by a query, the row's values when not cached yet. */
  private remember(row: Row): IncidentRecord {
    const id = row.id as number;
    let record = this.incidents.get(id);
    if (!record) record = this.keep(id, row);
    return { ...record };
  }

  appendTimeline(incidentId: number, entry: TimelineEntry): void {
    this.touched.add(incidentId);
    this.exec(this.stmt.appendTimeline!, incidentId, entry.at, entry.event, entry.actor.type, entry.actor.name, JSON.stringify(entry.detail));
  }

  enqueueNotification(identity: NotificationIdentity, now: number, payload?: NotificationPayload): void {
    this.exec(this.stmt.enqueue!, { ...identity, key: notificationKey(identity), now, payload: payload ? JSON.stringify(payload) : null });
  }

  activeIncidentsOf(healthModel: string, impacts?: readonly Impact[]): Promise<IncidentRecord[]> {
    this.flush();
    const rows = impacts === undefined ? (this.all(this.stmt.activeOfModel!, healthModel) as Row[]) : impacts.flatMap((impact) => this.all(this.stmt.activeOfModelImpact!, healthModel, impact) as Row[]);
    return Promise.resolve(rows.map((row) => this.remember(row)));
  }

  firingAlertLabels(incidentId: number): Promise<Record<string, string>[]> {
    return Promise.resolve((this.all(this.stmt.firingLabels!, incidentId) as { labels: string }[]).map((r) => JSON.parse(r.labels) as Record<string, string>));
  }

  slaTimeline(incidentId: number): Promise<TimelineEntry[]> {
    return Promise.resolve((this.all(this.stmt.slaTimeline!, incidentId) as Row[]).map(timelineFromRow));
  }

  setSlaDue(incidentId: number, steps: readonly DueStep[]): void {
    if (steps.length === 0) this.exec(this.stmt.clearSlaDue!, incidentId);
    else this.exec(this.stmt.setSlaDue!, incidentId, steps[0]!.dueAt, JSON.stringify(steps));
  }

  slaSteps(incidentId: number): Promise<DueStep[] | null> {
    return Promise.resolve(stepsOf(this.get(this.stmt.slaSteps!, incidentId) as { steps: string | null } | undefined));
  }

  readState(key: string): Promise<string | null> {
    const row = this.get(this.stmt.readState!, key) as { value: string } | undefined;
    return Promise.resolve(row ? row.value : null);
  }

  writeState(key: string, value: string | null, now: number): void {
    if (value === null) this.exec(this.stmt.deleteState!, key);
    else this.exec(this.stmt.writeState!, key, value, now);
  }

  /**
   * Runs one unit in recording mode (outside the write lock, in a read transaction of the
   * caller's): what it read and would write, and its result. Throws what the unit threw, or
   * NeedsWriteLock for a unit that cannot be recorded.
   */
  async record<T>(work: (tx: this) => Promise<T>): Promise<{ value: T; unit: RecordedUnit }> {
    if (!this.recording) throw new Error('not a recording transaction');
    const unit: RecordedUnit = { reads: [], writes: [], touched: [] };
    this.recorded = unit;
    this.refused = null;
    try {
      const value = await work(this);
      // A unit that caught the refusal went on with an answer it would not have had under the lock.
      if (this.refused !== null) throw this.refused;
      this.flush();
      unit.touched = [...this.touched];
      return { value, unit };
    } finally {
      this.recorded = null;
      this.touched.clear();
      this.discard();
    }
  }

  /** The unit under way cannot be recorded: it runs under the lock, whatever it does with this error. */
  private refuse(what: string): NeedsWriteLock {
    this.refused = new NeedsWriteLock(what);
    return this.refused;
  }

  private get(statement: Database.Statement, ...args: unknown[]): unknown {
    const result = statement.get(...args);
    this.noteRead(statement, args, false, result);
    return result;
  }

  private all(statement: Database.Statement, ...args: unknown[]): unknown[] {
    const result = statement.all(...args);
    this.noteRead(statement, args, true, result);
    return result;
  }

  private noteRead(statement: Database.Statement, args: unknown[], many: boolean, result: unknown): void {
    const unit = this.recorded;
    if (unit === null) return;
    // A read after a write would not see it: the unit runs under the lock instead.
    if (unit.writes.length > 0) throw this.refuse('a read after a write');
    unit.reads.push({ statement, args, many, result });
  }

  private exec(statement: Database.Statement, ...args: unknown[]): void {
    if (this.recording) {
      if (this.recorded === null) throw new Error('a recording transaction writes only inside record()');
      this.recorded.writes.push({ statement, args });
    } else statement.run(...args);
  }

  /**
   * UPDATE of the given fields only, and of the given `raw` columns (values as stored); one
   * prepared statement per distinct set of them, cached.
   */
  private update(table: string, columns: Record<string, string>, id: number, patch: object, raw: Row | null = null): void {
    // Sorted: the same fields give the same cached statement, whatever order the patches came in.
    const fields = Object.keys(patch)
      .filter((k) => (patch as Row)[k] !== undefined)
      .sort();
    const rawColumns = raw === null ? [] : Object.keys(raw);
    if (fields.length === 0 && rawColumns.length === 0) return;
    const cacheKey = `${table}:${fields.join(',')}|${rawColumns.join(',')}`;
    let statement = this.updates.get(cacheKey);
    if (!statement) {
      const sets = fields.map((f) => {
        const column = columns[f];
        if (!column || column === 'id') throw new Error(`cannot update ${table}.${f}`);
        return `${column} = @${f}`;
      });
      for (const c of rawColumns) sets.push(`${c} = @${c}`);
      statement = this.db.prepare(`UPDATE ${table} SET ${sets.join(', ')} WHERE id = @id`);
      this.updates.set(cacheKey, statement);
    }
    const params: Row = { id };
    for (const f of fields) params[f] = toColumn((patch as Row)[f]);
    for (const c of rawColumns) params[c] = raw![c];
    this.exec(statement, params);
  }
}

/** Whether every read of a recorded unit answers now as it did when recorded (run under the write lock). */
export function readsHold(unit: RecordedUnit): boolean {
  return unit.reads.every((r) => sameAnswer(r.many ? r.statement.all(...r.args) : r.statement.get(...r.args), r.result, r.many));
}

/** Makes a recorded unit's writes (under the write lock, once `readsHold`). */
export function replayWrites(unit: RecordedUnit): void {
  for (const w of unit.writes) w.statement.run(...w.args);
}

/** The same answer from a statement: the same rows, column by column. */
function sameAnswer(a: unknown, b: unknown, many: boolean): boolean {
  if (!many) return sameRow(a as Row | undefined, b as Row | undefined);
  const x = a as Row[];
  const y = b as Row[];
  return x.length === y.length && x.every((row, i) => sameRow(row, y[i]));
}

function sameRow(a: Row | undefined, b: Row | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  for (const k in a) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (!(Buffer.isBuffer(x) && Buffer.isBuffer(y) && x.equals(y))) return false;
  }
  return true;
}

function bind(record: object): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(record)) out[k] = toColumn(v);
  return out;
}
