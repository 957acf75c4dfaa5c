import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FileProblem } from '../core/errors';
import { problemAt, parseYamlFile, zodProblems } from '../config/yaml-file';
import type { Clock } from '../core/clock';
import { compileBuiltinMetric, compileHealthModel } from './compile';
import type { CompileDefaults } from './compile';
import { lintRuleFiles } from './lint';
import type { LintInput } from './lint';
import { healthModelSchema } from './rule-schema';
import type { CompiledMetric, HealthModel, RuleSet } from './rule-set';
import type { BuiltinMetricConfig, Config } from '../config/schema';

/** What a load needs besides the files: defaults from the config and the time to stamp. */
export interface RuleLoadOptions {
  dir: string;
  defaults: CompileDefaults;
  fallback: BuiltinMetricConfig;
  monitoringGap: BuiltinMetricConfig;
  configFile: string;
  clock: Clock;
}

/** The load options a validated config gives: its defaults, built-in metrics and rules directory. */
export function ruleLoadOptions(config: Config, configFile: string, dir: string, clock: Clock): RuleLoadOptions {
  return {
    dir,
    defaults: {
      matrix: config.priorities.matrix,
      groupBy: config.incidents.groupBy,
      resolveHoldDownMs: config.incidents.resolveHoldDown,
      flapping: config.flapping === false ? { changes: 0, windowMs: 0 } : { changes: config.flapping.changes, windowMs: config.flapping.window },
      customers: new Map(config.customers.map((c) => [c.name, { sla: c.sla ?? null, escalation: c.escalation ?? null }])),
      slaPolicies: new Set((config.sla?.policies ?? []).map((p) => p.name)),
      escalationPolicies: new Set((config.escalation?.policies ?? []).map((p) => p.name)),
    },
    fallback: config.fallback,
    monitoringGap: config.monitoringGap,
    configFile,
    clock,
  };
}

/** The health model files of a directory, in matching order: by file name; subdirectories (such as `tests/`) are not read. */
export function listRuleFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Reads, validates and compiles every health model in the directory. Returns the rule set only
 * when there is no error at all: one broken file means no new rule set, never a partial one.
 * Lint warnings come with the problems and never block the rule set.
 */
export function loadRuleSet(options: RuleLoadOptions): { ruleSet: RuleSet | null; problems: FileProblem[] } {
  let files: string[];
  try {
    files = listRuleFiles(options.dir);
  } catch (error) {
    return { ruleSet: null, problems: [{ file: options.dir, line: 1, col: 1, message: `cannot read rules directory: ${(error as Error).message}`, severity: 'error' }] };
  }
  return loadRuleFiles(files, options);
}

/** Like loadRuleSet, for an explicit list of files in matching order. */
export function loadRuleFiles(files: readonly string[], options: Omit<RuleLoadOptions, 'dir'>): { ruleSet: RuleSet | null; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const metrics: CompiledMetric[] = [];
  const models: HealthModel[] = [];
  const owners = new Map<string, string>();
  const lintInputs: LintInput[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push({ file, line: 1, col: 1, message: `cannot read: ${(error as Error).message}`, severity: 'error' });
      continue;
    }
    const parsed = parseYamlFile(file, text);
    if (parsed.problems.length > 0) {
      problems.push(...parsed.problems);
      continue;
    }
    const validated = healthModelSchema.safeParse(parsed.yaml.doc.toJS() ?? {});
    if (!validated.success) {
      problems.push(...zodProblems(parsed.yaml, validated.error));
      continue;
    }
    const data = validated.data;
    const other = owners.get(data.name);
    const reserved = data.name === options.fallback.healthModel || data.name === options.monitoringGap.healthModel;
    if (other !== undefined || reserved) {
      const why = other !== undefined ? `also defined in ${other}` : 'reserved for a built-in metric of the config';
      problems.push(problemAt(parsed.yaml, ['name'], `name: health model "${data.name}" is ${why}`));
      continue;
    }
    owners.set(data.name, file);
    const compiled = compileHealthModel(parsed.yaml, data, options.defaults);
    problems.push(...compiled.problems);
    metrics.push(...compiled.metrics);
    models.push(compiled.model);
    if (compiled.problems.length === 0) lintInputs.push({ yaml: parsed.yaml, metrics: compiled.metrics });
  }
  problems.push(...lintRuleFiles(lintInputs));
  if (problems.some((p) => p.severity === 'error')) return { ruleSet: null, problems };
  const ruleSet: RuleSet = Object.freeze({
    healthModels: Object.freeze(models),
    metrics: Object.freeze(metrics),
    fallback: compileBuiltinMetric(options.fallback, options.configFile, 'Alerts that no health model claims.', options.defaults.flapping),
    monitoringGap: compileBuiltinMetric(options.monitoringGap, options.configFile, 'Monitoring that cannot see: no data, data source errors.', options.defaults.flapping),
    loadedAt: options.clock.now(),
  });
  return { ruleSet, problems };
}
