/**
 * Runs a task every `intervalMs` (with ±20% jitter) and on demand (`kick`), never two runs at
 * once: a kick during a run makes one more run right after it. Only the app's wiring creates these.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;

  constructor(private readonly options: { intervalMs: number; run: () => Promise<unknown>; onError: (error: unknown) => void }) {}

  /** Starts the periodic runs. */
  start(): void {
    this.started = true;
    this.schedule(this.options.intervalMs);
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

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    const jittered = delayMs === 0 ? 0 : delayMs * (0.8 + Math.random() * 0.4);
    this.timer = setTimeout(() => void this.runNow(), jittered);
    this.timer.unref();
  }

  private async runNow(): Promise<void> {
    this.timer = null;
    this.running = this.options
      .run()
      .then(
        () => undefined,
        (error: unknown) => this.options.onError(error),
      )
      .finally(() => {
        this.running = null;
      });
    await this.running;
    const next = this.again ? 0 : this.options.intervalMs;
    this.again = false;
    this.schedule(next);
  }
}
