import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { IncidentStore, SilenceStore } from '../store/store';
import { applyTransition } from './apply-transition';
import type { NotifyChannels } from './apply-transition';
import type { QuietPolicy } from './quiet-policy';
import type { IncidentEvent } from './ingest';
import { transition } from './state-machine';

const BATCH = 500;

/**
 * Resolves incidents whose hold-down has passed with no alert firing again, forgets replay
 * receipts older than the replay window and silences ended longer ago than they stay listed.
 * Driven by the app's timer; tests call runOnce().
 */
export class ResolveWorker {
  constructor(
    private readonly deps: {
      store: IncidentStore;
      clock: Clock;
      logger: Logger;
      replayWindowMs: number;
      channelsFor?: NotifyChannels;
      quiet?: QuietPolicy;
      onEvent?: (event: IncidentEvent) => void;
      /** The silences to prune, and how long one stays after it ended. */
      silences?: { store: Pick<SilenceStore, 'prune'>; keepExpiredMs: number };
    },
  ) {}

  /** Resolves every due incident once; returns how many were resolved. */
  async runOnce(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    const due = await this.deps.store.dueForResolve(now, BATCH);
    if (due.length > 0) {
      const settled = await this.deps.store.runBatch(
        due.map((id) => async (tx) => {
          // The state machine checks again inside the transaction: a re-fire may have cancelled the hold-down.
          const incident = await tx.incident(id);
          const t = transition(incident, { type: 'resolve_due', actor: { type: 'system', name: 'hold-down' } }, now);
          if (t.outcome !== 'resolved') return null;
          await applyTransition(tx, incident, t, now, this.deps);
          return { kind: 'resolved', incidentId: id, priority: incident.priority } satisfies IncidentEvent;
        }),
      );
      settled.forEach((s, i) => {
        if (s.ok && s.value) this.deps.onEvent?.(s.value);
        if (!s.ok) this.deps.logger.error('resolving after hold-down failed', { incidentId: due[i], error: s.error });
      });
    }
    await this.deps.store.pruneReceipts(now - this.deps.replayWindowMs);
    if (this.deps.silences) await this.deps.silences.store.prune(now - this.deps.silences.keepExpiredMs);
    return due.length;
  }
}
