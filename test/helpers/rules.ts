import { loadRuleFiles, loadRuleSet } from '../../src/health-model/load-rules';
import type { RuleSet } from '../../src/health-model/rule-set';
import { configSchema } from '../../src/config/schema';
import { RULES_DIR } from './fixtures';

/** The config defaults, as a test config without overrides gets them. */
export const DEFAULTS = configSchema.parse({ sources: [{ name: 'alertmanager', type: 'alertmanager' }] });

const options = {
  defaults: { matrix: DEFAULTS.priorities.matrix, groupBy: DEFAULTS.incidents.groupBy, resolveHoldDownMs: DEFAULTS.incidents.resolveHoldDown },
  fallback: DEFAULTS.fallback,
  configFile: 'incident-bridge.yaml',
  clock: { now: () => new Date('2025-03-18T09:00:00Z') },
};

/** Loads rule files with the config's defaults. */
export function loadFiles(files: string[]) {
  return loadRuleFiles(files, options);
}

/** The example health models shipped in rules/, compiled. */
export function exampleRuleSet(dir = RULES_DIR): RuleSet {
  const { ruleSet, problems } = loadRuleSet({ dir, ...options });
  if (!ruleSet) throw new Error(`example rules do not load: ${JSON.stringify(problems)}`);
  return ruleSet;
}
