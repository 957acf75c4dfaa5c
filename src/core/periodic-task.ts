import { SerialRuns } from './serial-runs';

/**
 * Runs a task every `intervalMs` (with ±20% jitter) and on demand (`kick`), never two runs at
 * once: a kick during a run makes one more run right after it. Only the app's wiring creates these.
 */
export class PeriodicTask extends SerialRuns<unknown> {
  private again = false;

  constructor(private readonly options: { intervalMs: number; run: () => Promise<unknown>; onError: (error: unknown) => void }) {
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

  protected nextDelayMs(): number {
    const next = this.again ? 0 : this.jittered(this.options.intervalMs);
    this.again = false;
    return next;
  }

  private jittered(delayMs: number): number {
    return delayMs * (0.8 + Math.random() * 0.4);
  }
}
