import type { FileProblem } from '../core/errors';
import { MatcherSyntaxError, parseMatchers } from '../core/matcher';
import type { Config } from './schema';
import { problemAt } from './yaml-file';
import type { YamlFile } from './yaml-file';

/**
 * What is wrong with the `heartbeats` section, each at its FILE:LINE:COL: a repeated name, a
 * source the config does not have, a matcher that does not parse.
 */
export function heartbeatProblems(yaml: YamlFile, config: Config): FileProblem[] {
  const problems: FileProblem[] = [];
  const sources = new Set(config.sources.map((s) => s.name));
  const names = new Set<string>();
  config.heartbeats.forEach((h, i) => {
    const at = (...path: (string | number)[]) => ['heartbeats', i, ...path];
    if (names.has(h.name)) problems.push(problemAt(yaml, at('name'), `heartbeats[${i}].name: duplicate heartbeat name "${h.name}"`));
    names.add(h.name);
    if (!sources.has(h.source)) problems.push(problemAt(yaml, at('source'), `heartbeats[${i}].source: no source named "${h.source}" (sources: ${[...sources].join(', ')})`));
    h.matchers.forEach((m, j) => {
      try {
        parseMatchers(m);
      } catch (error) {
        if (!(error instanceof MatcherSyntaxError)) throw error;
        problems.push(problemAt(yaml, at('matchers', j), `heartbeats[${i}].matchers[${j}]: ${error.message}`));
      }
    });
    if (h.interval <= 0) problems.push(problemAt(yaml, at('interval'), `heartbeats[${i}].interval: must be above zero`));
  });
  return problems;
}
