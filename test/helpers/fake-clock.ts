import type { Clock } from '../../src/core/clock';

/** A clock that moves only when a test says so. */
export class FakeClock implements Clock {
  private ms: number;

  constructor(start: string | number = '2025-03-18T09:00:00Z') {
    this.ms = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): Date {
    return new Date(this.ms);
  }

  /** Moves time forward. */
  advance(by: { ms?: number; seconds?: number; minutes?: number; hours?: number }): void {
    this.ms += (by.ms ?? 0) + (by.seconds ?? 0) * 1000 + (by.minutes ?? 0) * 60_000 + (by.hours ?? 0) * 3_600_000;
  }

  set(at: string): void {
    this.ms = Date.parse(at);
  }
}
