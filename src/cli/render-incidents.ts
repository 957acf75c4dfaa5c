import type { SlaJson } from '../sla/view';
/** The fields of an incident in the API's JSON that the command line shows. */
export interface IncidentJson {
  id: number;
  status: string;
  priority: string;
  impact?: string;
  category?: string;
  healthModel: string;
  metric: string;
  title: string;
  summary?: string | null;
  runbookUrl?: string | null;
  line?: string;
  assignee?: string | null;
  acknowledgedBy?: string | null;
  resolvedBy?: string | null;
  resolutionNote?: string | null;
  paused?: boolean;
  pausedAt?: string | null;
  alertCount?: number;
  firingCount?: number;
  deliveryCount?: number;
  reopenCount?: number;
  openedAt: string;
  acknowledgedAt?: string | null;
  resolvedAt?: string | null;
  sla?: SlaJson | null;
}

/** `GET /api/v1/incidents/{id}`: the incident with its alerts, timeline and past resolutions of its metric. */
export interface IncidentDetailJson extends IncidentJson {
  alerts?: { source: string; fingerprint: string; status: string; labels: Record<string, string>; startsAt: string | null; endsAt: string | null }[];
  timeline?: { at: string; event: string; actor: { type: string; name: string }; detail: Record<string, unknown> | null }[];
  similar?: { incidentId: number; resolutionNote: string | null; resolvedBy: string | null; resolvedAt: string; durationSeconds: number }[];
}

/** Width of the title column when the terminal's width is unknown (output to a pipe or a file). */
const DEFAULT_TITLE_CHARS = 60;
const MIN_TITLE_CHARS = 20;

/**
 * The incidents as a table for a person: id, status, priority, line, assignee, age, health
 * model/metric and the title, cut to fit `columns` (the terminal's width) or to 60 characters.
 */
export function renderIncidentTable(incidents: readonly IncidentJson[], nowMs: number, columns?: number): string {
  if (incidents.length === 0) return 'no incidents\n';
  const header = ['ID', 'STATUS', 'PRI', 'LINE', 'ASSIGNEE', 'AGE', 'HEALTH MODEL/METRIC'];
  const rows = incidents.map((i) => [String(i.id), statusText(i), i.priority, i.line ?? '-', i.assignee ?? '-', age(nowMs - Date.parse(i.openedAt)), `${i.healthModel}/${i.metric}`].map(clean));
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const used = widths.reduce((sum, w) => sum + w + 2, 0);
  const titleChars = columns ? Math.max(MIN_TITLE_CHARS, columns - used) : DEFAULT_TITLE_CHARS;
  const line = (cells: string[], title: string) => `${cells.map((c, k) => c.padEnd(widths[k] as number)).join('  ')}  ${truncate(title, titleChars)}`.trimEnd();
  return `${[line(header, 'TITLE'), ...rows.map((r, k) => line(r, clean((incidents[k] as IncidentJson).title)))].join('\n')}\n`;
}

/** One line after an action: `incident 12 acknowledged (P2, L1, assignee anna, paused): title`. */
export function renderIncidentSummary(i: IncidentJson): string {
  const facts = [i.priority, i.line, i.assignee ? `assignee ${i.assignee}` : null, i.paused ? 'paused' : null].filter((f): f is string => typeof f === 'string');
  return `${clean(`incident ${i.id} ${i.status}${i.resolvedBy ? ` by ${i.resolvedBy}` : ''} (${facts.join(', ')}): ${i.title}`)}\n`;
}

