import type { Category, Impact, IncidentStatus, Line, Priority } from '../core/vocabulary';

/** An incident as stored; times are epoch milliseconds. */
export interface IncidentRecord {
  id: number;
  key: string;
  status: IncidentStatus;
  priority: Priority;
  impact: Impact;
  category: Category;
  healthModel: string;
  metric: string;
  title: string;
  summary: string;
  runbookUrl: string | null;
  line: Line;
  groupLabels: Record<string, string>;
  alertCount: number;
  firingCount: number;
  deliveryCount: number;
  reopenCount: number;
  startedAt: number;
  endedAt: number | null;
  openedAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  resolveDueAt: number | null;
  updatedAt: number;
  /** The metric's auto-resolve policy, fixed when the incident opens. */
  autoResolve: boolean;
  holdDownMs: number;
}

/** The fields an incident is opened with. */
export type NewIncident = Omit<IncidentRecord, 'id' | 'acknowledgedAt' | 'resolvedAt' | 'resolveDueAt' | 'endedAt' | 'reopenCount' | 'line'>;

/** One stored activation of an alert (source + fingerprint), attached to at most one incident. */
export interface AlertRecord {
  id: number;
  source: string;
  fingerprint: string;
  incidentId: number | null;
  status: 'firing' | 'resolved';
  startsAt: number;
  endsAt: number | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string | null;
  deliveryCount: number;
  firstReceivedAt: number;
  lastReceivedAt: number;
}

export type NewAlert = Omit<AlertRecord, 'id'>;

/** A timeline entry: what changed, when, and why. */
export interface TimelineEntry {
  at: number;
  event: string;
  detail: Record<string, unknown>;
}

/** The answer a webhook got, kept so that a replay of the same body gets it again. */
export interface DeliveryReceipt {
  accepted: number;
  incidents: number[];
}

/**
 * The write operations of one ingest transaction. They are synchronous because they run
 * inside the store's transaction; `IncidentStore.runBatch` makes them atomic and durable.
 */
export interface IngestTransaction {
  findReceipt(digest: string): DeliveryReceipt | null;
  saveReceipt(digest: string, source: string, receivedAt: number, receipt: DeliveryReceipt): void;
  latestAlert(source: string, fingerprint: string): AlertRecord | null;
  alertInIncident(incidentId: number, source: string, fingerprint: string): AlertRecord | null;
  insertAlert(alert: NewAlert): number;
  updateAlert(id: number, patch: Partial<Omit<AlertRecord, 'id' | 'source' | 'fingerprint'>>): void;
  incident(id: number): IncidentRecord;
  activeIncident(key: string): IncidentRecord | null;
  lastResolvedIncident(key: string): IncidentRecord | null;
  insertIncident(incident: NewIncident): number;
  updateIncident(id: number, patch: Partial<Omit<IncidentRecord, 'id' | 'key'>>): void;
  appendTimeline(incidentId: number, entry: TimelineEntry): void;
}

/** The outcome of one unit of work in a batch: its value, or the error that rolled back only it. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The write side of the incident store. */
export interface IncidentStore {
  /**
   * Runs every unit of work in one transaction, each in its own savepoint so that a failing
   * unit rolls back alone, and resolves once the transaction is durably committed.
   */
  runBatch<T>(units: ((tx: IngestTransaction) => T)[]): Promise<Settled<T>[]>;
  /** Incidents whose resolve hold-down has passed and that have no firing alert. */
  dueForResolve(nowMs: number, limit: number): Promise<number[]>;
  /** Forgets replay receipts older than `beforeMs`; returns how many. */
  pruneReceipts(beforeMs: number): Promise<number>;
  close(): void;
}

/** Filters of the incident listing. */
export interface IncidentFilter {
  status?: IncidentStatus[];
  priority?: Priority[];
  healthModel?: string;
  limit: number;
  beforeId?: number;
}

/** An incident with its alerts and timeline, for the detail view. */
export interface IncidentDetail {
  incident: IncidentRecord;
  alerts: AlertRecord[];
  timeline: (TimelineEntry & { id: number })[];
}

/** The read model behind the HTTP API, separate from the write path. */
export interface IncidentReadModel {
  listIncidents(filter: IncidentFilter): Promise<IncidentRecord[]>;
  getIncident(id: number): Promise<IncidentDetail | null>;
  countOpenByPriority(): Promise<Record<string, number>>;
}
