import { z } from 'zod';
import type { Issue } from '../core/errors';
import { LINES, PRIORITIES } from '../core/vocabulary';
import type { Actor } from '../core/vocabulary';
import type { PersonCommand } from './commands';

/** The longest note, comment or reason a person may write. */
export const MAX_NOTE_CHARS = 10_000;

const note = z.string().trim().min(1, 'must not be empty').max(MAX_NOTE_CHARS, `must be at most ${MAX_NOTE_CHARS} characters`);
const name = z.string().min(1).max(64);

/** The body of each action, as the contract gives it; unknown fields are ignored. */
const BODIES = {
  acknowledge: z.object({ note: note.optional() }),
  assign: z.object({ assignee: name, note: note.optional() }),
  comment: z.object({ note, public: z.boolean().optional() }),
  escalate: z.object({ line: z.enum(LINES, { message: `must be one of ${LINES.join(', ')}` }).optional(), note }),
  resolve: z.object({ note, public: z.boolean().optional() }),
  reopen: z.object({ note: note.optional() }),
  pause: z.object({ reason: note }),
  resume: z.object({ note: note.optional() }),
  prioritize: z.object({ priority: z.enum(PRIORITIES, { message: `must be one of ${PRIORITIES.join(', ')}` }), note }),
} as const satisfies Record<PersonCommand['type'], z.ZodType>;

/**
 * Builds a person's command from an action name and a plain body (an API request, a rule test's
 * `act:`, a chat button), or lists what is wrong with each field. Pure.
 */
export function parsePersonCommand(type: PersonCommand['type'], body: unknown, actor: Actor): { command: PersonCommand } | { issues: Issue[] } {
  const parsed = BODIES[type].safeParse(body ?? {});
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message })) };
  return { command: { ...(parsed.data as object), type, actor } as PersonCommand };
}
