import { deliveryDigest } from '../../src/incidents/delivery-digest';
import { classify } from '../../src/health-model/classify';
import type { RuleSet } from '../../src/health-model/rule-set';
import { IngestQueue } from '../../src/incidents/ingest-queue';
import type { IngestResult } from '../../src/incidents/ingest';
import { ResolveWorker } from '../../src/incidents/resolve-worker';
import { createLogger } from '../../src/core/logger';
import { createSource } from '../../src/sources/index';
import type { SourceType } from '../../src/sources/source-types';
import { openDatabase } from '../../src/store/sqlite/database';
import { SqliteIncidentStore } from '../../src/store/sqlite/sqlite-incident-store';
import { SqliteReadModel } from '../../src/store/sqlite/sqlite-read-model';
import type { IncidentRecord } from '../../src/store/store';
import { FakeClock } from './fake-clock';
import { exampleRuleSet } from './rules';

/** The incident engine on a real SQLite store, without HTTP: parse, classify, ingest. */
export function createEngine(options: { file?: string; ruleSet?: RuleSet; reopenWindowMs?: number; clock?: FakeClock } = {}) {
  const db = openDatabase(options.file ?? ':memory:');
  const store = new SqliteIncidentStore(db);
  const readModel = new SqliteReadModel(db);
  const clock = options.clock ?? new FakeClock('2025-03-18T09:00:00Z');
  const ruleSet = options.ruleSet ?? exampleRuleSet();
  const queue = new IngestQueue({ store, policy: () => ({ reopenWindowMs: options.reopenWindowMs ?? 600_000 }) });
  const worker = new ResolveWorker({ store, clock, logger: createLogger({ silent: true }), replayWindowMs: 86_400_000 });
  return {
    db,
    clock,
    worker,
    readModel,
    /** Ingests a webhook body as the route does: Alertmanager's unless `source` names another type. */
    push(body: unknown, { source }: { source?: SourceType } = {}): Promise<IngestResult> {
      const receivedAt = clock.now().getTime();
      const type = source ?? 'alertmanager';
      const alerts = createSource(type).parse(body, { receivedAt });
      return queue.submit({
        source: type,
        digest: deliveryDigest(type, alerts),
        receivedAt,
        alerts: alerts.map((alert) => ({ alert, classification: classify(alert, ruleSet) })),
      });
    },
    async incidents(): Promise<IncidentRecord[]> {
      return readModel.listIncidents({ limit: 1000 });
    },
    async incident(id: number): Promise<IncidentRecord> {
      const d = await readModel.getIncident(id);
      if (!d) throw new Error(`no incident ${id}`);
      return d.incident;
    },
    close: () => store.close(),
  };
}

/** An Alertmanager webhook body with the given alerts. */
export function amBody(alerts: { labels: Record<string, string>; status?: 'firing' | 'resolved'; startsAt: string; endsAt?: string; annotations?: Record<string, string> }[]) {
  return {
    version: '4',
    status: alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: a.annotations ?? {},
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
    })),
  };
}
