import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { systemClock } from './core/clock';
import { createLogger } from './core/logger';
import type { Logger } from './core/logger';
import { SlaWorker } from './incidents/sla-worker';
import type { SlaStepRun } from './incidents/sla-worker';
import { incidentRouter } from './notify/notify-router';
import type { RoutingConfig } from './notify/notify-router';
import { openSqliteStore } from './store/sqlite/sqlite-store';
import { WriterGate } from './store/sqlite/writer-gate';

/**
 * The SLA scheduler on a thread of its own, writing the daemon's SQLite file on a connection of
 * its own: a catch-up of thousands of due steps (after downtime, or when many incidents opened
 * together come due together) runs on the machine's other core instead of taking turns with
 * ingest on the daemon's thread. The two connections share SQLite's write lock through a
 * WriterGate, so the daemon's event loop never waits in SQLite for it.
 *
 * The scheduler itself is the same SlaWorker: each incident's due steps in one transaction with
 * their timeline entries and notifications, so a step still runs once whatever happens. The
 * daemon drives it (`runOnce()` from its timer) and hears back every step that ran (metrics,
 * logs, delivery) and every incident a transaction changed (the console's live stream).
 */

/** What the thread needs to build its scheduler; everything in it crosses threads by copy. */
interface ThreadData {
  kind: 'incident-bridge-sla';
  storePath: string;
  gate: SharedArrayBuffer;
  routing: RoutingConfig;
  logLevel: string;
  secrets: string[];
}

type ToThread = { type: 'run'; id: number } | { type: 'close' };
type FromThread =
  | { type: 'ready' }
  | { type: 'steps'; runs: SlaStepRun[] }
  | { type: 'ran'; id: number; ran: number; failure: string | null }
  | { type: 'committed'; incidentIds: number[] };

/** How often the thread checkpoints the WAL. */
const CHECKPOINT_MS = 200;
/**
 * Incidents per batch on the thread. A batch is worked out first on what is committed, without
 * the write lock (BatchOptions.optimistic); at the lock, only its writes are made, for each
 * incident whose rows still read the same. A turn at the lock that has lasted YIELD_AFTER_MS
 * commits and ends as soon as a write of the daemon waits, and the batch goes on in its next
 * turn: ingest waits for the scheduler about that long at most. Measured on bench scenario S
 * (10,000 steps due at once beside ingest at full speed), working steps out before the lock cut
 * the lock held per step from 0.35-0.46 ms to about 0.17 ms and raised ingest during the
 * catch-up from 0.32-0.33 to 0.57 of its rate before, for a catch-up of 5.2-5.5 s instead of
 * 3.8-4.2 s; 1,000 incidents per batch, or turns of 5, 15 or 20 ms, did no better.
 */
const THREAD_BATCH = 250;
const YIELD_AFTER_MS = 10;

