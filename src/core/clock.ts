/** The only source of time: production reads the system clock, tests inject a fake one. */
export interface Clock {
  now(): Date;
}

/** Reads the system clock. */
export const systemClock: Clock = { now: () => new Date() };
