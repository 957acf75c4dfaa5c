/** Sizes of the reliability tests: `RELIABILITY_PROFILE=ci` (the default, what CI runs) or `long`. */
export interface ReliabilityProfile {
  name: 'ci' | 'long';
  storm: { webhooksPerSecond: number; kills: number; minUpMs: number; maxUpMs: number };
  duplicates: { alerts: number; copies: number; concurrency: number };
  hostile: { bodies: number; concurrency: number };
  outage: { notifications: number; outageMinutes: number };
  /**
   * `rssSlope`: whether the 0.5 MB/min RSS criterion is asserted. RSS grows with the number of
   * webhooks served until V8, malloc and SQLite reach their steady size (about 60,000 webhooks:
   * 20 minutes at 50/s, 2 at 500/s), hence the warm-up at a higher rate. CI's short run asserts
   * the heap after a full GC against `heapSlopeLimitMbPerMin` instead, a guard against gross
   * leaks, and reports the RSS slope.
   */
  soak: {
    /** Measured seconds at `webhooksPerSecond`, after the warm-up and the settling time. */
    durationS: number;
    /** Seconds at `warmupWebhooksPerSecond`, which bring V8's heap, malloc and SQLite's caches to their steady size. */
    warmupS: number;
    warmupWebhooksPerSecond: number;
    /** Seconds at the soak rate after the warm-up's full GC and before the measured window. */
    settleS: number;
    webhooksPerSecond: number;
    rssSlope: boolean;
    heapSlopeLimitMbPerMin: number;
  };
}

const PROFILES: Record<'ci' | 'long', ReliabilityProfile> = {
  ci: {
    name: 'ci',
    storm: { webhooksPerSecond: 200, kills: 10, minUpMs: 600, maxUpMs: 2500 },
    duplicates: { alerts: 1000, copies: 50, concurrency: 128 },
    hostile: { bodies: 10_000, concurrency: 16 },
    outage: { notifications: 2000, outageMinutes: 15 },
    soak: { durationS: 40, warmupS: 15, warmupWebhooksPerSecond: 500, settleS: 10, webhooksPerSecond: 50, rssSlope: false, heapSlopeLimitMbPerMin: 2 },
  },
  long: {
    name: 'long',
    storm: { webhooksPerSecond: 200, kills: 50, minUpMs: 600, maxUpMs: 4000 },
    duplicates: { alerts: 1000, copies: 50, concurrency: 128 },
    hostile: { bodies: 100_000, concurrency: 16 },
    outage: { notifications: 2000, outageMinutes: 15 },
    soak: { durationS: 600, warmupS: 120, warmupWebhooksPerSecond: 500, settleS: 60, webhooksPerSecond: 50, rssSlope: true, heapSlopeLimitMbPerMin: 0.5 },
  },
};

/** The profile named by RELIABILITY_PROFILE; an unknown name is an error rather than a silent default. */
export function reliabilityProfile(): ReliabilityProfile {
  const name = process.env.RELIABILITY_PROFILE ?? 'ci';
  if (name !== 'ci' && name !== 'long') throw new Error(`RELIABILITY_PROFILE must be "ci" or "long", got "${name}"`);
  const profile = PROFILES[name];
  // RELIABILITY_SOAK_S shortens or lengthens the soak alone, to look into its memory more quickly.
  const soakS = Number(process.env.RELIABILITY_SOAK_S);
  if (Number.isFinite(soakS) && soakS > 0) return { ...profile, soak: { ...profile.soak, durationS: soakS } };
  return profile;
}

/** Prints one figure line of a reliability test, e.g. `[storm] acknowledged alerts: 5123`. */
export function report(test: string, figures: Record<string, unknown>): void {
  const lines = Object.entries(figures).map(([k, v]) => `[${test}] ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Fails the test with the first problems found and the seed that reproduces them. */
export function failOnProblems(problems: readonly string[], seed: number): void {
  if (problems.length > 0) throw new Error(`${problems.length} problems (seed ${seed}):\n${problems.slice(0, 40).join('\n')}`);
}
