import type { IncidentStore } from '../store/store';
import { ingestDelivery } from './ingest';
import type { AlertDelivery, IngestPolicy, IngestResult } from './ingest';

const MAX_BATCH = 256;

/**
 * Group commit: webhooks that arrive while the store is busy are committed together in one
 * transaction (one fsync), each in its own savepoint. `submit` resolves only after the commit,
 * so a caller may answer 2xx as soon as it resolves.
 */
export class IngestQueue {
  private pending: { delivery: AlertDelivery; resolve: (r: IngestResult) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    private readonly deps: {
      store: IncidentStore;
      policy: () => IngestPolicy;
      onBatch?: (size: number) => void;
      onResult?: (result: IngestResult, delivery: AlertDelivery) => void;
    },
  ) {}

  /** Queues a webhook for the next commit; resolves with its result once durable. */
  submit(delivery: AlertDelivery): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ delivery, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Let every request already read in this turn of the event loop join the batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Commits everything queued now; used by the timer above and by tests. */
  async flush(): Promise<void> {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      const policy = this.deps.policy();
      const settled = await this.deps.store.runBatch(batch.map((item) => (tx) => ingestDelivery(tx, item.delivery, policy)));
      this.deps.onBatch?.(batch.length);
      settled.forEach((outcome, i) => {
        const item = batch[i]!;
        if (outcome.ok) {
          this.deps.onResult?.(outcome.value, item.delivery);
          item.resolve(outcome.value);
        } else {
          item.reject(outcome.error);
        }
      });
    }
  }
}
