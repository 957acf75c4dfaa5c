import { ConflictError, NotFoundError } from '../core/errors';
import type { IncidentRecord, IncidentStore, IncidentTransaction } from '../store/store';
import type { PersonCommand } from './commands';
import { applyTransition } from './apply-transition';
import type { EngineContext } from './apply-transition';
import { transition } from './state-machine';

/**
 * A person's command, or how to build it from the incident as the unit reads it: the caller's
 * checks that depend on the incident (whose it is, whom it can tell) then run in the same unit,
 * on the same read, and a throw there changes nothing.
 */
export type CommandFor = PersonCommand | ((incident: IncidentRecord) => PersonCommand);

/** What a person's action did: the command, the incident as it is now, and whether anything changed. */
export interface ActionResult {
  command: PersonCommand;
  incident: IncidentRecord;
  changed: boolean;
  /** The status change it made, for the metrics: a resolve or a reopen by hand. */
  outcome: 'resolved' | 'reopened' | null;
}

/**
 * Applies one person's command inside the caller's unit of work: the state machine decides, and
 * the change, its timeline entry and its notifications are written to `tx`, so they commit with
 * whatever else the unit writes (a chat bot's update offset). Writes nothing before it throws:
 * NotFoundError for an unknown incident, ConflictError when its state forbids the command.
 */
export async function applyAction(tx: IncidentTransaction, incidentId: number, commandFor: CommandFor, now: number, ctx?: EngineContext): Promise<ActionResult> {
  const incident = await tx.findIncident(incidentId);
  if (!incident) throw new NotFoundError(`incident ${incidentId}`);
  const command = typeof commandFor === 'function' ? commandFor(incident) : commandFor;
  const t = transition(incident, command, now);
  if (t.conflict !== null) throw new ConflictError(t.conflict);
  if (t.timeline.length === 0) return { command, incident, changed: false, outcome: null };
  return { command, incident: await applyTransition(tx, incident, t, now, ctx), changed: true, outcome: t.outcome };
}

/**
 * Runs one person's command on an incident in one unit of work of its own (applyAction), which
 * has committed before this resolves. Actions on one incident apply one after the other (the
 * store serializes units), so of fifty concurrent acknowledges one changes the incident and the
 * others change nothing. Throws NotFoundError for an unknown incident and ConflictError when its
 * state forbids the command.
 */
export async function runAction(
  deps: { store: IncidentStore } & EngineContext,
  incidentId: number,
  command: CommandFor,
  now: number,
): Promise<ActionResult> {
  const [settled] = await deps.store.runBatch([(tx) => applyAction(tx, incidentId, command, now, deps)]);
  if (!settled!.ok) throw settled!.error;
  return settled!.value;
}
