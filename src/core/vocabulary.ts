/** Problem classes: fully unavailable, partly unavailable, works with defects. */
export const IMPACTS = ['full_outage', 'partial_outage', 'defect'] as const;
export type Impact = (typeof IMPACTS)[number];

/** Defect categories: network/capacity, application error, stale or wrong data, a neighbour's API. */
export const CATEGORIES = ['infrastructure', 'software', 'content', 'integration'] as const;
export type Category = (typeof CATEGORIES)[number];

/** P1 critical/blocking down to P4 low. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** How much the business depends on a health model; a row of the priority matrix. */
export const CRITICALITIES = ['high', 'medium', 'low'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

/** Support lines; an incident starts at L1. */
export const LINES = ['L1', 'L2', 'L3'] as const;
export type Line = (typeof LINES)[number];

/** Incident status: `resolved` by its alerts clearing or by a person. */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/**
 * Every event of an incident's life, by the name its timeline entry carries. The same names
 * label the events metric and the notifications (NOTIFY_EVENTS is the subset the support line hears).
 */
export const INCIDENT_EVENTS = [
  'opened',
  'alert_attached',
  'alert_resolved',
  'reopened',
  'resolve_scheduled',
  'resolved',
  'acknowledged',
  'assigned',
  'commented',
  'escalated',
  'paused',
  'resumed',
  'priority_changed',
  'reminder',
  'sla_breached',
  'flapping',
  'settled',
  'suppressed',
  'unsuppressed',
  'source_update',
  'notification_dead',
  'customer_notified',
] as const;
export type IncidentEventName = (typeof INCIDENT_EVENTS)[number];

/** The incident events the support line hears about through the notification channels. */
export const NOTIFY_EVENTS = ['opened', 'reopened', 'resolved', 'acknowledged', 'escalated', 'reminder', 'sla_breached', 'flapping', 'update'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** Who made a change: a configured person, the daemon itself (a worker, a clock) or a monitoring source. */
export const ACTOR_TYPES = ['person', 'system', 'source'] as const;
export interface Actor {
  type: (typeof ACTOR_TYPES)[number];
  name: string;
}

/**
 * What a person may do through the API: `viewer` reads, `responder` also acts on incidents,
 * `admin` also reloads rules and resends notifications; `customer` sees one customer's incidents.
 */
export const ROLES = ['viewer', 'responder', 'admin', 'customer'] as const;
export type Role = (typeof ROLES)[number];

/** The languages notifications come in. */
export const LOCALES = ['en', 'ru'] as const;
export type LocaleName = (typeof LOCALES)[number];

/** Why an incident pages nobody now: a maintenance window, a silence, or an inhibiting incident. */
export const SUPPRESSORS = ['maintenance', 'silence', 'inhibition'] as const;
export interface Suppression {
  by: (typeof SUPPRESSORS)[number];
  /** The window's name, the silence's id, or the inhibiting incident's key. */
  name: string;
}
