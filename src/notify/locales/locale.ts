import type { Category, Impact, IncidentStatus, NotifyEvent, Priority } from '../../core/vocabulary';

/** Every text a notification uses, in one language. */
export interface Locale {
  events: Record<NotifyEvent, string>;
  fields: {
    priority: string;
    impact: string;
    category: string;
    healthModel: string;
    metric: string;
    status: string;
    line: string;
    alerts: string;
    firing: string;
    opened: string;
    resolved: string;
    slaDue: string;
    runbook: string;
    lastTime: string;
    link: string;
    affected: string;
    more: (n: number) => string;
  };
  /** The SLA in messages: due times with the time left, and why a step or a breach was sent. */
  sla: {
    responseDue: string;
    resolutionDue: string;
    paused: string;
    left: (d: string) => string;
    overdue: (d: string) => string;
    /** A response step: not taken in hand `elapsed` after opening; the target and priority. */
    notTakenInHand: (elapsed: string, target: string, priority: string) => string;
    notResolved: (elapsed: string, target: string, priority: string) => string;
    quietSinceAcknowledged: (elapsed: string) => string;
    responseBreached: (target: string, priority: string) => string;
    resolutionBreached: (target: string, priority: string) => string;
    late: (d: string) => string;
    /** Durations: `1 d 2 h 5 min`. */
    units: { d: string; h: string; min: string; s: string };
  };
  priorities: Record<Priority, string>;
  impacts: Record<Impact, string>;
  categories: Record<Category, string>;
  statuses: Record<IncidentStatus, string>;
  alertStatuses: Record<'firing' | 'resolved', string>;
  /** What a customer is told: plain words, no labels, runbooks or staff names. */
  customer: {
    headline: Record<'opened' | 'update' | 'resolved', (id: number) => string>;
    intro: Record<'opened' | 'update' | 'resolved', string>;
    affected: string;
    impact: string;
    priority: string;
    status: string;
    opened: string;
    resolved: string;
    nextUpdateDue: string;
    resolutionDue: string;
    resolution: string;
    statuses: Record<IncidentStatus, string>;
  };
  /** Telegram's buttons, the answers to a press and the resolution prompt. */
  telegram: {
    acknowledge: string;
    escalate: string;
    resolve: string;
    acknowledgedBy: (name: string) => string;
    alreadyAcknowledgedBy: (name: string) => string;
    escalatedBy: (line: string, name: string) => string;
    askNote: string;
    resolvePrompt: (incidentId: number) => string;
    notePlaceholder: string;
    noteMissing: string;
    resolvedBy: (incidentId: number, name: string) => string;
    alreadyResolved: (incidentId: number) => string;
    notAllowed: string;
    invalidButton: string;
    notFound: (incidentId: number) => string;
    conflict: (reason: string) => string;
    failed: string;
  };
}
