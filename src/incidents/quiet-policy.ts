import type { InhibitConfig } from '../config/schema';
import type { Category, Impact, Priority, Suppression } from '../core/vocabulary';
import type { IncidentRecord } from '../store/store';

/** Which incidents one side of an inhibit rule selects: each given field holds one of its values. */
export interface IncidentSelector {
  impact?: readonly Impact[];
  priority?: readonly Priority[];
  category?: readonly Category[];
}

/** An inhibit rule: an active incident selected by `when` mutes new ones selected by `mute` with the same `equal` fields. */
export interface InhibitRule {
  when: IncidentSelector;
  mute: IncidentSelector;
  equal: readonly ('healthModel' | 'customer' | 'category' | 'metric')[];
}

/** What ingest and the workers need to stay quiet when they should. */
export interface QuietPolicy {
  /** The maintenance window or silence in force at `now` that covers an alert, or null. */
  coverFor(labels: Readonly<Record<string, string>>, healthModel: string, now: number): Suppression | null;
  inhibit: readonly InhibitRule[];
}

const list = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T]);

/** The config's inhibit rules, compiled. */
export function compileInhibit(rules: readonly InhibitConfig[]): InhibitRule[] {
  const selector = (s: InhibitConfig['when']): IncidentSelector => {
    const out: IncidentSelector = {};
    const impact = list(s.impact);
    const priority = list(s.priority);
    const category = list(s.category);
    if (impact) out.impact = impact;
    if (priority) out.priority = priority;
    if (category) out.category = category;
    return out;
  };
  return rules.map((r) => ({ when: selector(r.when), mute: selector(r.mute), equal: r.equal }));
}

/** Whether a selector selects an incident. Pure. */
export function selects(s: IncidentSelector, i: Pick<IncidentRecord, 'impact' | 'priority' | 'category'>): boolean {
  return (!s.impact || s.impact.includes(i.impact)) && (!s.priority || s.priority.includes(i.priority)) && (!s.category || s.category.includes(i.category));
}

type Muted = Pick<IncidentRecord, 'impact' | 'priority' | 'category' | 'healthModel' | 'customer' | 'metric'>;

/**
 * The active incident that inhibits a new one under the rules, among the active incidents of its
 * health model, or null. An incident muted by inhibition itself inhibits nothing. Pure.
 */
export function inhibitorOf(rules: readonly InhibitRule[], incident: Muted, candidates: readonly IncidentRecord[]): IncidentRecord | null {
  for (const rule of rules) {
    if (!selects(rule.mute, incident)) continue;
    const found = candidates.find(
      (c) => c.status !== 'resolved' && c.suppressed?.by !== 'inhibition' && selects(rule.when, c) && !selects(rule.mute, c) && rule.equal.every((f) => c[f] === incident[f]),
    );
    if (found) return found;
  }
  return null;
}

/** Whether an incident is of a kind that may inhibit others (its resolve may release them). Pure. */
export function mayInhibit(rules: readonly InhibitRule[], incident: Pick<IncidentRecord, 'impact' | 'priority' | 'category'>): boolean {
  return rules.some((r) => selects(r.when, incident) && !selects(r.mute, incident));
}

/**
 * The impacts an inhibiting incident can have under the rules that could mute `incident`, so the
 * store reads only those; undefined when a rule selects its inhibitors by something else. Pure.
 */
export function inhibitorImpacts(rules: readonly InhibitRule[], incident: Pick<IncidentRecord, 'impact' | 'priority' | 'category'>): readonly Impact[] | undefined {
  const impacts = new Set<Impact>();
  for (const rule of rules) {
    if (!selects(rule.mute, incident)) continue;
    if (!rule.when.impact) return undefined;
    for (const i of rule.when.impact) impacts.add(i);
  }
  return [...impacts];
}
