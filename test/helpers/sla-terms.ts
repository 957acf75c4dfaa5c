import type { Priority } from '../../src/core/vocabulary';
import type { SlaTerms, StepTerms } from '../../src/core/sla-terms';

const M = 60_000;

/** Response and resolution minutes per priority: P1 15m/4h, P2 30m/8h, P3 and P4 4h/8h unless given. */
const MINUTES: Record<Priority, [number, number]> = { P1: [15, 240], P2: [30, 480], P3: [240, 480], P4: [240, 480] };

/** SLA terms on the 24x7 calendar for every priority, with these escalation steps. */
export function allDayTerms(steps: StepTerms[], minutes: Partial<Record<Priority, [number, number]>> = {}): SlaTerms {
  const target = (p: Priority) => {
    const [response, resolution] = minutes[p] ?? MINUTES[p];
    return { responseMs: response * M, resolutionMs: resolution * M, calendar: '24x7' };
  };
  return {
    policy: 'standard',
    targets: { P1: target('P1'), P2: target('P2'), P3: target('P3'), P4: target('P4') },
    calendars: [],
    escalation: { policy: 'by-sla', steps },
  };
}
