/** Problem classes, from DESIGN.md: fully unavailable, partly unavailable, works with defects. */
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

/** The incident events the support line hears about. */
export const NOTIFY_EVENTS = ['opened', 'reopened', 'resolved', 'acknowledged', 'escalated'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** The languages notifications come in. */
export const LOCALES = ['en', 'ru'] as const;
export type LocaleName = (typeof LOCALES)[number];
