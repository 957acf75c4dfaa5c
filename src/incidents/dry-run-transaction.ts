import type { AlertHead, AlertRecord, DeliveryReceipt, IncidentRecord, IncidentTransaction, NewAlert, NewIncident, NotificationIdentity, TimelineEntry } from '../store/store';

/** The read-only lookups a dry run starts from; the store's read model provides them. */
export interface StoreLookup {
  latestAlert(source: string, fingerprint: string): Promise<AlertRecord | null>;
  activeIncident(key: string): Promise<IncidentRecord | null>;
  lastResolvedIncident(key: string): Promise<IncidentRecord | null>;
  getIncident(id: number): Promise<{ incident: IncidentRecord; alerts: AlertRecord[]; timeline: TimelineEntry[] } | null>;
  listIncidents(filter: { status?: IncidentRecord['status'][]; healthModel?: string; limit: number }): Promise<IncidentRecord[]>;
}

/**
 * An IncidentTransaction that reads the store and keeps every write in memory, so that ingest's
 * own code can run against the store as it is and change nothing (explain). Incidents and alerts
 * it creates get negative ids. Replay receipts are ignored: it answers what the alerts would do.
 */
export class DryRunTransaction implements IncidentTransaction {
  private readonly incidents = new Map<number, IncidentRecord>();
  /** Incidents this dry run opened, oldest first. */
  private readonly created: number[] = [];
  private readonly alerts = new Map<number, AlertHead>();
  private readonly latestByIdentity = new Map<string, number>();
  private nextId = -1;
  readonly timeline: { incidentId: number; entry: TimelineEntry }[] = [];
  readonly notifications: NotificationIdentity[] = [];
  private readonly state = new Map<string, string>();

  constructor(private readonly lookup: StoreLookup) {}

  findReceipt(): Promise<DeliveryReceipt | null> {
    return Promise.resolve(null);
  }

  saveReceipt(): void {}

  async latestAlert(source: string, fingerprint: string): Promise<AlertHead | null> {
    const known = this.latestByIdentity.get(identity(source, fingerprint));
    if (known !== undefined) return { ...this.alerts.get(known)! };
    const stored = await this.lookup.latestAlert(source, fingerprint);
    return stored ? this.remember(stored) : null;
  }

  async alertInIncident(incidentId: number, source: string, fingerprint: string): Promise<AlertHead | null> {
    for (const a of this.alerts.values()) if (a.incidentId === incidentId && a.source === source && a.fingerprint === fingerprint) return { ...a };
    if (incidentId < 0) return null;
    const stored = (await this.lookup.getIncident(incidentId))?.alerts.find((a) => a.source === source && a.fingerprint === fingerprint);
    return stored ? this.remember(stored) : null;
  }

  insertAlert(alert: NewAlert): void {
    const id = this.nextId--;
    this.alerts.set(id, { ...headOf(alert), id });
    this.index(id);
  }

  updateAlert(id: number, patch: Partial<Omit<AlertRecord, 'id' | 'source' | 'fingerprint'>>): void {
    const head = this.alerts.get(id);
    if (!head) throw new Error(`alert ${id} was not read before its update`);
    const { labels, annotations, ...rest } = patch;
    Object.assign(head, pick(rest, ['incidentId', 'status', 'startsAt', 'endsAt', 'deliveryCount']));
    if (labels) head.labelsJson = JSON.stringify(labels);
    if (annotations) head.annotationsJson = JSON.stringify(annotations);
    this.index(id);
  }

  async incident(id: number): Promise<IncidentRecord> {
    let record = this.incidents.get(id);
    if (!record) {
      const stored = id < 0 ? null : await this.lookup.getIncident(id);
      if (!stored) throw new Error(`incident ${id} does not exist`);
      record = stored.incident;
      this.incidents.set(id, record);
    }
    return { ...record };
  }

  async findIncident(id: number): Promise<IncidentRecord | null> {
    if (!this.incidents.has(id)) {
      const stored = id > 0 ? await this.lookup.getIncident(id) : null;
      if (!stored) return null;
      this.incidents.set(id, stored.incident);
    }
    return this.incident(id);
  }

  async activeIncident(key: string): Promise<IncidentRecord | null> {
    const stored = await this.lookup.activeIncident(key);
    const candidates = [...this.created, ...(stored ? [stored.id] : [])];
    if (stored && !this.incidents.has(stored.id)) this.incidents.set(stored.id, stored);
    for (const id of candidates) {
      const i = this.incidents.get(id)!;
      if (i.key === key && i.status !== 'resolved') return { ...i };
    }
    return null;
  }

