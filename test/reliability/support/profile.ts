/** Sizes of the reliability tests: `RELIABILITY_PROFILE=ci` (the default, what CI runs) or `long`. */
export interface ReliabilityProfile {
  name: 'ci' | 'long';
  storm: { webhooksPerSecond: number; kills: number; minUpMs: number; maxUpMs: number };
  duplicates: { alerts: number; copies: number; concurrency: number };
  hostile: { bodies: number; concurrency: number };
  outage: { notifications: number; outageMinutes: number };
  /**
   * `rssSlope`: whether the 0.5 MB/min RSS criterion is asserted. A 60-s run ends while V8 still
   * sizes its heap (RSS rises for about the first 90 s), so CI asserts the heap after a full GC
   * against `heapSlopeLimitMbPerMin` instead, a guard against gross leaks, and reports the RSS slope.
   */
  soak: { durationS: number; warmupS: number; webhooksPerSecond: number; rssSlope: boolean; heapSlopeLimitMbPerMin: number };
}

const PROFILES: Record<'ci' | 'long', ReliabilityProfile> = {
  ci: {
    name: 'ci',
    storm: { webhooksPerSecond: 200, kills: 10, minUpMs: 600, maxUpMs: 2500 },
    duplicates: { alerts: 1000, copies: 50, concurrency: 128 },
    hostile: { bodies: 10_000, concurrency: 16 },
    outage: { notifications: 2000, outageMinutes: 15 },
    soak: { durationS: 60, warmupS: 20, webhooksPerSecond: 50, rssSlope: false, heapSlopeLimitMbPerMin: 2 },
  },
  long: {
    name: 'long',
    storm: { webhooksPerSecond: 200, kills: 50, minUpMs: 600, maxUpMs: 4000 },
    duplicates: { alerts: 1000, copies: 50, concurrency: 128 },
    hostile: { bodies: 100_000, concurrency: 16 },
    outage: { notifications: 2000, outageMinutes: 15 },
    soak: { durationS: 600, warmupS: 120, webhooksPerSecond: 50, rssSlope: true, heapSlopeLimitMbPerMin: 0.5 },
  },
};

/** The profile named by RELIABILITY_PROFILE; an unknown name is an error rather than a silent default. */
export function reliabilityProfile(): ReliabilityProfile {
  const name = process.env.RELIABILITY_PROFILE ?? 'ci';
  if (name !== 'ci' && name !== 'long') throw new Error(`RELIABILITY_PROFILE must be "ci" or "long", got "${name}"`);
  return PROFILES[name];
}

/** Prints one figure line of a reliability test, e.g. `[storm] acknowledged alerts: 5123`. */
export function report(test: string, figures: Record<string, unknown>): void {
  const lines = Object.entries(figures).map(([k, v]) => `[${test}] ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
