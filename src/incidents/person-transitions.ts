import { createHash } from 'node:crypto';
import { LINES } from '../core/vocabulary';
import type { Line } from '../core/vocabulary';
import type { IncidentRecord, TimelineEntry } from '../store/store';
import { NONE, notice } from './commands';
import type { IncidentPatch, PersonCommand, Transition } from './commands';

/**
 * The person commands of the state machine. Each answers a conflict when the incident's state
 * forbids it, NONE when it would change nothing (acknowledge an acknowledged incident), or the
 * change with one timeline entry whose actor is the person. Pure.
 */
export function personTransition(incident: IncidentRecord, command: PersonCommand, now: number): Transition {
  const resolved = incident.status === 'resolved';
  const entry = (event: TimelineEntry['event'], detail: Record<string, unknown>): TimelineEntry => ({ at: now, event, actor: command.actor, detail: withoutUndefined(detail) });
  const change = (patch: IncidentPatch, e: TimelineEntry, notify: Transition['notify'] = []): Transition => ({
    patch: { ...patch, updatedAt: now },
    timeline: [e],
    notify,
    outcome: patch.status === 'resolved' ? 'resolved' : patch.status === 'open' && resolved ? 'reopened' : null,
    conflict: null,
  });
  const by = command.actor.name;
  switch (command.type) {
    case 'acknowledge':
      if (resolved) return conflict('a resolved incident cannot be acknowledged; reopen it first');
      if (incident.status === 'acknowledged') return NONE;
      return change(
        { status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: by, assignee: incident.assignee ?? by },
        entry('acknowledged', { note: command.note }),
        [notice('acknowledged')],
      );
    case 'assign':
      if (resolved) return conflict('a resolved incident cannot be assigned; reopen it first');
      if (incident.assignee === command.assignee) return NONE;
      return change({ assignee: command.assignee }, entry('assigned', { assignee: command.assignee, previous: incident.assignee, note: command.note }));
    case 'comment': {
      const told = command.public === true;
      // Each public comment is its own `update` to the customer: its step tells two apart.
      const notify = told ? [notice('update', `${now}-${createHash('sha256').update(command.note).digest('hex').slice(0, 8)}`, command.note)] : [];
      return change({}, entry('commented', { note: command.note, public: told }), notify);
    }
    case 'escalate':
      return escalate(incident, command, change, entry);
    case 'resolve':
      if (resolved) return NONE;
      return change(
        // The reopen window counts from the resolve when alerts still fire: a new firing soon after reopens it.
        {
          status: 'resolved',
          resolvedAt: now,
          resolvedBy: by,
          resolutionNote: command.note,
          resolutionPublic: command.public === true,
          resolveDueAt: null,
          pausedAt: null,
          endedAt: incident.endedAt ?? now,
        },
        entry('resolved', { cause: 'resolved by a person', note: command.note, public: command.public === true, firingAlerts: incident.firingCount }),
        [notice('resolved')],
      );
    case 'reopen':
      if (!resolved) return NONE;
      return change(
        // A person's reopen is an ordinary incident again, whatever covered it before it resolved.
        { status: 'open', resolvedAt: null, resolvedBy: null, resolutionNote: null, acknowledgedAt: null, acknowledgedBy: null, reopenCount: incident.reopenCount + 1, suppressed: null, paged: true },
        entry('reopened', { note: command.note }),
        [notice('reopened')],
      );
    case 'pause':
      if (resolved) return conflict('a resolved incident has no clock to pause');
      if (incident.pausedAt !== null) return NONE;
      return change({ pausedAt: now }, entry('paused', { reason: command.reason }));
    case 'resume':
      if (incident.pausedAt === null) return NONE;
      return change({ pausedAt: null }, entry('resumed', { note: command.note, pausedSeconds: Math.round((now - incident.pausedAt) / 1000) }));
    case 'prioritize':
      if (resolved) return conflict('a resolved incident keeps its priority; reopen it first');
      if (incident.priority === command.priority) return NONE;
      return change({ priority: command.priority }, entry('priority_changed', { from: incident.priority, to: command.priority, note: command.note }));
  }
}

function escalate(
  incident: IncidentRecord,
  command: Extract<PersonCommand, { type: 'escalate' }>,
  change: (patch: IncidentPatch, e: TimelineEntry, notify: Transition['notify']) => Transition,
  entry: (event: TimelineEntry['event'], detail: Record<string, unknown>) => TimelineEntry,
): Transition {
  if (incident.status === 'resolved') return conflict('a resolved incident cannot be escalated; reopen it first');
  const current = LINES.indexOf(incident.line);
  const target: Line | undefined = command.line ?? LINES[current + 1];
  if (target === undefined) return conflict(`the incident is already on ${incident.line}, the last line`);
  if (target === incident.line) return NONE;
  if (LINES.indexOf(target) < current) return conflict(`the incident is on ${incident.line}; escalation only moves up`);
  return change({ line: target }, entry('escalated', { from: incident.line, to: target, note: command.note }), [notice('escalated', target)]);
}

function conflict(reason: string): Transition {
  return { ...NONE, conflict: reason };
}

function withoutUndefined(detail: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(detail).filter(([, v]) => v !== undefined));
}
