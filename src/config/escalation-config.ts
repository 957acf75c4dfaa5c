import type { FileProblem } from '../core/errors';
import { parseDurationMs } from '../core/duration';
import { LINES } from '../core/vocabulary';
import type { Config } from './schema';
import { problemAt } from './yaml-file';
import type { YamlFile } from './yaml-file';

/** When a step is due: a share of the clock's target (`50%` is 0.5), or an amount of working time in milliseconds. */
export type StepAt = { kind: 'share'; share: number } | { kind: 'working'; ms: number };

const SHARE = /^(\d+(?:\.\d+)?)%$/;

/**
 * Reads a step's `at`: `N%` (any N above 0, decimals allowed, 100% is the due time itself) or a
 * duration above zero such as `90s`, `15m`, `4h`, `3d`. Null when it is neither. Pure.
 */
export function parseStepAt(text: string): StepAt | null {
  const share = SHARE.exec(text);
  if (share) {
    const percent = Number(share[1]);
    return percent > 0 ? { kind: 'share', share: percent / 100 } : null;
  }
  const ms = parseDurationMs(text);
  return ms !== null && ms > 0 ? { kind: 'working', ms } : null;
}

/**
 * What is wrong with the `lines` and `escalation` sections, each at its FILE:LINE:COL: a line's
 * channel that does not exist or belongs to a customer; a policy without steps or with a repeated
 * name; a step whose `at` is neither a share nor a duration, a share on the acknowledged clock
 * (it takes a duration), `notify` without `line` or `line` on another action; a default policy
 * that does not exist.
 */
export function escalationProblems(yaml: YamlFile, config: Config): FileProblem[] {
  return [...lineProblems(yaml, config), ...policyProblems(yaml, config)];
}

function lineProblems(yaml: YamlFile, config: Config): FileProblem[] {
  const problems: FileProblem[] = [];
  const channels = new Set(config.notifications.channels.map((c) => c.name));
  const owners = new Map(config.customers.flatMap((c) => c.channels.map((channel) => [channel, c.name] as const)));
  for (const line of LINES) {
    config.lines?.[line]?.channels.forEach((channel, j) => {
      const where = `lines.${line}.channels[${j}]`;
      const customer = owners.get(channel);
      if (!channels.has(channel)) problems.push(problemAt(yaml, ['lines', line, 'channels', j], `${where}: no channel named "${channel}"`));
      else if (customer !== undefined) {
        problems.push(problemAt(yaml, ['lines', line, 'channels', j], `${where}: channel "${channel}" belongs to customer "${customer}" and hears only its customer news`));
      }
    });
  }
  return problems;
}

function policyProblems(yaml: YamlFile, config: Config): FileProblem[] {
  const escalation = config.escalation;
  if (!escalation) return [];
  const problems: FileProblem[] = [];
  const names = new Set<string>();
  escalation.policies.forEach((p, i) => {
    const at = (...path: (string | number)[]) => ['escalation', 'policies', i, ...path];
    if (names.has(p.name)) problems.push(problemAt(yaml, at('name'), `escalation.policies[${i}].name: duplicate policy name "${p.name}"`));
    names.add(p.name);
    if (p.steps.length === 0) problems.push(problemAt(yaml, at('steps'), `escalation.policies[${i}].steps: policy "${p.name}" has no steps`));
    p.steps.forEach((step, j) => {
      const where = `escalation.policies[${i}].steps[${j}]`;
      const when = parseStepAt(step.at);
      if (!when) {
        problems.push(problemAt(yaml, at('steps', j, 'at'), `${where}.at: "${step.at}" is neither a share of the target above 0% (e.g. 50%) nor a duration above zero (e.g. 10m)`));
      } else if (step.clock === 'acknowledged' && when.kind === 'share') {
        problems.push(problemAt(yaml, at('steps', j, 'at'), `${where}.at: the acknowledged clock has no target to take a share of; give a duration (e.g. 30m)`));
      }
      if (step.action === 'notify' && step.line === undefined) problems.push(problemAt(yaml, at('steps', j), `${where}: action notify needs the line it reminds (line: L1, L2 or L3)`));
      if (step.action !== 'notify' && step.line !== undefined) {
        problems.push(problemAt(yaml, at('steps', j, 'line'), `${where}.line: line is only for action notify, not ${step.action}`));
      }
    });
  });
  if (escalation.default !== undefined && !names.has(escalation.default)) {
    problems.push(problemAt(yaml, ['escalation', 'default'], `escalation.default: no policy named "${escalation.default}"`));
  }
  return problems;
}
