import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Line, Priority } from '../core/vocabulary';
import { SLA_ACTOR, afterStep, slaPlan } from '../sla/plan';
import type { DueStep } from '../core/sla-terms';
import type { IncidentStore, IncidentTransaction } from '../store/store';
import { notify, writeTransition } from './apply-transition';
import type { NotifyChannels } from './apply-transition';
import { writePlan } from './sla-upkeep';
import { transition } from './state-machine';

/**
 * Incidents per transaction: a batch commits with one fsync, which ingest's commits queue
 * behind; 250 keeps those few while a batch holds the connection for tens of milliseconds.
 */
const BATCH = 250;
/** How many times a batch's own time the scheduler waits after it while ingest is busy: it takes at most a fifth of the thread. */
const GIVE_WAY = 4;
/** Steps one incident may run in one pass (after a long downtime: every step it missed). */
const MAX_STEPS = 50;

/** One step or breach the scheduler ran. */
export interface SlaStepRun {
  incidentId: number;
  priority: Priority;
  step: DueStep;
  /** The line an escalation moved the incident to, or null. */
  escalatedTo: Line | null;
  lateMs: number;
}

/**
 * The SLA scheduler: runs every step and breach that has come due, polled by time from the
 * table of what is due next per incident. Each incident's due steps run in one unit, in time
 * order, with their timeline entries and notifications; the timeline names each step, so a
 * step runs once whatever happens (a crash before the commit runs it again, after it never).
 * After downtime every missed step runs at once, once, and its entry says how late it is.
 * Driven by the app's timer; tests and rule tests call runOnce().
 */
export class SlaWorker {
  constructor(
    private readonly deps: {
      store: IncidentStore;
      clock: Clock;
      logger: Logger;
      channelsFor?: NotifyChannels;
      onStep?: (run: SlaStepRun) => void;
      /**
       * Whether ingest is busy now: then the scheduler, after each batch, waits four times as long
       * as the batch took, so a catch-up of thousands of steps takes at most a fifth of the time
       * ingest would have had (the steps are late already; the webhooks are not).
       */
      ingestBusy?: () => boolean;
      /** Incidents per transaction (default 250). */
      batch?: number;
      /**
       * Beside ingest on another connection: each batch is worked out before the write lock
       * (BatchOptions.optimistic), and a turn at the lock that has lasted this long commits and
       * ends as soon as ingest waits for the lock; the batch goes on in its next turn.
       */
      yieldAfterMs?: number;
    },
  ) {}

  /**
   * Runs everything due by now, batch after batch; returns how many steps ran. Beside ingest on
   * another connection (`yieldAfterMs`), the next batch starts once the last one has committed,
   * while its WAL is still being flushed: the scheduler's turns then fill the gaps between
   * ingest's writes instead of waiting for a disk flush each.
   */
  async runOnce(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    const batch = this.deps.batch ?? BATCH;
    const yieldAfterMs = this.deps.yieldAfterMs;
    let ran = 0;
    let flushing: Promise<boolean> | null = null;
    for (;;) {
      // Read after the last batch's commit (reads queue behind the writes of the connection).
      const due = await this.deps.store.dueForSla(now, batch);
      if (due.length === 0) break;
      const started = performance.now();
      const applied = this.deps.store
        .runBatch(
          due.map((id) => (tx) => this.runDue(tx, id, now)),
          yieldAfterMs === undefined ? {} : { yieldAfterMs, optimistic: true },
        )
        .then((settled) => {
          let progressed = false;
          settled.forEach((s, i) => {
            if (s.ok) {
              progressed = true;
              ran += s.value.length;
              for (const r of s.value) this.deps.onStep?.(r);
            } else {
              this.deps.logger.error('running a due SLA step failed', { incidentId: due[i], error: s.error });
            }
          });
          // A batch that yielded to ingest (fewer results than units) leaves the rest to the next.
          return progressed && (settled.length < due.length || due.length === batch);
        });
      if (yieldAfterMs !== undefined) {
        // Awaited below or after the loop; until then a failure must not count as unhandled.
        applied.catch(() => undefined);
        // Every unit of the batch before failed: its rows came back in this one; stop after it.
        const goOn: boolean = flushing === null ? true : await flushing;
        flushing = applied;
        if (!goOn) break;
        continue;
      }
      // Every unit failed: the same rows would come back at once; the next tick tries again.
      if (!(await applied)) break;
      const took = performance.now() - started;
      if (this.deps.ingestBusy?.()) await new Promise((resolve) => setTimeout(resolve, Math.min(took * GIVE_WAY, 1000)));
    }
    if (flushing !== null) await flushing;
    return ran;
  }

  /** Runs one incident's due steps in time order, then writes its SLA index and next due time. */
  private async runDue(tx: IncidentTransaction, incidentId: number, now: number): Promise<SlaStepRun[]> {
    let incident = await tx.incident(incidentId);
    const terms = incident.slaTerms;
    if (terms === null) {
      tx.setSlaDue(incidentId, []);
      return [];
    }
    // The plan the last change kept (its index on the incident, its steps beside the due time)
    // holds until a clock moves, and every change that moves one keeps a new plan: no timeline read.
    const steps = incident.sla === null ? null : await tx.slaSteps(incidentId);
    const runs: SlaStepRun[] = [];
    let plan = steps !== null && incident.sla !== null ? { state: incident.sla, pending: steps } : slaPlan(terms, incident, await tx.slaTimeline(incidentId), now);
    for (let i = 0; i < MAX_STEPS; i++) {
      const step = plan.pending[0];
      if (!step || step.dueAt > now) break;
      const t = transition(incident, { type: 'sla_step', actor: { type: 'system', name: SLA_ACTOR }, step }, now);
      if (t.timeline.length === 0) break;
      const before = incident.line;
      incident = writeTransition(tx, incident, t);
      notify(tx, incident, t.notify, now, this.deps.channelsFor);
      runs.push({ incidentId, priority: incident.priority, step, escalatedTo: incident.line !== before || step.action === 'escalate' ? incident.line : null, lateMs: now - step.dueAt });
      plan = afterStep(plan, step);
    }
    writePlan(tx, incident, plan);
    return runs;
  }
}
