import { loadConfig } from '../config/load-config';
import { FileProblemsError, formatProblem } from '../core/errors';
import { systemClock } from '../core/clock';
import { loadRuleSet, ruleLoadOptions } from '../health-model/load-rules';
import { parseCommandOptions } from './options';

/**
 * `incident-bridge check [--config FILE]`: validates the config and every rule file. Prints
 * `FILE:LINE:COL: message` per problem; exit 0 when valid, else 1.
 */
export function runCheck(args: string[]): number {
  const configFile = parseCommandOptions(args).config;
  let loaded;
  try {
    loaded = loadConfig(configFile);
  } catch (error) {
    if (!(error instanceof FileProblemsError)) throw error;
    for (const p of error.problems) process.stdout.write(`${formatProblem(p)}\n`);
    return 1;
  }
  const { ruleSet, problems } = loadRuleSet(ruleLoadOptions(loaded.config, configFile, loaded.rulesDir, systemClock));
  for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
  if (!ruleSet) return 1;
  process.stdout.write(`${configFile}: ok, ${ruleSet.healthModels.length} health models, ${ruleSet.metrics.length} metrics\n`);
  return 0;
}
