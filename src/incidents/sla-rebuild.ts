import { slaPlan } from '../sla/plan';
import { liveState } from '../sla/clocks';
import { targetsOf } from '../sla/plan';
import type { SlaIndex } from '../core/sla-terms';
import type { IncidentRecord, Store } from '../store/store';
import { writePlan } from './sla-upkeep';

/** One field of an incident's stored SLA that differs from what its timeline says. */
export interface SlaDifference {
  incidentId: number;
  field: keyof SlaIndex | 'nextDueAt' | 'steps';
  stored: unknown;
  computed: unknown;
}

/** What a rebuild found, and whether it repaired it. */
export interface SlaRebuildReport {
  checked: number;
  differences: SlaDifference[];
  fixed: number;
}

const PAGE = 500;
const FIELDS: (keyof SlaIndex)[] = ['policy', 'responseDueAt', 'respondedAt', 'responseBreached', 'resolutionDueAt', 'resolutionBreached', 'paused', 'pausedSeconds'];

/**
 * Recomputes every incident's SLA from its terms and timeline, as of `now`, and compares it with
 * the stored index and the scheduler's due time, both read as of now. With `fix`, each incident
 * that differs gets the recomputed index and due time, in a unit that recomputes it again on
 * what it reads (a change that landed meanwhile is not undone).
 */
export async function rebuildSla(store: Store, now: number, fix: boolean): Promise<SlaRebuildReport> {
  const report: SlaRebuildReport = { checked: 0, differences: [], fixed: 0 };
  let beforeId: number | undefined;
  for (;;) {
    const page = await store.readModel.listIncidents({ limit: PAGE, ...(beforeId === undefined ? {} : { beforeId }) });
    if (page.length === 0) break;
    beforeId = page[page.length - 1]!.id;
    const wrong: number[] = [];
    for (const incident of page) {
      if (incident.slaTerms === null) continue;
      report.checked++;
      const found = await differencesOf(store, incident, now);
      if (found.length > 0) wrong.push(incident.id);
      report.differences.push(...found);
    }
    if (fix && wrong.length > 0) {
      const settled = await store.incidents.runBatch(
        wrong.map((id) => async (tx) => {
          const incident = await tx.incident(id);
          writePlan(tx, incident, slaPlan(incident.slaTerms!, incident, await tx.slaTimeline(id), now));
        }),
      );
      report.fixed += settled.filter((s) => s.ok).length;
    }
  }
  report.differences.sort((a, b) => a.incidentId - b.incidentId);
  return report;
}

async function differencesOf(store: Store, incident: IncidentRecord, now: number): Promise<SlaDifference[]> {
  const terms = incident.slaTerms!;
  const detail = await store.readModel.getIncident(incident.id);
  const plan = slaPlan(terms, incident, detail?.timeline ?? [], now);
  const targets = targetsOf(terms, incident.priority);
  const computed = liveState(plan.state, targets, incident.status, now);
  const stored = incident.sla === null ? null : liveState(incident.sla, targets, incident.status, now);
  const out: SlaDifference[] = [];
  for (const field of FIELDS) {
    const s = stored === null ? null : stored[field];
    if (s !== computed[field]) out.push({ incidentId: incident.id, field, stored: s, computed: computed[field] });
  }
  const storedDue = await store.readModel.slaDueAt(incident.id);
  const computedDue = plan.pending[0]?.dueAt ?? null;
  if (storedDue !== computedDue) out.push({ incidentId: incident.id, field: 'nextDueAt', stored: storedDue, computed: computedDue });
  // The steps kept for the scheduler (none kept: it computes them, nothing to differ).
  const storedSteps = await store.readModel.slaSteps(incident.id);
  if (storedSteps !== null && JSON.stringify(storedSteps) !== JSON.stringify(plan.pending)) {
    out.push({ incidentId: incident.id, field: 'steps', stored: storedSteps.map((s) => s.key), computed: plan.pending.map((s) => s.key) });
  }
  return out;
}
