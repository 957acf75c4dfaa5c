import { parseArgs } from 'node:util';
import { formatRuleTestResults } from '../rule-tests/report';
import { runRuleTestFile } from '../rule-tests/run-rule-tests';
import type { RuleTestFileResult } from '../rule-tests/run-rule-tests';
import { DEFAULT_CONFIG } from './options';

/**
 * `incident-bridge test [--config FILE] FILES...`: runs rule test files through the real
 * pipeline on an in-memory store. Prints one line per test, the differences of each failure,
 * and a count; exit 1 when any test fails or a file cannot run.
 */
export async function runTest(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c', default: DEFAULT_CONFIG } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new Error('test needs at least one rule test file');
  const results: RuleTestFileResult[] = [];
  for (const file of positionals) results.push(await runRuleTestFile(file, { configFile: values.config ?? DEFAULT_CONFIG }));
  const report = formatRuleTestResults(results);
  out.write(report.text);
  return report.failed === 0 ? 0 : 1;
}
