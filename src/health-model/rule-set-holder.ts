import type { RuleSet } from './rule-set';

/**
 * Holds the rules in force. A reader takes `current()` once per webhook, so it always sees one
 * complete rule set; `replace` swaps the reference atomically.
 */
export class RuleSetHolder {
  private ruleSet: RuleSet | null = null;

  /** The rules in force, or null before the first successful load. */
  current(): RuleSet | null {
    return this.ruleSet;
  }

  /** Puts a fully compiled rule set in force. */
  replace(ruleSet: RuleSet): void {
    this.ruleSet = ruleSet;
  }
}
