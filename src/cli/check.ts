import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config';
import { systemClock } from '../core/clock';
import { FileProblemsError, formatProblem } from '../core/errors';
import type { FileProblem } from '../core/errors';
import { listRuleFiles, loadRuleFiles, loadRuleSet, ruleLoadOptions } from '../health-model/load-rules';
import { DEFAULT_CONFIG } from './options';

/**
 * `incident-bridge check [--config FILE] [--strict] [--format text|json] [PATHS...]`: validates
 * the config and every rule file of its rules directory, or the given files and directories
 * (in the order given; a directory's files in name order). Prints `FILE:LINE:COL: error: message`
 * or `FILE:LINE:COL: warning: message` per problem, or one JSON document with `--format json`.
 * Exit 1 on any error, and with `--strict` on any warning; else 0.
 */
export function runCheck(args: string[], out: NodeJS.WritableStream = process.stdout): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c', default: DEFAULT_CONFIG },
      strict: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
    },
    allowPositionals: true,
    strict: true,
  });
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new Error(`--format must be text or json, not "${format}"`);
  const configFile = values.config ?? DEFAULT_CONFIG;
  let problems: FileProblem[] = [];
  let counts = { healthModels: 0, metrics: 0 };
  let loaded;
  try {
    loaded = loadConfig(configFile);
  } catch (error) {
    if (!(error instanceof FileProblemsError)) throw error;
    problems = error.problems;
  }
  if (loaded) {
    const options = ruleLoadOptions(loaded.config, configFile, loaded.rulesDir, systemClock);
    const result = positionals.length > 0 ? loadRuleFiles(expandPaths(positionals), options) : loadRuleSet(options);
    // What would keep `serve` from starting is an error here too (an open API beyond loopback).
    problems = [...loaded.serveProblems, ...result.problems];
    if (result.ruleSet) counts = { healthModels: result.ruleSet.healthModels.length, metrics: result.ruleSet.metrics.length };
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const ok = errors === 0 && !(values.strict && warnings > 0);
  if (format === 'json') {
    out.write(`${JSON.stringify({ ok, errors, warnings, ...counts, problems }, null, 2)}\n`);
  } else {
    for (const p of problems) out.write(`${formatProblem(p)}\n`);
    if (errors === 0) out.write(`${configFile}: ${counts.healthModels} health models, ${counts.metrics} metrics, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  return ok ? 0 : 1;
}

/** Files stay as given; a directory stands for its rule files. A missing path is left for the loader to report. */
function expandPaths(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    try {
      return statSync(p).isDirectory() ? listRuleFiles(p) : [p];
    } catch {
      return [p];
    }
  });
}
