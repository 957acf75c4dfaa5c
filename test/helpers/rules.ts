import { loadRuleFiles, loadRuleSet, ruleLoadOptions } from '../../src/health-model/load-rules';
import type { RuleSet } from '../../src/health-model/rule-set';
import { configSchema } from '../../src/config/schema';
import { RULES_DIR } from './fixtures';

/** The config defaults, as a test config without overrides gets them. */
export const DEFAULTS = configSchema.parse({ sources: [{ name: 'alertmanager', type: 'alertmanager' }] });

const options = (dir: string) => ruleLoadOptions(DEFAULTS, 'incident-bridge.yaml', dir, { now: () => new Date('2025-03-18T09:00:00Z') });

/** Loads rule files with the config's defaults. */
export function loadFiles(files: string[]) {
  return loadRuleFiles(files, options(''));
}

/** The example health models shipped in rules/, compiled. */
export function exampleRuleSet(dir = RULES_DIR): RuleSet {
  const { ruleSet, problems } = loadRuleSet(options(dir));
  if (!ruleSet) throw new Error(`example rules do not load: ${JSON.stringify(problems)}`);
  return ruleSet;
}
