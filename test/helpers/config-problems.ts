import { parseConfig } from '../../src/config/load-config';
import { FileProblemsError, formatProblem } from '../../src/core/errors';

/** The FILE:LINE:COL problems of a config text named `ib.yaml`; empty when it is valid. */
export function configProblems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig('ib.yaml', text, {}, env);
  } catch (error) {
    if (error instanceof FileProblemsError) return error.problems.map(formatProblem);
    throw error;
  }
  return [];
}

/** Like configProblems, for a text that must be rejected: a valid one fails the test. */
export function rejectedConfig(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  const found = configProblems(text, env);
  if (found.length === 0) throw new Error('expected the config to be rejected');
  return found;
}
