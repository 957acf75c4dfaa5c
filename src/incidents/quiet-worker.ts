import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Suppression } from '../core/vocabulary';
import { blindFingerprint, heartbeatStateKey } from '../quiet/heartbeats';
import type { Heartbeat } from '../quiet/heartbeats';
import type { NormalizedAlert } from '../sources/source';
import type { IncidentRecord, IncidentStore, IncidentTransaction, Store } from '../store/store';
import { applyTransition } from './apply-transition';
import type { EngineContext } from './apply-transition';
import type { AlertDelivery, IngestResult } from './ingest';
import type { QuietPolicy } from './quiet-policy';
import { settle, suppress, unsuppress } from './quiet-transitions';

const BATCH = 200;

/** Where covers begin and end: maintenance windows and silences. */
export interface CoverEdges {
  /** The next moment after `afterMs` at which a window or a silence starts or ends, or null. */
  nextEdge(afterMs: number): number | null;
  /**
   * Whether any window or silence is in force at `now`. When none is, a re-examination reads only
   * the incidents suppressed now (nothing covers the others); without it, every active one.
   */
  anyInForce?(now: number): boolean;
}

/** One thing the quiet worker did, for the log and the metrics. */
export interface QuietEvent {
  kind: 'settled' | 'suppressed' | 'unsuppressed' | 'blind';
  incidentId: number | null;
  detail: string;
}

/**
 * Keeps the daemon quiet when it should be and loud when that ends: settles flapping incidents
 * whose state has held for their window; re-examines active incidents when a cover begins or
 * ends (a maintenance window's edge, a silence created, expired or deleted): one whose firing
 * alerts are all covered goes quiet, a suppressed one whose cover ended pages now; and opens a
 * "monitoring is blind" incident for a heartbeat silent longer than its interval. Driven by the
 * app's timer; tests and rule tests call runOnce().
 */
export class QuietWorker {
  private readonly startedAt: number;
  /** When the covers were last re-examined; edges after it are still to come. */
  private examinedAt: number;
  private coversChanged = true;

  constructor(
    private readonly deps: {
      store: Pick<Store, 'readModel'> & { incidents: IncidentStore };
      clock: Clock;
      logger: Logger;
      ctx: EngineContext & { quiet: QuietPolicy & CoverEdges };
      heartbeats: readonly Heartbeat[];
      /** Submits a synthetic delivery through ingest (the alert of a blind heartbeat). */
      submit: (delivery: AlertDelivery) => Promise<IngestResult>;
      /** Builds the delivery of a blind heartbeat's alert (classified by the rules in force). */
      blindDelivery: (heartbeat: Heartbeat, alert: NormalizedAlert, now: number) => AlertDelivery;
      onEvent?: (event: QuietEvent) => void;
    },
  ) {
    this.startedAt = deps.clock.now().getTime();
    this.examinedAt = this.startedAt;
  }

  /** A silence was created, expired or deleted: the covers change now. */
  coversChangedNow(): void {
    this.coversChanged = true;
  }

  /** Does everything due by now; returns how many incidents it changed or opened. */
  async runOnce(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    let changed = await this.settleDue(now);
    const edge = this.deps.ctx.quiet.nextEdge(this.examinedAt);
    if (this.coversChanged || (edge !== null && edge <= now)) {
      this.coversChanged = false;
      this.examinedAt = now;
      changed += await this.reexamine(now);
    }
    changed += await this.checkHeartbeats(now);
    return changed;
  }

  /** When something is next due: a flapping incident settles, a cover edge, a heartbeat expires. */
  async nextDue(): Promise<number | null> {
    if (this.coversChanged) return this.deps.clock.now().getTime();
    const times = [await this.deps.store.incidents.nextSettleDue(), this.deps.ctx.quiet.nextEdge(this.examinedAt), ...(await this.heartbeatDue())];
    const due = times.filter((t): t is number => t !== null);
    return due.length === 0 ? null : Math.min(...due);
  }

  private async settleDue(now: number): Promise<number> {
    const ids = await this.deps.store.incidents.dueForSettle(now, BATCH);
    return this.each(ids, now, async (tx, incident) => {
      const t = settle(incident, now);
      if (t.timeline.length === 0) return false;
      await applyTransition(tx, incident, t, now, this.deps.ctx);
      this.deps.onEvent?.({ kind: 'settled', incidentId: incident.id, detail: incident.status });
      return true;
    });
  }

