/**
 * Alertmanager matchers moved to `core/matcher.ts`, below config, so the config can check the
 * matchers it holds (maintenance windows); this keeps the health model's import path working.
 */
export { MatcherSyntaxError, matches, matchesAll, parseMatchers } from '../core/matcher';
export type { MatchOp, Matcher } from '../core/matcher';
