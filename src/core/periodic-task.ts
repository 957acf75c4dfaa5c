import { SerialRuns } from './serial-runs';

/**
 * Runs a task every `intervalMs` (with ±20% jitter) and on demand (`kick`), never two runs at
 * once: a kick during a run makes one more run right after it. A task that knows when its next
 * work is due (`nextRunAt`, from what a run returned) is woken at that instant when it comes
 * before the interval is up, instead of up to an interval late. Only the app's wiring creates these.
 */
export class PeriodicTask<T = unknown> extends SerialRuns<T> {
  private again = false;

  constructor(
    private readonly options: {
      intervalMs: number;
      run: () => Promise<T>;
      onError: (error: unknown) => void;
      /** From a run's value: when (ms since the epoch) the task next has work, or null for none known. */
      nextRunAt?: (value: T) => number | null;
      /** The clock nextRunAt is read against (milliseconds since the epoch). */
      now?: () => number;
    },
  ) {
    super(options.run, options.onError);
  }

  /** Starts the periodic runs. */
  start(): void {
    this.started = true;
    this.schedule(this.jittered(this.options.intervalMs));
  }

  /** Asks for a run as soon as possible. */
  kick(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  protected nextDelayMs(result: { value: T } | null): number {
    const again = this.again;
    this.again = false;
    if (again) return 0;
    const interval = this.jittered(this.options.intervalMs);
    return result === null ? interval : Math.min(interval, this.untilNextRun(result.value) ?? interval);
  }

  /**
   * Milliseconds until the work the run said is next, a millisecond past it so that the run
   * finds it due; null when none is known or it is not in the future (work due already that
   * the run left undone, e.g. after a failure, waits for the interval instead of spinning).
   */
  private untilNextRun(value: T): number | null {
    const { nextRunAt, now } = this.options;
    if (!nextRunAt || !now) return null;
    const at = nextRunAt(value);
    if (at === null) return null;
    const wait = at - now();
    return wait > 0 ? wait + 1 : null;
  }

  private jittered(delayMs: number): number {
    return delayMs * (0.8 + Math.random() * 0.4);
  }
}
