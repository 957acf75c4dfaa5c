import { BUILTIN_CALENDAR } from '../config/sla-config';
import { parseStepAt } from '../config/escalation-config';
import type { SlaConfig } from '../config/schema';
import type { CalendarTerms, SlaTerms, StepAction, StepClock, StepTerms } from '../core/sla-terms';
import { PRIORITIES } from '../core/vocabulary';
import type { Line, Priority } from '../core/vocabulary';
import { compileCalendars, TWENTY_FOUR_SEVEN } from './calendar';
import type { WorkingCalendar } from './calendar';

/** The escalation section as far as terms need it (validated by the config's loader). */
export interface EscalationSection {
  policies: readonly { name: string; steps: readonly { clock: StepClock; at: string; action: StepAction; line?: Line | undefined }[] }[];
  default?: string | undefined;
}

/** What a health model names: its SLA and escalation policies, or null for the config's defaults. */
export interface PolicyChoice {
  sla: string | null;
  escalation: string | null;
}

/**
 * The terms incidents open under, built from the config once per (SLA policy, escalation policy)
 * pair and reused, so that every incident of a health model shares one object.
 */
export class SlaBook {
  private readonly cache = new Map<string, SlaTerms | null>();

  constructor(
    private readonly sla: SlaConfig | undefined,
    private readonly escalation: EscalationSection | undefined,
  ) {}

  /** The terms of a health model; null without an `sla` section (incidents carry `sla: null`). */
  termsFor(choice: PolicyChoice): SlaTerms | null {
    const key = `${choice.sla ?? ''}\u0000${choice.escalation ?? ''}`;
    let terms = this.cache.get(key);
    if (terms === undefined) {
      terms = buildTerms(this.sla, this.escalation, choice);
      this.cache.set(key, terms);
    }
    return terms;
  }
}

function buildTerms(sla: SlaConfig | undefined, escalation: EscalationSection | undefined, choice: PolicyChoice): SlaTerms | null {
  if (!sla) return null;
  const policy = sla.policies.find((p) => p.name === (choice.sla ?? sla.default ?? sla.policies[0]?.name));
  if (!policy) return null;
  const targets = {} as SlaTerms['targets'];
  for (const priority of PRIORITIES) {
    const t = policy.targets[priority];
    // The loader refuses a policy without every priority; a missing one would be a bug upstream.
    if (!t) throw new Error(`SLA policy ${policy.name} has no target for ${priority}`);
    targets[priority] = { responseMs: t.response, resolutionMs: t.resolution, calendar: t.calendar ?? policy.calendar };
  }
  const used = new Set(Object.values(targets).map((t) => t.calendar));
  const calendars: CalendarTerms[] = sla.calendars
    .filter((c) => used.has(c.name))
    .map((c) => ({ name: c.name, timezone: c.timezone, hours: { ...c.hours } as CalendarTerms['hours'], holidays: [...c.holidays] }));
  const chosen = escalation?.policies.find((p) => p.name === (choice.escalation ?? escalation.default ?? escalation.policies[0]?.name));
  const steps: StepTerms[] = (chosen?.steps ?? []).map((s) => {
    const at = parseStepAt(s.at);
    if (!at) throw new Error(`escalation policy ${chosen!.name}: bad step at "${s.at}"`);
    return { clock: s.clock, at, atText: s.at, action: s.action, ...(s.line ? { line: s.line } : {}) };
  });
  return { policy: policy.name, targets, calendars, escalation: chosen ? { policy: chosen.name, steps } : null };
}

/** Terms with their calendars compiled, for the clocks. */
export interface CompiledTerms {
  terms: SlaTerms;
  calendarOf(priority: Priority): WorkingCalendar;
}

const compiled = new WeakMap<SlaTerms, CompiledTerms>();

/** Compiles the calendars of terms once per terms object. */
export function compileTerms(terms: SlaTerms): CompiledTerms {
  let c = compiled.get(terms);
  if (!c) {
    const calendars = compileCalendars(terms.calendars);
    c = {
      terms,
      calendarOf: (priority) => {
        const name = terms.targets[priority].calendar;
        return name === BUILTIN_CALENDAR ? TWENTY_FOUR_SEVEN : (calendars.get(name) ?? TWENTY_FOUR_SEVEN);
      },
    };
    compiled.set(terms, c);
  }
  return c;
}
