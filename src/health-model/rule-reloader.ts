import type { Clock } from '../core/clock';
import { formatProblem } from '../core/errors';
import type { FileProblem } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { RuleSet } from './rule-set';
import type { RuleSetHolder } from './rule-set-holder';

/** What one reload did: ok when the new rules are in force; problems hold its errors and warnings. */
export interface ReloadResult {
  ok: boolean;
  problems: FileProblem[];
}

/** The outcome of the last reload, for `GET /api/v1/rules`. */
export interface RuleReloadStatus {
  ok: boolean;
  /** Reloads attempted since start, successful or not. */
  reloads: number;
  lastReloadAt: Date | null;
  lastSuccessAt: Date | null;
  errors: FileProblem[];
  warnings: FileProblem[];
}

/**
 * Loads the health models and puts them in force only when they have no error at all: a broken
 * file leaves the rules in force untouched, logs each problem as `FILE:LINE:COL`, sets
 * `incident_bridge_rules_last_reload_successful` to 0 and keeps the errors for the API.
 * Synchronous, so a webhook never sees half a reload.
 */
export class RuleReloader {
  private last: RuleReloadStatus = { ok: false, reloads: 0, lastReloadAt: null, lastSuccessAt: null, errors: [], warnings: [] };

  constructor(
    private readonly deps: {
      holder: RuleSetHolder;
      load: () => { ruleSet: RuleSet | null; problems: FileProblem[] };
      metrics: Metrics;
      logger: Logger;
      clock: Clock;
    },
  ) {}

  /** Loads every rule file again; the rules in force change only when the result is ok. */
  reload(): ReloadResult {
    const { holder, metrics, logger, clock } = this.deps;
    const { ruleSet, problems } = this.deps.load();
    const now = clock.now();
    for (const p of problems) logger[p.severity === 'error' ? 'error' : 'warn'](formatProblem(p));
    const errors = problems.filter((p) => p.severity === 'error');
    this.last = {
      ok: ruleSet !== null,
      reloads: this.last.reloads + 1,
      lastReloadAt: now,
      lastSuccessAt: ruleSet ? now : this.last.lastSuccessAt,
      errors,
      warnings: problems.filter((p) => p.severity === 'warning'),
    };
    if (!ruleSet) {
      metrics.rulesLastReloadSuccessful.set(0);
      logger.error('health models not reloaded: the rules in force stay', { errors: errors.length });
      return { ok: false, problems };
    }
    holder.replace(ruleSet);
    metrics.rulesLastReloadSuccessful.set(1);
    metrics.rulesLastReloadTimestamp.set(now.getTime() / 1000);
    metrics.rulesMetrics.set(ruleSet.metrics.length);
    logger.info('health models loaded', { healthModels: ruleSet.healthModels.length, metrics: ruleSet.metrics.length });
    return { ok: true, problems };
  }

  /** The outcome of the last reload. */
  status(): RuleReloadStatus {
    return this.last;
  }
}
