import express from 'express';
import type { Router } from 'express';
import type { Clock } from '../core/clock';
import { AppError, formatProblem, NotReadyError } from '../core/errors';
import type { FileProblem } from '../core/errors';
import { explainAlerts } from '../incidents/explain';
import type { ExplainLookup } from '../incidents/explain';
import type { ReloadResult, RuleReloadStatus } from '../health-model/rule-reloader';
import type { RuleSetHolder } from '../health-model/rule-set-holder';
import { findSource, readSourceAlerts } from './source-request';
import type { WebhookSource } from './source-request';

/** What the rules API needs: the rules in force, the reloader, and read-only store lookups. */
export interface RulesRouteDeps {
  sources: ReadonlyMap<string, WebhookSource>;
  rules: RuleSetHolder;
  ruleReloader: { reload(): ReloadResult; status(): RuleReloadStatus };
  readModel: ExplainLookup;
  reopenWindowMs: number;
  clock: Clock;
  maxBodyBytes: number;
  isReady: () => boolean;
}

/**
 * `GET /api/v1/rules` (the health models in force and the last reload's errors), `POST /-/reload`
 * (200 when the new rules are in force, 422 with the errors when the old ones stay) and
 * `POST /api/v1/explain?source=NAME` (what a payload would become now; it changes nothing and
 * takes the same authentication and body limit as the source's webhook).
 */
export function rulesRoute(deps: RulesRouteDeps): Router {
  const router = express.Router();

  router.get('/api/v1/rules', (_req, res) => {
    const status = deps.ruleReloader.status();
    const ruleSet = deps.rules.current();
    res.json({
      ok: status.ok,
      reloads: status.reloads,
      lastReloadAt: iso(status.lastReloadAt),
      lastSuccessAt: iso(status.lastSuccessAt),
      errors: status.errors.map(problemJson),
      warnings: status.warnings.map(problemJson),
      loadedAt: iso(ruleSet?.loadedAt ?? null),
      metrics: ruleSet?.metrics.length ?? 0,
      healthModels: (ruleSet?.healthModels ?? []).map((m) => ({
        name: m.name,
        description: m.description,
        owner: m.owner,
        criticality: m.criticality,
        file: m.file,
        metrics: ruleSet!.metrics.filter((x) => x.healthModel === m).map((x) => x.name),
      })),
    });
  });

  router.post('/-/reload', (_req, res) => {
    const result = deps.ruleReloader.reload();
    const problems = result.problems.map(problemJson);
    if (!result.ok) throw new AppError('reload_failed', 'the health models have errors; the rules in force stay', 422, problems);
    res.json({ ok: true, warnings: problems });
  });

  router.post('/api/v1/explain', async (req, res) => {
    const name = typeof req.query.source === 'string' ? req.query.source : '';
    const { alerts, receivedAt: nowMs } = await readSourceAlerts(findSource(deps.sources, name), req, deps);
    const ruleSet = deps.rules.current();
    if (!ruleSet) throw new NotReadyError('store or rules not loaded yet');
    const explained = await explainAlerts(name, alerts, ruleSet, deps.readModel, { reopenWindowMs: deps.reopenWindowMs, nowMs });
    res.json({ source: name, rulesLoadedAt: ruleSet.loadedAt.toISOString(), alerts: explained });
  });
  return router;
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

function problemJson(p: FileProblem): FileProblem & { text: string } {
  return { ...p, text: formatProblem(p) };
}
