import { formatProblem } from '../core/errors';
import type { RuleTestFileResult } from './run-rule-tests';

/**
 * Renders rule test results for a terminal: one line per test (`ok` or `FAIL` with the file,
 * the test and the step), each difference indented under its failure, and a closing count.
 * A file that cannot run (invalid YAML, config or rules) prints its FILE:LINE:COL problems and
 * counts as one failure.
 */
export function formatRuleTestResults(results: readonly RuleTestFileResult[]): { text: string; passed: number; failed: number } {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const result of results) {
    if (result.problems.length > 0) {
      failed++;
      lines.push(`FAIL ${result.file}: cannot run`);
      for (const p of result.problems) lines.push(`  ${formatProblem(p)}`);
      continue;
    }
    for (const test of result.tests) {
      if (test.passed) {
        passed++;
        lines.push(`ok   ${result.file}: ${test.name}`);
        continue;
      }
      failed++;
      const failure = test.failure!;
      lines.push(`FAIL ${result.file}: ${test.name}: step ${failure.step} (at ${failure.at})`);
      for (const line of failure.lines) lines.push(`  ${line}`);
    }
  }
  lines.push(`${passed} rule test${passed === 1 ? '' : 's'} passed, ${failed} failed`);
  return { text: `${lines.join('\n')}\n`, passed, failed };
}