  async lastResolvedIncident(key: string): Promise<IncidentRecord | null> {
    // Newest first: what this run opened, then the store's last resolved one, then any it reads.
    for (const id of [...this.created].reverse()) {
      const i = this.incidents.get(id)!;
      if (i.key === key && i.status === 'resolved') return { ...i };
    }
    const stored = await this.lookup.lastResolvedIncident(key);
    if (stored && !this.incidents.has(stored.id)) this.incidents.set(stored.id, stored);
    const candidates = [...this.incidents.values()].filter((i) => i.id > 0 && i.key === key && i.status === 'resolved').sort((a, b) => b.id - a.id);
    return candidates[0] ? { ...candidates[0] } : null;
  }

  async insertIncident(incident: NewIncident): Promise<number> {
    if (await this.activeIncident(incident.key)) throw new Error(`key ${incident.key} already has an active incident`);
    const id = this.nextId--;
    this.incidents.set(id, { ...incident, id, line: 'L1', reopenCount: 0, endedAt: null, acknowledgedAt: null, resolvedAt: null, resolveDueAt: null, flapping: false, settleDueAt: null, ...NO_PEOPLE });
    this.created.push(id);
    return id;
  }

  updateIncident(id: number, patch: Partial<Omit<IncidentRecord, 'id' | 'key'>>): void {
    const record = this.incidents.get(id);
    if (!record) throw new Error(`incident ${id} was not read before its update`);
    Object.assign(record, patch);
  }

  appendTimeline(incidentId: number, entry: TimelineEntry): void {
    this.timeline.push({ incidentId, entry });
  }

  enqueueNotification(identity: NotificationIdentity): void {
    this.notifications.push(identity);
  }

  async activeIncidentsOf(healthModel: string, impacts?: readonly IncidentRecord['impact'][]): Promise<IncidentRecord[]> {
    for (const stored of await this.lookup.listIncidents({ status: ['open', 'acknowledged'], healthModel, limit: 10_000 })) {
      if (!this.incidents.has(stored.id)) this.incidents.set(stored.id, stored);
    }
    return [...this.incidents.values()].filter((i) => i.healthModel === healthModel && i.status !== 'resolved' && (!impacts || impacts.includes(i.impact))).map((i) => ({ ...i }));
  }

  async firingAlertLabels(incidentId: number): Promise<Record<string, string>[]> {
    const own = [...this.alerts.values()].filter((a) => a.incidentId === incidentId && a.status === 'firing');
    const stored = incidentId > 0 ? ((await this.lookup.getIncident(incidentId))?.alerts ?? []).filter((a) => !this.alerts.has(a.id) && a.status === 'firing' && a.incidentId === incidentId) : [];
    return [...own.map((a) => JSON.parse(a.labelsJson) as Record<string, string>), ...stored.map((a) => a.labels)];
  }

  async slaTimeline(incidentId: number): Promise<TimelineEntry[]> {
    const stored = incidentId > 0 ? ((await this.lookup.getIncident(incidentId))?.timeline ?? []) : [];
    return [...stored, ...this.timeline.filter((t) => t.incidentId === incidentId).map((t) => t.entry)];
  }

  /** What is due next is the scheduler's business: a dry run does not schedule. */
  setSlaDue(): void {}

  /** Explain never runs the scheduler; a caller that asks computes the plan from the timeline. */
  slaSteps(): Promise<null> {
    return Promise.resolve(null);
  }

  /** Durable daemon state is not part of what explain shows: a dry run starts with none and keeps its writes in memory. */
  readState(key: string): Promise<string | null> {
    return Promise.resolve(this.state.get(key) ?? null);
  }

  writeState(key: string, value: string | null): void {
    if (value === null) this.state.delete(key);
    else this.state.set(key, value);
  }

  private remember(a: AlertRecord | AlertHead): AlertHead {
    if (!this.alerts.has(a.id)) {
      this.alerts.set(a.id, 'labels' in a ? { ...headOf(a), id: a.id } : { ...a });
      this.index(a.id);
    }
    return { ...this.alerts.get(a.id)! };
  }

  /** The latest activation of an identity is the one with the greatest startsAt, as in the store. */
  private index(id: number): void {
    const a = this.alerts.get(id)!;
    const key = identity(a.source, a.fingerprint);
    const current = this.latestByIdentity.get(key);
    if (current === undefined || current === id || this.alerts.get(current)!.startsAt <= a.startsAt) this.latestByIdentity.set(key, id);
  }
}

const NO_PEOPLE = { assignee: null, acknowledgedBy: null, resolvedBy: null, resolutionNote: null, resolutionPublic: false, pausedAt: null } as const;

function identity(source: string, fingerprint: string): string {
  return `${source}\n${fingerprint}`;
}

function headOf(a: Omit<AlertRecord, 'id'>): Omit<AlertHead, 'id'> {
  return {
    source: a.source,
    fingerprint: a.fingerprint,
    incidentId: a.incidentId,
    status: a.status,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    deliveryCount: a.deliveryCount,
    labelsJson: JSON.stringify(a.labels),
    annotationsJson: JSON.stringify(a.annotations),
  };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