/** The daemon's handle on its scheduler thread. */
export class SlaThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (ran: number) => void; reject: (error: Error) => void }>();
  private exited: Error | null = null;
  private closing: (() => void) | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly gate: WriterGate,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts the thread on `storePath` (already open and migrated by the daemon, whose
   * connection shares `gate` on the daemon's side); resolves once its store is open.
   */
  static start(options: {
    storePath: string;
    gate: WriterGate;
    routing: RoutingConfig;
    logLevel: string;
    secrets: string[];
    logger: Logger;
    /** Each step that ran, once its transaction is on disk, batch by batch as the pass goes. */
    onStep: (run: SlaStepRun) => void;
    /** The incidents a transaction of the thread changed, once it is on disk. */
    onCommitted: (incidentIds: readonly number[]) => void;
    /** The thread ended, closed or not: the daemon's thread takes its work back. */
    onEnded: () => void;
    /** The compiled module the thread runs (default: this one); tests run from sources point it at dist/. */
    script?: string;
  }): Promise<SlaThread> {
    const data: ThreadData = {
      kind: 'incident-bridge-sla',
      storePath: options.storePath,
      gate: options.gate.buffer,
      routing: options.routing,
      logLevel: options.logLevel,
      secrets: options.secrets,
    };
    const worker = new Worker(options.script ?? __filename, { workerData: data });
    const thread = new SlaThread(worker, options.gate, options.logger);
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromThread) => {
        if (message.type === 'ready') resolve(thread);
        else if (message.type === 'committed') options.onCommitted(message.incidentIds);
        else if (message.type === 'steps') message.runs.forEach(options.onStep);
        else thread.answer(message);
      });
      worker.on('error', (error) => {
        options.logger.error('the SLA scheduler thread failed', { error });
        reject(error);
      });
      worker.on('exit', (code) => {
        thread.ended(code, reject);
        options.onEnded();
      });
    });
  }

  /** True while the thread runs; after it ended the daemon runs the scheduler itself. */
  get alive(): boolean {
    return this.exited === null;
  }

  /** One pass of the scheduler on the thread: every step due by now; resolves with how many ran. */
  runOnce(): Promise<number> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'run', id });
    });
  }

  /** Ends the thread once its pass under way is done and its store is closed. */
  close(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.closing = resolve;
      this.post({ type: 'close' });
    });
  }

  private post(message: ToThread): void {
    this.worker.postMessage(message);
  }

  private answer(message: FromThread): void {
    if (message.type !== 'ran') return;
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.failure === null) waiting.resolve(message.ran);
    else waiting.reject(new Error(message.failure));
  }

  private ended(code: number, rejectStart: (error: Error) => void): void {
    this.exited = new Error(`the SLA scheduler thread ended (exit code ${code})`);
    // Whatever it held of the write lock went with its connection.
    this.gate.reset();
    for (const waiting of this.pending.values()) waiting.reject(this.exited);
    this.pending.clear();
    rejectStart(this.exited);
    if (this.closing) this.closing();
    else this.logger.error('the SLA scheduler thread ended; the daemon runs the scheduler itself from now on', { code });
  }
}

/** The thread's side: opens the store, runs passes when asked, reports steps and changes. */
function runThread(port: MessagePort, data: ThreadData): void {
  const logger = createLogger({ level: data.logLevel, secrets: data.secrets });
  const store = openSqliteStore(data.storePath, { gate: new WriterGate(data.gate, 'helper') });
  const post = (message: FromThread): void => port.postMessage(message);
  store.incidents.onCommitted((incidentIds) => post({ type: 'committed', incidentIds: [...incidentIds] }));
  // The steps of a batch are heard together, after its commit: one message per batch.
  let runs: SlaStepRun[] = [];
  const flush = (): void => {
    if (runs.length === 0) return;
    post({ type: 'steps', runs });
    runs = [];
  };
  const onStep = (run: SlaStepRun): void => {
    if (runs.length === 0) queueMicrotask(flush);
    runs.push(run);
  };
  const worker = new SlaWorker({ store: store.incidents, clock: systemClock, logger, channelsFor: incidentRouter(data.routing), onStep, batch: THREAD_BATCH, yieldAfterMs: YIELD_AFTER_MS });
  // Both connections leave the WAL's checkpoints to this thread (see SqliteStore.checkpoint).
  let checkpointing = false;
  const checkpoints = setInterval(() => {
    if (checkpointing) return;
    checkpointing = true;
    store.checkpoint().then(
      () => (checkpointing = false),
      (error: unknown) => {
        checkpointing = false;
        logger.error('checkpointing the WAL failed', { error });
      },
    );
  }, CHECKPOINT_MS);
  let passes = Promise.resolve();
  port.on('message', (message: ToThread) => {
    if (message.type === 'run') {
      passes = passes.then(async () => {
        let ran = 0;
        let failure: string | null = null;
        try {
          ran = await worker.runOnce();
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
        flush();
        post({ type: 'ran', id: message.id, ran, failure });
      });
    } else {
      clearInterval(checkpoints);
      void passes.then(async () => {
        await store.close();
        port.close();
      });
    }
  });
  post({ type: 'ready' });
}

if (!isMainThread && parentPort !== null && (workerData as ThreadData | null)?.kind === 'incident-bridge-sla') {
  runThread(parentPort, workerData as ThreadData);
}
