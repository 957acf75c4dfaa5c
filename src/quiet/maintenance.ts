import { parseRecurrence } from '../config/recurrence';
import type { MaintenanceConfig } from '../config/schema';
import { localToMillis, parseLocalDateTime } from '../core/local-time';
import { matchesAll, parseMatchers } from '../core/matcher';
import type { Matcher } from '../core/matcher';
import { Occurrences } from './occurrences';
import type { Occurrence } from './occurrences';

export type { Occurrence };

/** When a window is in force: once, between two instants, or at each occurrence of a rule. */
export type MaintenanceSchedule =
  | { readonly kind: 'once'; readonly startMs: number; readonly endMs: number }
  | {
      readonly kind: 'recurring';
      /** The RRULE as the config wrote it, in local time of the window's zone. */
      readonly rrule: string;
      readonly durationMs: number;
      readonly occurrences: Occurrences;
    };

/** A compiled maintenance window: what it covers and when. */
export interface MaintenanceWindow {
  readonly name: string;
  /** Every matcher of every `matchers` string; empty when the window names none. */
  readonly matchers: readonly Matcher[];
  /** The `matchers` strings as the config wrote them. */
  readonly matcherTexts: readonly string[];
  readonly healthModels: ReadonlySet<string>;
  /** The IANA zone its local times are in. */
  readonly timezone: string;
  readonly schedule: MaintenanceSchedule;
}

/**
 * Compiles the config's `maintenance` section, in its order. Local times become instants in each
 * window's zone (a time a clock skips moves forward by the change; a time it shows twice is the
 * first). Expects a section maintenanceProblems found nothing wrong with: throws on a matcher,
 * time or rule it would have reported.
 */
export function compileMaintenance(config: readonly MaintenanceConfig[]): MaintenanceWindow[] {
  return config.map((c) => ({
    name: c.name,
    matchers: c.matchers.flatMap((text) => parseMatchers(text)),
    matcherTexts: [...c.matchers],
    healthModels: new Set(c.healthModels),
    timezone: c.timezone,
    schedule: compileSchedule(c),
  }));
}

function compileSchedule(c: MaintenanceConfig): MaintenanceSchedule {
  if (c.rrule !== undefined && c.duration !== undefined) {
    const parsed = parseRecurrence(c.rrule);
    if ('error' in parsed) throw new Error(`maintenance window "${c.name}": rrule: ${parsed.error}`);
    return { kind: 'recurring', rrule: c.rrule, durationMs: c.duration, occurrences: new Occurrences(parsed.rule, c.duration, c.timezone) };
  }
  const start = parseLocalDateTime(c.start ?? '');
  const end = parseLocalDateTime(c.end ?? '');
  if (!start || !end) throw new Error(`maintenance window "${c.name}": needs start and end, or rrule and duration`);
  return { kind: 'once', startMs: localToMillis(start, c.timezone), endMs: localToMillis(end, c.timezone) };
}

/** The occurrence of the window in force at `ms` (epoch ms; start inclusive, end exclusive), or null. */
export function occurrenceAt(w: MaintenanceWindow, ms: number): Occurrence | null {
  const s = w.schedule;
  if (s.kind === 'once') return s.startMs <= ms && ms < s.endMs ? { startMs: s.startMs, endMs: s.endMs } : null;
  return s.occurrences.at(ms);
}

/** The occurrence of the window that starts next after `ms`, or null when none is to come. */
export function nextOccurrence(w: MaintenanceWindow, ms: number): Occurrence | null {
  const s = w.schedule;
  if (s.kind === 'once') return s.startMs > ms ? { startMs: s.startMs, endMs: s.endMs } : null;
  const start = s.occurrences.nextStart(ms);
  return start === null ? null : { startMs: start, endMs: start + s.durationMs };
}

/** Whether the window is in force at `ms` (epoch ms; start inclusive, end exclusive). */
export function inForce(w: MaintenanceWindow, ms: number): boolean {
  return occurrenceAt(w, ms) !== null;
}

/**
 * Whether the window covers an alert. With matchers only: the labels satisfy them all (a missing
 * label is the empty string, as in Alertmanager). With healthModels only: the alert's health
 * model is one of them. With both: the alert must satisfy both, so `datacenter="msk-1"` with
 * `[shop-infrastructure]` covers that health model's alerts from msk-1 and nothing else.
 *
 * Both, not either: a window that covers more than was meant silences real pages, one that covers
 * less pages someone, so the narrower reading fails the safe way; and the union stays easy to
 * write as two windows with the same times, while the intersection (one health model on one
 * host) could not be written at all. A window with neither covers nothing.
 */
export function covers(w: MaintenanceWindow, labels: Readonly<Record<string, string>>, healthModel: string | null): boolean {
  if (w.matchers.length === 0 && w.healthModels.size === 0) return false;
  if (w.healthModels.size > 0 && (healthModel === null || !w.healthModels.has(healthModel))) return false;
  return matchesAll(w.matchers, labels);
}

/** The first window, in config order, in force at `ms` that covers the alert, or null. */
export function coveringWindow(
  windows: readonly MaintenanceWindow[],
  labels: Readonly<Record<string, string>>,
  healthModel: string | null,
  ms: number,
): MaintenanceWindow | null {
  // covers() first: a set lookup or a matcher rejects most alerts before any time arithmetic.
  for (const w of windows) if (covers(w, labels, healthModel) && inForce(w, ms)) return w;
  return null;
}

/**
 * The next moment strictly after `afterMs` (epoch ms) at which any window comes into force or
 * goes out of it, or null when none will (a recurring window looks ten years ahead). Occurrences
 * of one window that overlap or touch are one stretch in force: its edges are the stretch's. A
 * recurring window in force without a break for weeks may report an edge where it stays in force
 * (never one after a real edge): whoever acts on edges re-checks inForce there and asks again.
 */
export function nextEdge(windows: readonly MaintenanceWindow[], afterMs: number): number | null {
  let best: number | null = null;
  for (const w of windows) {
    const edge = windowEdge(w, afterMs);
    if (edge !== null && (best === null || edge < best)) best = edge;
  }
  return best;
}

function windowEdge(w: MaintenanceWindow, afterMs: number): number | null {
  const s = w.schedule;
  if (s.kind === 'once') return afterMs < s.startMs ? s.startMs : afterMs < s.endMs ? s.endMs : null;
  return s.occurrences.stretchEnd(afterMs) ?? s.occurrences.nextStart(afterMs);
}
