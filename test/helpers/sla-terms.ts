import type { StepTerms, SlaTerms } from '../../src/core/sla-terms';

const M = 60_000;

/** SLA terms on the 24x7 calendar for every priority (P1 15m/4h, P2 30m/8h, P3 and P4 4h/8h) with these escalation steps. */
export function allDayTerms(steps: StepTerms[]): SlaTerms {
  return {
    policy: 'standard',
    targets: {
      P1: { responseMs: 15 * M, resolutionMs: 240 * M, calendar: '24x7' },
      P2: { responseMs: 30 * M, resolutionMs: 480 * M, calendar: '24x7' },
      P3: { responseMs: 240 * M, resolutionMs: 480 * M, calendar: '24x7' },
      P4: { responseMs: 240 * M, resolutionMs: 480 * M, calendar: '24x7' },
    },
    calendars: [],
    escalation: { policy: 'by-sla', steps },
  };
}
