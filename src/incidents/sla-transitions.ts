import { LINES } from '../core/vocabulary';
import type { Line } from '../core/vocabulary';
import type { IncidentRecord, TimelineEntry } from '../store/store';
import { NONE } from './commands';
import type { IncidentCommand, Notice, Transition } from './commands';

/**
 * What an SLA step or breach does when it comes due. `remind` tells the current line again;
 * `notify` tells the line it names; `escalate` moves the incident to the next line and tells it
 * (on L3 it stays there and tells L3 again); a breach tells the incident's line that a clock
 * passed its due time unmet. The timeline entry names the step (so it happens once), when it was
 * due and how late it ran. Nothing happens to a resolved, paused or suppressed incident. Pure.
 */
export function slaStepTransition(incident: IncidentRecord, command: Extract<IncidentCommand, { type: 'sla_step' }>, now: number): Transition {
  if (incident.status === 'resolved' || incident.pausedAt !== null || incident.suppressed !== null) return NONE;
  const { step } = command;
  const lateSeconds = Math.max(0, Math.round((now - step.dueAt) / 1000));
  const sla = { step: step.key, clock: step.clock, action: step.action, at: step.atText, dueAt: step.dueAt, lateSeconds };
  const detail = { ...sla, dueAt: new Date(step.dueAt).toISOString(), priority: incident.priority };
  const entry = (event: TimelineEntry['event'], extra: Record<string, unknown>): TimelineEntry => ({ at: now, event, actor: command.actor, detail: { ...detail, ...extra } });
  const tell = (event: Notice['event'], line: Line): Notice => ({ event, step: step.key, line, sla });
  const done = (timeline: TimelineEntry, notice: Notice, patch: Transition['patch'] = {}): Transition => ({ patch: { ...patch, updatedAt: now }, timeline: [timeline], notify: [notice], outcome: null, conflict: null });
  switch (step.action) {
    case 'remind':
      return done(entry('reminder', { line: incident.line }), tell('reminder', incident.line));
    case 'notify': {
      const line = step.line ?? incident.line;
      return done(entry('reminder', { line }), tell('reminder', line));
    }
    case 'escalate': {
      const to = LINES[Math.min(LINES.indexOf(incident.line) + 1, LINES.length - 1)]!;
      return done(entry('escalated', { from: incident.line, to }), tell('escalated', to), to === incident.line ? {} : { line: to });
    }
    case 'breach':
      return done(entry('sla_breached', { line: incident.line }), tell('sla_breached', incident.line));
  }
}
