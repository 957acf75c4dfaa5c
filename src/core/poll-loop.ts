import { SerialRuns } from './serial-runs';

/**
 * Runs a task again and again, one run at a time: each run returns how long to wait before the
 * next (a long poll comes back at once with work, or asks for a backoff). A run that throws waits
 * `errorDelayMs`. Only the app's wiring creates these; the task itself is stopped first, so that
 * a run waiting on the network ends at once.
 */
export class PollLoop extends SerialRuns<number> {
  constructor(private readonly options: { run: () => Promise<number>; onError: (error: unknown) => void; errorDelayMs: number; minDelayMs: number }) {
    super(options.run, options.onError);
  }

  /** Starts the runs; the first one at once. */
  start(): void {
    this.started = true;
    this.schedule(0);
  }

  protected nextDelayMs(result: { value: number } | null): number {
    // A floor keeps a receiver that answers at once with nothing from being asked in a tight loop.
    return Math.max(this.options.minDelayMs, result ? result.value : this.options.errorDelayMs);
  }
}