  /** Every active incident (the suppressed ones, when nothing covers), page by page: its cover now decides whether it is quiet. */
  private async reexamine(now: number): Promise<number> {
    let changed = 0;
    let after = 0;
    const suppressedOnly = this.deps.ctx.quiet.anyInForce?.(now) === false;
    for (;;) {
      const ids = await this.deps.store.incidents.activeIncidentIds(after, BATCH, suppressedOnly);
      if (ids.length === 0) return changed;
      after = ids[ids.length - 1]!;
      changed += await this.each(ids, now, (tx, incident) => this.examine(tx, incident, now));
    }
  }

  private async examine(tx: IncidentTransaction, incident: IncidentRecord, now: number): Promise<boolean> {
    if (incident.suppressed?.by === 'inhibition') return false;
    const labels = await tx.firingAlertLabels(incident.id);
    if (labels.length === 0) return false;
    const covers = labels.map((l) => this.deps.ctx.quiet.coverFor(l, incident.healthModel, now));
    const cover: Suppression | null = covers.every((c) => c !== null) ? covers[0]! : null;
    const was = incident.suppressed;
    if (cover === null && was === null) return false;
    if (cover !== null && was !== null && cover.by === was.by && cover.name === was.name) return false;
    const reason = was?.by === 'silence' ? `silence ${was.name} no longer covers it` : `maintenance ${was?.name ?? ''} ended`;
    const t = cover ? suppress(incident, cover, now) : unsuppress(incident, reason, now);
    if (t.timeline.length === 0) return false;
    await applyTransition(tx, incident, t, now, this.deps.ctx);
    this.deps.onEvent?.({ kind: cover ? 'suppressed' : 'unsuppressed', incidentId: incident.id, detail: cover ? `${cover.by} ${cover.name}` : reason });
    return true;
  }

  /** Runs `work` on each incident in one batch; returns how many it changed. */
  private async each(ids: number[], now: number, work: (tx: IncidentTransaction, incident: IncidentRecord) => Promise<boolean>): Promise<number> {
    if (ids.length === 0) return 0;
    const settled = await this.deps.store.incidents.runBatch(ids.map((id) => async (tx) => work(tx, await tx.incident(id))));
    let changed = 0;
    settled.forEach((s, i) => {
      if (!s.ok) this.deps.logger.error('quiet worker failed on an incident', { incidentId: ids[i], error: s.error, at: new Date(now).toISOString() });
      else if (s.value) changed++;
    });
    return changed;
  }

  /** When each heartbeat not yet missed expires: its interval after the later of the daemon's start and its last arrival. */
  private async heartbeatDue(): Promise<number[]> {
    const out: number[] = [];
    for (const h of this.deps.heartbeats) {
      const blind = await this.deps.store.readModel.latestAlert(h.source, blindFingerprint(h.name));
      if (blind?.status !== 'firing') out.push((await this.lastBeat(h)) + h.intervalMs);
    }
    return out;
  }

  private async lastBeat(h: Heartbeat): Promise<number> {
    const stored = await this.deps.store.readModel.readState(heartbeatStateKey(h.name));
    return Math.max(this.startedAt, stored === null ? 0 : Number(stored));
  }

  /** A heartbeat silent for its interval opens its monitoring-gap incident, once. */
  private async checkHeartbeats(now: number): Promise<number> {
    let opened = 0;
    for (const h of this.deps.heartbeats) {
      const last = await this.lastBeat(h);
      if (now < last + h.intervalMs) continue;
      const blind = await this.deps.store.readModel.latestAlert(h.source, blindFingerprint(h.name));
      if (blind && blind.status === 'firing') continue;
      const alert: NormalizedAlert = {
        fingerprint: blindFingerprint(h.name),
        status: 'firing',
        // `rulename` names the heartbeat: the monitoring-gap metric groups by alertname and rulename,
        // so without it every heartbeat's gap would be one incident titled "HeartbeatMissing".
        labels: { alertname: 'HeartbeatMissing', heartbeat: h.name, rulename: h.name, monitoring_gap: 'heartbeat', source: h.source },
        annotations: { summary: `No heartbeat from ${h.source} (${h.name}) since ${new Date(last).toISOString()}: monitoring is blind` },
        startsAt: last + h.intervalMs,
        endsAt: null,
        generatorURL: null,
      };
      const result = await this.deps.submit(this.deps.blindDelivery(h, alert, now));
      opened++;
      this.deps.onEvent?.({ kind: 'blind', incidentId: result.incidents[0] ?? null, detail: h.name });
    }
    return opened;
  }
}