/** Everything about one incident for a person: its fields, alerts, timeline (UTC) and past resolutions of its metric. */
export function renderIncidentDetail(d: IncidentDetailJson, nowMs: number): string {
  const out: string[] = [clean(`incident ${d.id}: ${d.title}`)];
  const field = (name: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') out.push(`  ${name.padEnd(14)}${clean(value)}`);
  };
  field('status', statusText(d) + (d.pausedAt ? ` since ${time(d.pausedAt)}` : ''));
  field('priority', [d.priority, d.impact && `impact ${d.impact}`, d.category && `category ${d.category}`].filter(Boolean).join(', '));
  field('health model', `${d.healthModel}, metric ${d.metric}`);
  field('line', d.line);
  field('assignee', d.assignee ?? '-');
  field('opened', `${time(d.openedAt)} (${age(nowMs - Date.parse(d.openedAt))} ago)`);
  if (d.acknowledgedAt) field('acknowledged', `${time(d.acknowledgedAt)}${d.acknowledgedBy ? ` by ${d.acknowledgedBy}` : ''}`);
  if (d.resolvedAt) field('resolved', `${time(d.resolvedAt)}${d.resolvedBy ? ` by ${d.resolvedBy}` : ''}`);
  field('resolution', d.resolutionNote);
  if (d.sla) {
    const clock = (due: string | null, met: string | null, breached: boolean): string => {
      if (due === null) return 'none (resolved before anyone took it in hand)';
      const when = `due ${time(due)}`;
      if (met !== null) return `${when}, met ${time(met)}${breached ? ' (late: breached)' : ''}`;
      const left = Date.parse(due) - nowMs;
      return `${when} (${breached || left < 0 ? `BREACHED, ${age(-left)} over` : `${age(left)} left`})`;
    };
    field('sla', `${d.sla.policy}${d.sla.paused ? ', paused' : ''}${d.sla.pausedSeconds > 0 ? `, ${age(d.sla.pausedSeconds * 1000)} paused in all` : ''}`);
    field('  response', clock(d.sla.responseDueAt, d.sla.respondedAt, d.sla.responseBreached));
    field('  resolution', clock(d.sla.resolutionDueAt, d.resolvedAt ?? null, d.sla.resolutionBreached));
  }
  if (d.alertCount !== undefined) field('alerts', `${d.alertCount} (${d.firingCount ?? 0} firing), ${d.deliveryCount ?? 0} deliveries, reopened ${d.reopenCount ?? 0} times`);
  field('summary', d.summary);
  field('runbook', d.runbookUrl);

  const alerts = d.alerts ?? [];
  out.push('', `alerts (${alerts.length})`);
  out.push(...table(['STATUS', 'SOURCE', 'ALERTNAME', 'STARTS', 'ENDS', 'LABELS'], alerts.map((a) => {
    const { alertname, ...labels } = a.labels;
    const rest = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(' ');
    return [a.status, a.source, alertname ?? '-', time(a.startsAt), time(a.endsAt), truncate(rest, DEFAULT_TITLE_CHARS)];
  })));

  const timeline = d.timeline ?? [];
  out.push('', `timeline (${timeline.length}, UTC)`);
  out.push(...table(['TIME', 'EVENT', 'ACTOR', 'NOTE'], timeline.map((t) => [time(t.at), t.event, `${t.actor.type} ${t.actor.name}`, describeEntry(t.event, t.detail ?? {})])));

  const similar = d.similar ?? [];
  if (similar.length > 0) {
    out.push('', 'similar resolutions (the last of this metric)');
    for (const s of similar) out.push(clean(`  #${s.incidentId} resolved ${time(s.resolvedAt)} by ${s.resolvedBy ?? '-'} after ${age(s.durationSeconds * 1000)}: ${s.resolutionNote ?? '-'}`));
  }
  return `${out.join('\n')}\n`;
}

/** ", 2m late" when an SLA step ran late (after downtime), else nothing. */
function lateText(detail: Record<string, unknown>): string {
  const late = typeof detail.lateSeconds === 'number' ? detail.lateSeconds : 0;
  return late >= 1 ? `, ${age(late * 1000)} late` : '';
}

/** What a timeline entry says in a few words: the person's note, or what changed, or the alert that caused it. */
function describeEntry(event: string, detail: Record<string, unknown>): string {
  const s = (key: string): string | null => (typeof detail[key] === 'string' ? (detail[key] as string) : null);
  const note = s('note') ?? s('reason');
  const withNote = (what: string) => (note ? `${what}: ${note}` : what);
  if (event === 'assigned') return withNote(`to ${s('assignee') ?? '?'}`);
  if (event === 'escalated') return withNote(`${s('from') ?? '?'} -> ${s('to') ?? '?'}${s('step') ? ` (SLA step ${s('step')}${lateText(detail)})` : ''}`);
  if (event === 'reminder') return `to ${s('line') ?? '?'} (SLA step ${s('step') ?? '?'}${lateText(detail)})`;
  if (event === 'sla_breached') return `${s('clock') ?? '?'} due ${s('dueAt') ? time(s('dueAt')) : '?'} passed unmet${lateText(detail)}`;
  if (event === 'priority_changed') return withNote(`${s('from') ?? '?'} -> ${s('to') ?? '?'}`);
  if (note) return note;
  const alertname = s('alertname');
  if (alertname) return `${alertname}${s('fingerprint') ? ` (${s('fingerprint')})` : ''}`;
  return s('cause') ?? '';
}

function statusText(i: IncidentJson): string {
  return i.paused ? `${i.status} (paused)` : i.status;
}

/** `2026-05-04 10:01:00 UTC`; `-` for none. */
function time(iso: string | null | undefined): string {
  if (!iso) return '-';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A duration in its largest whole unit: `45s`, `12m`, `3h`, `2d`. */
function age(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['  (none)'];
  const cleaned = rows.map((r) => r.map(clean));
  const widths = header.map((h, c) => Math.max(h.length, ...cleaned.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, k) => (k === cells.length - 1 ? c : c.padEnd(widths[k] as number))).join('  ')}`.trimEnd();
  return [line(header), ...cleaned.map(line)];
}

/** The text cut to `chars` characters, ending in `…` when cut. */
export function truncate(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

/**
 * One line of plain text: control characters (an escape sequence in an alert's annotation could
 * rewrite the terminal) and line breaks become spaces.
 */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}
