import type { RuleSet } from '../../src/health-model/rule-set';
import type { IngestResult } from '../../src/incidents/ingest';
import { createPipeline } from '../../src/incidents/pipeline';
import type { SourceType } from '../../src/sources/source-types';
import type { IncidentRecord } from '../../src/store/store';
import { FakeClock } from './fake-clock';
import { exampleRuleSet } from './rules';

/** The incident engine on a real SQLite store, without HTTP: parse, classify, ingest (src/incidents/pipeline.ts). */
export function createEngine(options: { file?: string; ruleSet?: RuleSet; reopenWindowMs?: number; clock?: FakeClock } = {}) {
  const clock = options.clock ?? new FakeClock('2025-03-18T09:00:00Z');
  const pipeline = createPipeline({
    ruleSet: options.ruleSet ?? exampleRuleSet(),
    clock,
    ...(options.file ? { file: options.file } : {}),
    policy: { reopenWindowMs: options.reopenWindowMs ?? 600_000 },
  });
  const { store, worker, readModel } = pipeline;
  return {
    store,
    clock,
    worker,
    readModel,
    /** Ingests a webhook body as the route does: Alertmanager's unless `source` names another type. */
    push(body: unknown, { source }: { source?: SourceType } = {}): Promise<IngestResult> {
      const type = source ?? 'alertmanager';
      return pipeline.push(body, { name: type, type });
    },
    async incidents(): Promise<IncidentRecord[]> {
      return readModel.listIncidents({ limit: 1000 });
    },
    async incident(id: number): Promise<IncidentRecord> {
      const d = await readModel.getIncident(id);
      if (!d) throw new Error(`no incident ${id}`);
      return d.incident;
    },
    close: () => pipeline.close(),
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
