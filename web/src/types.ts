/** The API's JSON, as far as the console reads it. */

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export type Status = 'open' | 'acknowledged' | 'resolved';
export type Role = 'viewer' | 'responder' | 'admin' | 'customer';

export interface Sla {
  policy: string;
  responseDueAt: string | null;
  respondedAt: string | null;
  responseBreached: boolean;
  resolutionDueAt: string | null;
  resolutionBreached: boolean;
  paused: boolean;
  pausedSeconds: number;
}

export interface Incident {
  id: number;
  status: Status;
  priority: Priority;
  impact: string;
  category: string;
  healthModel: string;
  metric: string;
  customer: string | null;
  title: string;
  summary?: string;
  runbookUrl?: string | null;
  line?: string;
  assignee?: string | null;
  acknowledgedBy?: string | null;
  resolvedBy?: string | null;
  resolutionNote?: string | null;
  paused?: boolean;
  sla: Sla | null;
  suppressed?: { by: string; name: string } | null;
  flapping?: boolean;
  alertCount: number;
  firingCount: number;
  deliveryCount?: number;
  reopenCount?: number;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  updatedAt?: string;
}

export interface TimelineEntry {
  id: number;
  at: string;
  event: string;
  actor: { type: string; name: string };
  detail: Record<string, unknown>;
}

export interface AlertJson {
  source: string;
  fingerprint: string;
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string | null;
  endsAt: string | null;
  generatorURL?: string | null;
  deliveryCount: number;
  lastReceivedAt: string | null;
}

export interface NotificationJson {
  id: number;
  event: string;
  channel: string;
  step: string | null;
  state: 'pending' | 'retrying' | 'sent' | 'dead';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface Resolution {
  incidentId: number;
  title: string;
  resolutionNote: string;
  resolvedBy: string | null;
  resolvedAt: string;
  durationSeconds: number;
}

export interface IncidentDetail extends Incident {
  alerts: AlertJson[];
  timeline: TimelineEntry[];
  notifications?: NotificationJson[];
  similar?: Resolution[];
}

export interface Person {
  name: string | null;
  displayName: string | null;
  role: Role | null;
  lines: string[];
  customer: string | null;
  csrfToken?: string;
}
