import type { NotifyEvent } from '../core/vocabulary';
import { liveState } from '../sla/clocks';
import { targetsOf } from '../sla/plan';
import type { IncidentRecord, NotificationPayload } from '../store/store';
import type { Locale } from './locales/locale';

/** A duration as messages show it: `1 d 2 h 5 min`; seconds only under an hour (`7 min 30 s`). */
export function formatDuration(ms: number, t: Locale): string {
  const u = t.sla.units;
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds === 0) return `0 ${u.s}`;
  const parts: [number, string][] =
    seconds < 3600
      ? [
          [Math.floor(seconds / 60), u.min],
          [seconds % 60, u.s],
        ]
      : [
          [Math.floor(seconds / 86_400), u.d],
          [Math.floor((seconds % 86_400) / 3600), u.h],
          [Math.round((seconds % 3600) / 60), u.min],
        ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
}

/**
 * The SLA fields of a message, as of `now`: when the response and the resolution are due and
 * how much time is left (or how overdue they are); none for an incident without SLA or clocks
 * that no longer run.
 */
export function slaFields(incident: IncidentRecord, now: number, t: Locale, formatTime: (ms: number) => string): { label: string; value: string }[] {
  if (incident.sla === null || incident.slaTerms === null || incident.status === 'resolved') return [];
  const s = liveState(incident.sla, targetsOf(incident.slaTerms, incident.priority), incident.status, now);
  const show = (due: number): string => {
    const left = due - now;
    const when = `${formatTime(due)} (${left >= 0 ? t.sla.left(formatDuration(left, t)) : t.sla.overdue(formatDuration(left, t))}${s.paused ? `, ${t.sla.paused}` : ''})`;
    return when;
  };
  const out: { label: string; value: string }[] = [];
  if (s.respondedAt === null && s.responseDueAt !== null) out.push({ label: t.sla.responseDue, value: show(s.responseDueAt) });
  if (s.resolutionDueAt !== null) out.push({ label: t.sla.resolutionDue, value: show(s.resolutionDueAt) });
  return out;
}

/**
 * Why a reminder, an escalation or a breach was sent: which step fired and what the clock says
 * ("not acknowledged 7 min 30 s after opening; SLA response 15 min, P1 critical"), and how late
 * it ran when the daemon was down. Null for other notifications.
 */
export function slaReason(event: NotifyEvent, incident: IncidentRecord, step: NotificationPayload['sla'] | undefined, t: Locale): string | null {
  if (!step || incident.slaTerms === null || !['reminder', 'escalated', 'sla_breached'].includes(event)) return null;
  const targets = incident.slaTerms.targets[incident.priority];
  const priority = t.priorities[incident.priority];
  const targetOf = (clock: string): number => (clock === 'response' ? targets.responseMs : targets.resolutionMs);
  const share = /^(\d+(?:\.\d+)?)%$/.exec(step.at);
  const elapsed = (clock: string): string => (share ? formatDuration((Number(share[1]) / 100) * targetOf(clock), t) : step.at);
  let reason: string;
  if (step.action === 'breach') {
    reason = step.clock === 'response' ? t.sla.responseBreached(formatDuration(targets.responseMs, t), priority) : t.sla.resolutionBreached(formatDuration(targets.resolutionMs, t), priority);
  } else if (step.clock === 'response') {
    reason = t.sla.notTakenInHand(elapsed('response'), formatDuration(targets.responseMs, t), priority);
  } else if (step.clock === 'resolution') {
    reason = t.sla.notResolved(elapsed('resolution'), formatDuration(targets.resolutionMs, t), priority);
  } else {
    reason = t.sla.quietSinceAcknowledged(step.at);
  }
  return step.lateSeconds >= 60 ? `${reason} (${t.sla.late(formatDuration(step.lateSeconds * 1000, t))})` : reason;
}
