import express from 'express';
import type { Request, Router } from 'express';
import type { Clock } from '../core/clock';
import { AppError, formatProblem, NotReadyError } from '../core/errors';
import type { FileProblem } from '../core/errors';
import { explainAlerts } from '../health-model/explain';
import type { ExplainLookup } from '../health-model/explain';
import type { ReloadResult, RuleReloadStatus } from '../health-model/rule-reloader';
import type { RuleSetHolder } from '../health-model/rule-set-holder';
import { JSON_TYPE, unauthorized } from './webhooks-route';
import { readBody } from './read-body';
import type { WebhookSource } from './webhooks-route';

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
    const source = deps.sources.get(name);
    if (!source) throw new AppError('unknown_source', `no source named "${name.slice(0, 100)}" is configured`, 404, { configured: [...deps.sources.keys()] });
    const headerFailure = source.authenticator.needsBody() ? null : source.authenticator.check(req.headers, null);
    if (headerFailure) throw unauthorized(headerFailure);
    const ruleSet = deps.rules.current();
    if (!deps.isReady() || !ruleSet) throw new NotReadyError('store or rules not loaded yet');
    const json = await readJson(req, deps.maxBodyBytes);
    if (source.authenticator.needsBody()) {
      const failure = source.authenticator.check(req.headers, json.raw);
      if (failure) throw unauthorized(failure);
    }
    const nowMs = deps.clock.now().getTime();
    const alerts = source.parser.parse(json.value, { receivedAt: nowMs });
    const explained = await explainAlerts(name, alerts, ruleSet, deps.readModel, { reopenWindowMs: deps.reopenWindowMs, nowMs });
    res.json({ source: name, rulesLoadedAt: ruleSet.loadedAt.toISOString(), alerts: explained });
  });
  return router;
}

async function readJson(req: Request, limit: number): Promise<{ raw: Buffer; value: unknown }> {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
    throw new AppError('unsupported_media_type', `expected application/json, got ${contentType.slice(0, 100)}`, 415);
  }
  const raw = await readBody(req, limit);
  try {
    return { raw, value: JSON.parse(raw.toString('utf8')) };
  } catch (error) {
    throw new AppError('invalid_json', 'request body is not valid JSON', 400, { message: (error as Error).message });
  }
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

function problemJson(p: FileProblem): FileProblem & { text: string } {
  return { ...p, text: formatProblem(p) };
}
