import type { IncidentStore, Settled } from '../store/store';
import { ingestDelivery } from './ingest';
import type { AlertDelivery, IngestPolicy, IngestResult } from './ingest';

const MAX_BATCH = 256;

interface Pending {
  delivery: AlertDelivery;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: webhooks that arrive while the store is busy are committed together in one
 * transaction (one fsync), each in its own savepoint. `submit` resolves only once the commit is
 * durable, so a caller may answer 2xx as soon as it resolves. Batches are handed to the store in
 * order without waiting for the previous one to reach the disk: the store applies them in call
 * order and the disk flushes overlap the next batch's work.
 */
export class IngestQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** When the last batch was handed to the store (monotonic ms), for background work that gives way. */
  private lastBatchAt = -Infinity;

  constructor(
    private readonly deps: {
      store: IncidentStore;
      policy: () => IngestPolicy;
      onBatch?: (size: number) => void;
      onResult?: (result: IngestResult, delivery: AlertDelivery) => void;
    },
  ) {}

  /** Whether webhooks are arriving: one is waiting, or a batch went to the store within `withinMs`. */
  busy(withinMs: number): boolean {
    return this.pending.length > 0 || performance.now() - this.lastBatchAt < withinMs;
  }

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

  /** Commits everything queued now and waits until every batch handed to the store is durable. */
  async flush(): Promise<void> {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      let committed: Promise<Settled<IngestResult>[]>;
      try {
        const policy = this.deps.policy();
        committed = this.deps.store.runBatch(batch.map((item) => (tx) => ingestDelivery(tx, item.delivery, policy)));
      } catch (error) {
        committed = Promise.resolve(batch.map(() => ({ ok: false, error }) as Settled<IngestResult>));
      }
      this.deps.onBatch?.(batch.length);
      this.lastBatchAt = performance.now();
      const answered = committed.then(
        (settled) => this.answer(batch, settled),
        (error: unknown) => this.answer(batch, batch.map(() => ({ ok: false, error }))),
      );
      this.inFlight.add(answered);
      void answered.finally(() => this.inFlight.delete(answered));
    }
    await Promise.all([...this.inFlight]);
  }

  private answer(batch: Pending[], settled: Settled<IngestResult>[]): void {
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
