import type { Locale } from './locale';

/** English texts of notifications. */
export const en: Locale = {
  events: {
    opened: 'Incident opened',
    reopened: 'Incident reopened',
    resolved: 'Incident resolved',
    acknowledged: 'Incident acknowledged',
    escalated: 'Incident escalated',
    reminder: 'Reminder: incident waiting',
    sla_breached: 'SLA breached',
    flapping: 'Incident flapping',
  },
  fields: {
    priority: 'Priority',
    impact: 'Impact',
    category: 'Category',
    healthModel: 'Health model',
    metric: 'Metric',
    status: 'Status',
    line: 'Line',
    alerts: 'Alerts',
    firing: 'firing',
    opened: 'Opened',
    resolved: 'Resolved',
    slaDue: 'SLA due',
    runbook: 'Runbook',
    lastTime: 'Last time',
    link: 'Incident',
    affected: 'Affected alerts',
    more: (n) => `and ${n} more`,
  },
  priorities: { P1: 'P1 critical', P2: 'P2 high', P3: 'P3 medium', P4: 'P4 low' },
  impacts: { full_outage: 'full outage', partial_outage: 'partial outage', defect: 'defect' },
  categories: { infrastructure: 'infrastructure', software: 'software', content: 'content', integration: 'integration' },
  statuses: { open: 'open', acknowledged: 'acknowledged', resolved: 'resolved' },
  alertStatuses: { firing: 'firing', resolved: 'resolved' },
};
