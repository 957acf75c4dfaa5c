import type { Category, Criticality, Impact, Priority } from '../core/vocabulary';
import type { Matcher } from '../core/matcher';
import type { MessageTemplate } from './template';

/** A health model as the daemon uses it: its owners and criticality. */
export interface HealthModel {
  name: string;
  description: string;
  owner: string;
  responsible: { name: string; role?: string; contact?: string }[];
  criticality: Criticality;
  /** The customer whose application this is, or null. */
  customer: string | null;
  /** Its SLA and escalation policies: its own, else its customer's, else null (the config's default). */
  sla: string | null;
  escalation: string | null;
  file: string;
}

/** A compiled business metric, ready to match alerts. */
export interface CompiledMetric {
  healthModel: HealthModel;
  name: string;
  description: string;
  matchers: Matcher[];
  impact: Impact;
  category: Category;
  /** From the rule's override or else the config's matrix. */
  priority: Priority;
  title: MessageTemplate;
  summary: MessageTemplate;
  runbookUrl: MessageTemplate;
  groupBy: string[];
  autoResolve: { enabled: boolean; holdDownMs: number };
  /** Its flapping policy: `changes` state changes within `windowMs` (0 changes: never flapping). */
  flapping: { changes: number; windowMs: number };
  /** Where the metric is written, for explain and lint. */
  file: string;
  line: number;
}

/**
 * The immutable rules in force: metrics in matching order (files by name, then metrics as
 * written; the first match wins) and the fallback for alerts no health model claims.
 */
export interface RuleSet {
  healthModels: readonly HealthModel[];
  metrics: readonly CompiledMetric[];
  fallback: CompiledMetric;
  /** Takes alerts labelled `monitoring_gap` (no data, data source errors) that no metric claims by that label. */
  monitoringGap: CompiledMetric;
  loadedAt: Date;
}
