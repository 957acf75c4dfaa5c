import type { Issue } from '../core/errors';
import { MatcherSyntaxError, matchesAll, parseMatchers } from '../core/matcher';
import type { Matcher } from '../core/matcher';
import { timestamp } from '../sources/payload-fields';
import type { SilenceRecord } from '../store/store';
import { MAX_NOTE_CHARS } from './person-command-schema';

/** What a person asks for when creating a silence, checked; times are epoch milliseconds. */
export interface SilenceSpec {
  /** The matcher texts as written (a single text becomes a list of one). */
  matchers: string[];
  startsAt: number;
  endsAt: number;
  comment: string;
}

/** Where a silence stands at a moment: not started yet, in force, or over (by its time or a DELETE). */
export type SilenceStatus = 'active' | 'pending' | 'expired';

/**
 * The matchers of a silence as one list, all of which must match an alert's labels for the
 * silence to cover it (each text may hold several). Throws MatcherSyntaxError.
 */
export function silenceMatchers(texts: readonly string[]): Matcher[] {
  return texts.flatMap((text) => parseMatchers(text));
}

/** `pending` before startsAt, `active` from it, `expired` from endsAt on. */
export function silenceStatus(s: Pick<SilenceRecord, 'startsAt' | 'endsAt'>, nowMs: number): SilenceStatus {
  if (s.endsAt <= nowMs) return 'expired';
  return s.startsAt > nowMs ? 'pending' : 'active';
}

const TIME_FORMAT = 'must be an ISO 8601 time with an offset, e.g. 2026-05-04T18:00:00Z';

/**
 * Checks the body of `POST /api/v1/silences` (`{matchers, startsAt?, endsAt, comment, force?}`)
 * at `nowMs`, or lists what is wrong with each field. `matchers` is a matcher text or a list of
 * them; a silence whose matchers all match an alert without labels would cover every alert and
 * needs `force: true`. `startsAt` defaults to now, and one in the past starts now; `endsAt` must
 * be later than both. Unknown fields are ignored. Pure.
 */
export function parseSilenceSpec(body: unknown, nowMs: number): { spec: SilenceSpec } | { issues: Issue[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { issues: [{ path: '(body)', message: 'expected a JSON object' }] };
  const b = body as Record<string, unknown>;
  const issues: Issue[] = [];
  const matchers = checkMatchers(b.matchers, b.force, issues);
  const startsAt = b.startsAt === undefined || b.startsAt === null ? nowMs : time(b.startsAt, 'startsAt', issues);
  let endsAt: number | null = null;
  if (b.endsAt === undefined || b.endsAt === null) issues.push({ path: 'endsAt', message: 'is required' });
  else endsAt = time(b.endsAt, 'endsAt', issues);
  // A start in the past is now, as in Alertmanager: the silence cannot cover what was.
  const start = startsAt === null ? null : Math.max(startsAt, nowMs);
  if (endsAt !== null && endsAt <= nowMs) issues.push({ path: 'endsAt', message: 'must be in the future' });
  else if (endsAt !== null && start !== null && endsAt <= start) issues.push({ path: 'endsAt', message: 'must be after startsAt' });
  const comment = checkComment(b.comment, issues);
  if (issues.length > 0 || matchers === null || start === null || endsAt === null || comment === null) return { issues };
  return { spec: { matchers, startsAt: start, endsAt, comment } };
}

function checkMatchers(value: unknown, force: unknown, issues: Issue[]): string[] | null {
  if (force !== undefined && typeof force !== 'boolean') issues.push({ path: 'force', message: 'must be true or false' });
  if (value === undefined || value === null) {
    issues.push({ path: 'matchers', message: 'is required: at least one matcher, e.g. ["alertname=\\"DiskFull\\""]' });
    return null;
  }
  const single = typeof value === 'string';
  if (!single && !Array.isArray(value)) {
    issues.push({ path: 'matchers', message: 'must be a matcher text or a list of them' });
    return null;
  }
  const texts: unknown[] = single ? [value] : (value as unknown[]);
  if (texts.length === 0) {
    issues.push({ path: 'matchers', message: 'must hold at least one matcher' });
    return null;
  }
  const parsed: Matcher[] = [];
  let bad = false;
  texts.forEach((text, i) => {
    const path = single ? 'matchers' : `matchers[${i}]`;
    if (typeof text !== 'string') {
      issues.push({ path, message: 'must be a matcher text' });
      bad = true;
      return;
    }
    if (text.trim() === '') {
      issues.push({ path, message: 'must not be empty' });
      bad = true;
      return;
    }
    try {
      parsed.push(...parseMatchers(text));
    } catch (error) {
      if (!(error instanceof MatcherSyntaxError)) throw error;
      issues.push({ path, message: `${error.message} (at character ${error.offset + 1})` });
      bad = true;
    }
  });
  if (bad) return null;
  // A missing label matches as the empty string: matchers that all match an empty label set match every alert.
  if (matchesAll(parsed, {}) && force !== true) {
    issues.push({ path: 'matchers', message: 'every matcher matches an alert without labels, so the silence would cover every alert; send "force": true to create it anyway' });
    return null;
  }
  return texts as string[];
}

function time(value: unknown, path: string, issues: Issue[]): number | null {
  const parsed = typeof value === 'string' ? timestamp.safeParse(value) : null;
  if (parsed?.success) return parsed.data;
  issues.push({ path, message: TIME_FORMAT });
  return null;
}

function checkComment(value: unknown, issues: Issue[]): string | null {
  if (value === undefined || value === null) {
    issues.push({ path: 'comment', message: 'is required' });
    return null;
  }
  if (typeof value !== 'string') {
    issues.push({ path: 'comment', message: 'must be a text' });
    return null;
  }
  const comment = value.trim();
  if (comment === '') issues.push({ path: 'comment', message: 'must not be empty' });
  else if (comment.length > MAX_NOTE_CHARS) issues.push({ path: 'comment', message: `must be at most ${MAX_NOTE_CHARS} characters` });
  else return comment;
  return null;
}
