import type { Clock } from '../core/clock';
import express from 'express';
import type { Router } from 'express';
import { AppError, ForbiddenError, NotFoundError } from '../core/errors';
import type { Actor } from '../core/vocabulary';
import type { ActionResult, CommandFor } from '../incidents/actions';
import { PERSON_ACTIONS } from '../incidents/state-machine';
import type { PersonCommand } from '../incidents/state-machine';
import { parsePersonCommand } from '../incidents/person-command-schema';
import type { People } from '../people/people';
import { personOf } from './api-access';
import { incidentJson } from './incident-view';
import { readBody } from './read-body';

const MAX_ACTION_BODY_BYTES = 64 * 1024;

/** Runs a person's command on an incident; app.ts gives it the store, the clock and the routing. */
export type RunAction = (incidentId: number, command: CommandFor) => Promise<ActionResult>;

/**
 * `POST /api/v1/incidents/{id}/{action}`: a person's action through the state machine. 200 with
 * the incident (also when nothing changed), 400 naming the bad field, 404 for an unknown incident,
 * 409 when the incident's state forbids the action. Without configured people (loopback only) the
 * actor is `local`.
 */
export function actionsRoute(deps: {
  people: People;
  runAction: RunAction;
  /** The channels that reach a customer's contacts; null for an unknown customer. */
  customerChannels: (customer: string) => readonly string[] | null;
  clock: Clock;
}): Router {
  const router = express.Router();
  router.post('/api/v1/incidents/:id/:action', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw new NotFoundError(`incident ${String(req.params.id).slice(0, 40)}`);
    const action = String(req.params.action);
    if (!(PERSON_ACTIONS as readonly string[]).includes(action)) {
      throw new AppError('invalid_action', `unknown action "${action.slice(0, 40)}"`, 400, [{ path: 'action', message: `must be one of ${PERSON_ACTIONS.join(', ')}` }]);
    }
    const type = action as PersonCommand['type'];
    const person = personOf(res);
    const actor: Actor = { type: 'person', name: person?.name ?? 'local' };
    const body = await jsonBody(req);
    const scope = person?.customer ?? null;
    const parse = (raw: unknown): PersonCommand => {
      const parsed = parsePersonCommand(type, raw, actor);
      if ('issues' in parsed) throw new AppError('invalid_body', `invalid ${type} body`, 400, parsed.issues);
      return parsed.command;
    };
    // Staff: the body is checked before the incident is read. A customer's person learns nothing
    // of an incident that is not its customer's (404) before anything else.
    const staffCommand = scope === null ? parse(body) : null;
    if (staffCommand?.type === 'assign' && deps.people.list().length > 0 && !deps.people.byName(staffCommand.assignee)) {
      throw new AppError('invalid_body', 'invalid assign body', 400, [{ path: 'assignee', message: `no person named "${staffCommand.assignee.slice(0, 64)}" is configured` }]);
    }
    // The checks that need the incident run on the unit's own read of it: one read, no race.
    const result = await deps.runAction(id, (incident) => {
      if (staffCommand === null) {
        // A customer's person may only comment, publicly, on its own customer's incidents.
        if (incident.customer !== scope) throw new NotFoundError(`incident ${id}`);
        if (type !== 'comment') throw new ForbiddenError('customer', 'responder');
        return parse(isObject(body) ? { ...body, public: true } : body);
      }
      // Staff telling a customer need a customer to tell.
      if (staffCommand.type === 'comment' && staffCommand.public === true) {
        if (incident.customer === null) throw new AppError('invalid_body', 'invalid comment body', 400, [{ path: 'public', message: 'the incident has no customer to tell' }]);
        const channels = deps.customerChannels(incident.customer);
        if (!channels || channels.length === 0) {
          throw new AppError('invalid_body', 'invalid comment body', 400, [{ path: 'public', message: `customer "${incident.customer}" has no channels to tell it by` }]);
        }
      }
      return staffCommand;
    });
    res.json(incidentJson(result.incident, deps.clock.now().getTime()));
  });
  return router;
}

function isObject(body: unknown): body is Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body);
}

/** The JSON object of a request body; an empty body is `{}`. */
export async function jsonBody(req: express.Request): Promise<unknown> {
  const raw = (await readBody(req, MAX_ACTION_BODY_BYTES)).toString('utf8').trim();
  if (raw === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new AppError('invalid_json', 'request body is not valid JSON', 400, { message: (error as Error).message });
  }
}
