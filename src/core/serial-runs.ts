/**
 * One run of a task at a time, on timers: the scheduling both the app's periodic workers and its
 * long-poll loops share. A subclass says how long to wait after each run; `stop()` ends the
 * scheduling and waits for a run in progress. Only the app's wiring creates these.
 */
export abstract class SerialRuns<T> {
  private timer: NodeJS.Timeout | null = null;
  protected running: Promise<void> | null = null;
  protected started = false;

  constructor(
    private readonly task: () => Promise<T>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** The wait before the next run, from what the last one returned (null when it threw). */
  protected abstract nextDelayMs(result: { value: T } | null): number;

  /** Schedules the next run in `delayMs` (replacing one scheduled), unless stopped. */
  protected schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runNow(), delayMs);
    this.timer.unref();
  }

  private async runNow(): Promise<void> {
    this.timer = null;
    let result: { value: T } | null = null;
    this.running = this.task()
      .then(
        (value) => {
          result = { value };
        },
        (error: unknown) => this.onError(error),
      )
      .finally(() => {
        this.running = null;
      });
    await this.running;
    this.schedule(this.nextDelayMs(result));
  }
}
