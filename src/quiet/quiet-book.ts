import type { Suppression } from '../core/vocabulary';
import { matchesAll, parseMatchers } from '../core/matcher';
import type { Matcher } from '../core/matcher';
import { coveringWindow, inForce, nextEdge } from './maintenance';
import type { MaintenanceWindow } from './maintenance';

/** A silence as the covers need it: its matchers (Alertmanager syntax) and when it is in force. */
export interface SilenceCover {
  id: string;
  matchers: readonly string[];
  startsAt: number;
  endsAt: number;
}

interface CompiledSilence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
}

/**
 * What covers alerts now: the config's maintenance windows and the silences not yet ended
 * (kept in memory, replaced whenever a silence is created, expired or deleted). Answers per
 * alert without touching the store, so ingest pays nothing when nothing is in force.
 */
export class QuietBook {
  private silences: CompiledSilence[] = [];
  /**
   * The silences by one of their equality matchers (label name, then value), so an alert is
   * checked only against silences whose label it carries with that value; `unindexed` holds the
   * silences with no equality matcher, checked for every alert.
   */
  private byLabel = new Map<string, Map<string, CompiledSilence[]>>();
  private unindexed: CompiledSilence[] = [];

  constructor(private readonly windows: readonly MaintenanceWindow[]) {}

  /** Whether any maintenance window or silence is in force at `now`. */
  anyInForce(now: number): boolean {
    return this.windows.some((w) => inForce(w, now)) || this.silences.some((s) => s.startsAt <= now && now < s.endsAt);
  }

  /** What ingest and the workers ask of the covers, bound to this book (a QuietPolicy without its inhibit rules). */
  covers(): Pick<QuietBook, 'coverFor' | 'nextEdge' | 'anyInForce'> {
    return { coverFor: this.coverFor.bind(this), nextEdge: this.nextEdge.bind(this), anyInForce: this.anyInForce.bind(this) };
  }

  /** The config's maintenance windows, in its order. */
  maintenanceWindows(): readonly MaintenanceWindow[] {
    return this.windows;
  }

  /** Replaces the silences (every silence not ended yet: in force or pending). */
  setSilences(silences: readonly SilenceCover[]): void {
    this.silences = silences.map((s) => ({ id: s.id, matchers: s.matchers.flatMap((m) => parseMatchers(m)), startsAt: s.startsAt, endsAt: s.endsAt }));
    this.byLabel = new Map();
    this.unindexed = [];
    // Newest first, as the store lists them: the first covering silence found is the newest.
    for (const s of this.silences) {
      const eq = s.matchers.find((m) => m.op === '=' && m.value !== '');
      if (!eq) {
        this.unindexed.push(s);
        continue;
      }
      let values = this.byLabel.get(eq.name);
      if (!values) this.byLabel.set(eq.name, (values = new Map()));
      const list = values.get(eq.value);
      if (list) list.push(s);
      else values.set(eq.value, [s]);
    }
  }

  /** The maintenance window, else the silence, in force at `now` that covers an alert; null when none does. */
  coverFor(labels: Readonly<Record<string, string>>, healthModel: string, now: number): Suppression | null {
    if (this.windows.length > 0) {
      const w = coveringWindow(this.windows, labels, healthModel, now);
      if (w) return { by: 'maintenance', name: w.name };
    }
    const covers = (s: CompiledSilence): boolean => s.startsAt <= now && now < s.endsAt && matchesAll(s.matchers, labels);
    for (const [name, values] of this.byLabel) {
      const value = labels[name];
      if (value === undefined) continue;
      const found = values.get(value)?.find(covers);
      if (found) return { by: 'silence', name: found.id };
    }
    const found = this.unindexed.find(covers);
    return found ? { by: 'silence', name: found.id } : null;
  }

  /** The next moment after `afterMs` at which a window or a silence starts or ends, or null. */
  nextEdge(afterMs: number): number | null {
    let next = this.windows.length > 0 ? nextEdge(this.windows, afterMs) : null;
    for (const s of this.silences) {
      for (const t of [s.startsAt, s.endsAt]) if (t > afterMs && (next === null || t < next)) next = t;
    }
    return next;
  }
}
