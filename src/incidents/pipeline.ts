import type { Clock } from '../core/clock';
import { createLogger } from '../core/logger';
import type { RuleSet } from '../health-model/rule-set';
import { createSource } from '../sources/index';
import type { SourceType } from '../sources/source-types';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import type { IncidentReadModel, Store } from '../store/store';
import { buildDelivery } from './delivery-digest';
import { runAction } from './actions';
import type { ActionResult } from './actions';
import type { PersonCommand } from './commands';
import { IngestQueue } from './ingest-queue';
import type { IngestPolicy, IngestResult } from './ingest';
import { ResolveWorker } from './resolve-worker';
import { SlaWorker } from './sla-worker';
import { QuietWorker } from './quiet-worker';
import type { CoverEdges } from './quiet-worker';
import type { QuietPolicy } from './quiet-policy';
import type { Heartbeat } from '../quiet/heartbeats';

/** The incident engine without HTTP: what a webhook does after its route has authenticated it. */
export interface Pipeline {
  store: Store;
  readModel: IncidentReadModel;
  worker: ResolveWorker;
  sla: SlaWorker;
  /** Flapping settles, cover edges and heartbeats; absent without a quiet policy. */
  quiet: QuietWorker | null;
  /** Parses, classifies and commits a webhook body as the route does; resolves after the commit. */
  push(body: unknown, source: { name: string; type: SourceType }): Promise<IngestResult>;
  /** A heartbeat arrives, as `POST /heartbeats/{name}` brings it. */
  heartbeat(name: string, source: string): Promise<IngestResult>;
  /** Runs a person's command as the API does, at the clock's time. */
  act(incidentId: number, command: PersonCommand): Promise<ActionResult>;
  close(): Promise<void>;
}

/** What the pipeline is built from; `ruleSet` may be a function to follow reloads. */
export interface PipelineOptions {
  ruleSet: RuleSet | (() => RuleSet);
  clock: Clock;
  /** The store; default a new SQLite store in `file`, itself `:memory:` by default. */
  store?: Store;
  file?: string;
  policy?: Partial<IngestPolicy>;
  replayWindowMs?: number;
  /** Maintenance windows and silences (with their edges), and the sources' heartbeats. */
  quiet?: { policy: QuietPolicy & CoverEdges; heartbeats: readonly Heartbeat[] };
}

/**
 * Builds the real ingest pipeline (source parser, classify, ingest queue, SQLite store, resolve
 * worker, SLA scheduler) the way app.ts wires it, for rule tests and engine tests. Nothing is re-implemented:
 * the same functions run as in the daemon.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const store = options.store ?? openSqliteStore(options.file ?? ':memory:');
  const { readModel } = store;
  const policy: IngestPolicy = { reopenWindowMs: 600_000, ...options.policy, ...(options.quiet ? { quiet: options.quiet.policy } : {}) };
  const heartbeats = options.quiet?.heartbeats ?? [];
  const queue = new IngestQueue({ store: store.incidents, policy: () => policy });
  const worker = new ResolveWorker({
    store: store.incidents,
    clock: options.clock,
    logger: createLogger({ silent: true }),
    replayWindowMs: options.replayWindowMs ?? 86_400_000,
    ...(policy.channelsFor ? { channelsFor: policy.channelsFor } : {}),
    ...(policy.quiet ? { quiet: policy.quiet } : {}),
  });
  const currentRules = typeof options.ruleSet === 'function' ? options.ruleSet : () => options.ruleSet as RuleSet;
  const sla = new SlaWorker({ store: store.incidents, clock: options.clock, logger: createLogger({ silent: true }), ...(policy.channelsFor ? { channelsFor: policy.channelsFor } : {}) });
  const quiet = options.quiet
    ? new QuietWorker({
        store,
        clock: options.clock,
        logger: createLogger({ silent: true }),
        ctx: { channelsFor: policy.channelsFor, quiet: options.quiet.policy },
        heartbeats,
        submit: (delivery) => queue.submit(delivery),
        blindDelivery: (h, alert, now) => buildDelivery(h.source, [alert], now, currentRules()),
      })
    : null;
  return {
    store,
    readModel,
    worker,
    sla,
    quiet,
    push(body, source) {
      const receivedAt = options.clock.now().getTime();
      const alerts = createSource(source.type).parse(body, { receivedAt });
      return queue.submit(buildDelivery(source.name, alerts, receivedAt, currentRules(), heartbeats));
    },
    heartbeat(name, source) {
      const at = options.clock.now().getTime();
      return queue.submit({ source, digest: `heartbeat:${name}:${at}`, receivedAt: at, alerts: [], heartbeats: [name], heartbeatAlerts: 0 });
    },
    act: (incidentId, command) => runAction({ store: store.incidents, channelsFor: policy.channelsFor, quiet: policy.quiet }, incidentId, command, options.clock.now().getTime()),
    close: () => store.close(),
  };
}
