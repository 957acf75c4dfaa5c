import type { BuiltinMetricConfig, PriorityMatrix } from '../config/schema';
import type { FileProblem } from '../core/errors';
import { positionOf, problemAt, scalarProblem } from '../config/yaml-file';
import type { YamlFile } from '../config/yaml-file';
import { MatcherSyntaxError, parseMatchers } from '../core/matcher';
import type { Matcher } from '../core/matcher';
import type { HealthModelData } from './rule-schema';
import type { CompiledMetric, HealthModel } from './rule-set';
import { compileTemplate, TEMPLATE_VARIABLES, unknownTemplateVariables } from './template';
import type { MessageTemplate } from './template';

/** Defaults the config gives every metric that does not say otherwise. */
export interface CompileDefaults {
  matrix: PriorityMatrix;
  groupBy: string[];
  resolveHoldDownMs: number;
  /** The config's flapping policy (0 changes: off). */
  flapping: { changes: number; windowMs: number };
  /** The config's customers, by name, with the policies their health models take by default. */
  customers: ReadonlyMap<string, { sla: string | null; escalation: string | null }>;
  /** The names of the config's SLA policies; a health model may name only these. */
  slaPolicies: ReadonlySet<string>;
  /** The names of the config's escalation policies; a health model may name only these. */
  escalationPolicies: ReadonlySet<string>;
}

/** The flapping policy of a metric that never flaps. */
export const NO_FLAPPING = { changes: 0, windowMs: 0 } as const;

const DEFAULT_TITLE = '{{ labels.alertname | default: metric }}';
const DEFAULT_SUMMARY = '{{ annotations.summary | default: annotations.description }}';
const DEFAULT_RUNBOOK = '{{ annotations.runbook_url }}';

/** Compiles one validated health model file; problems carry the FILE:LINE:COL of each mistake. */
export function compileHealthModel(
  yaml: YamlFile,
  data: HealthModelData,
  defaults: CompileDefaults,
): { metrics: CompiledMetric[]; model: HealthModel; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  // A config without customers serves one company: its health models' customer names stand unchecked.
  const unchecked = defaults.customers.size === 0 && data.customer !== undefined ? { sla: null, escalation: null } : null;
  const customer = data.customer === undefined ? null : (defaults.customers.get(data.customer) ?? unchecked);
  if (data.customer !== undefined && !customer) {
    const known = [...defaults.customers.keys()];
    problems.push(problemAt(yaml, ['customer'], `customer: no customer named "${data.customer}" in the config${known.length ? ` (customers: ${known.join(', ')})` : ''}`));
  }
  problems.push(...policyProblems(yaml, data, defaults));
  const model: HealthModel = {
    name: data.name,
    description: data.description ?? '',
    owner: data.owner,
    responsible: data.responsible,
    criticality: data.criticality,
    customer: customer ? data.customer! : null,
    sla: data.sla ?? customer?.sla ?? null,
    escalation: data.escalation ?? customer?.escalation ?? null,
    file: yaml.file,
  };
  const metrics: CompiledMetric[] = [];
  data.metrics.forEach((m, i) => {
    const at = ['metrics', i];
    const matchers: Matcher[] = [];
    m.matchers.forEach((text, j) => {
      try {
        matchers.push(...parseMatchers(text));
      } catch (error) {
        if (!(error instanceof MatcherSyntaxError)) throw error;
        problems.push(scalarProblem(yaml, [...at, 'matchers', j], error.offset, `metrics[${i}].matchers[${j}]: ${error.message}`));
      }
    });
    const template = (key: 'title' | 'summary' | 'runbookUrl', fallback: string): MessageTemplate => {
      const source = m[key] ?? fallback;
      try {
        const compiled = compileTemplate(source);
        for (const v of unknownTemplateVariables(source)) {
          const text = `metrics[${i}].${key}: unknown variable "${v.name}" (use ${TEMPLATE_VARIABLES.join(', ')})`;
          problems.push(scalarProblem(yaml, [...at, key], v.line === 1 ? v.col - 1 : 0, text));
        }
        return compiled;
      } catch (error) {
        // Liquid reports "..., line:L, col:C" inside the template: point into the YAML value when on line 1.
        const message = (error as Error).message;
        const where = /, line:(\d+), col:(\d+)$/.exec(message);
        const text = `metrics[${i}].${key}: invalid template: ${where ? message.slice(0, where.index) : message}`;
        const offset = where && where[1] === '1' ? Number(where[2]) - 1 : 0;
        problems.push(scalarProblem(yaml, [...at, key], offset, text));
        return compileTemplate('');
      }
    };
    metrics.push({
      healthModel: model,
      name: m.name,
      description: m.description ?? '',
      matchers,
      impact: m.impact,
      category: m.category,
      priority: m.priority ?? defaults.matrix[data.criticality][m.impact],
      title: template('title', DEFAULT_TITLE),
      summary: template('summary', DEFAULT_SUMMARY),
      runbookUrl: template('runbookUrl', DEFAULT_RUNBOOK),
      groupBy: m.groupBy ?? defaults.groupBy,
      autoResolve: {
        enabled: m.autoResolve?.enabled ?? true,
        holdDownMs: m.autoResolve?.holdDown ?? defaults.resolveHoldDownMs,
      },
      flapping: m.flapping === false ? NO_FLAPPING : m.flapping ? { changes: m.flapping.changes, windowMs: m.flapping.window } : defaults.flapping,
      file: yaml.file,
      line: positionOf(yaml, at).line,
    });
  });
  const names = new Set<string>();
  data.metrics.forEach((m, i) => {
    if (names.has(m.name)) problems.push(problemAt(yaml, ['metrics', i, 'name'], `metrics[${i}].name: duplicate metric name "${m.name}" in health model "${data.name}"`));
    names.add(m.name);
  });
  return { metrics, model, problems };
}

/** A health model's `sla:` and `escalation:` must name a policy of the config. */
function policyProblems(yaml: YamlFile, data: HealthModelData, defaults: CompileDefaults): FileProblem[] {
  const problems: FileProblem[] = [];
  const check = (key: 'sla' | 'escalation', known: ReadonlySet<string>, what: string) => {
    const name = data[key];
    if (name === undefined || known.has(name)) return;
    const where = known.size > 0 ? ` (policies: ${[...known].join(', ')})` : ` (it has no ${key} section)`;
    problems.push(problemAt(yaml, [key], `${key}: no ${what} policy named "${name}" in the config${where}`));
  };
  check('sla', defaults.slaPolicies, 'SLA');
  check('escalation', defaults.escalationPolicies, 'escalation');
  return problems;
}

/** Compiles a metric of the config (fallback, monitoring gap) into a metric of the pseudo health model it names. */
export function compileBuiltinMetric(fallback: BuiltinMetricConfig, configFile: string, description: string, flapping: CompiledMetric['flapping']): CompiledMetric {
  const model: HealthModel = {
    name: fallback.healthModel,
    description,
    owner: 'unassigned',
    responsible: [],
    criticality: 'low',
    customer: null,
    sla: null,
    escalation: null,
    file: configFile,
  };
  return {
    healthModel: model,
    name: fallback.metric,
    description,
    matchers: [],
    impact: fallback.impact,
    category: fallback.category,
    priority: fallback.priority,
    title: compileTemplate(fallback.title),
    summary: compileTemplate(fallback.summary),
    runbookUrl: compileTemplate(DEFAULT_RUNBOOK),
    groupBy: fallback.groupBy,
    autoResolve: { enabled: true, holdDownMs: 0 },
    flapping,
    file: configFile,
    line: 1,
  };
}
