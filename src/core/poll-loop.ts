/**
 * Runs a task again and again, one run at a time: each run returns how long to wait before the
 * next (a long poll comes back at once with work, or asks for a backoff). A run that throws waits
 * `errorDelayMs`. Only the app's wiring creates these; the task itself is stopped first, so that
 * a run waiting on the network ends at once.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private started = false;

  constructor(private readonly options: { run: () => Promise<number>; onError: (error: unknown) => void; errorDelayMs: number; minDelayMs: number }) {}

  /** Starts the runs; the first one at once. */
  start(): void {
    this.started = true;
    this.schedule(0);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    this.timer = setTimeout(() => void this.runNow(), delayMs);
    this.timer.unref();
  }

  private async runNow(): Promise<void> {
    this.timer = null;
    let delay = this.options.errorDelayMs;
    this.running = this.options
      .run()
      .then(
        (next) => {
          delay = next;
        },
        (error: unknown) => this.options.onError(error),
      )
      .finally(() => {
        this.running = null;
      });
    await this.running;
    // A floor keeps a receiver that answers at once with nothing from being asked in a tight loop.
    this.schedule(Math.max(this.options.minDelayMs, delay));
  }
}
