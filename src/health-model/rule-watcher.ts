import { existsSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import type { Logger } from '../core/logger';

/**
 * Watches the rules directory and calls `onChange` once a burst of file events has settled
 * (`debounceMs`). Every event counts, whatever the file name: editors write temporary files and
 * rename them, and Kubernetes swaps a `..data` symlink. When the directory disappears or the
 * watch fails, it waits `retryMs` and watches again, calling `onChange` so the load reports
 * the missing directory while the rules in force stay. Never throws after `start`.
 */
export class RuleWatcher {
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly deps: {
      dir: string;
      onChange: () => void;
      logger: Logger;
      debounceMs?: number;
      retryMs?: number;
    },
  ) {}

  /** Starts watching; a directory missing now is watched as soon as it exists. */
  start(): void {
    this.running = true;
    this.watchDir();
  }

  /** Stops watching and cancels a pending reload. */
  stop(): void {
    this.running = false;
    this.closeWatcher();
    if (this.debounce) clearTimeout(this.debounce);
    if (this.retry) clearTimeout(this.retry);
    this.debounce = null;
    this.retry = null;
  }

  private watchDir(): void {
    if (!this.running) return;
    try {
      this.watcher = watch(this.deps.dir, { persistent: false }, () => this.changed());
      this.watcher.on('error', (error) => {
        this.deps.logger.warn('rules directory watch failed; retrying', { dir: this.deps.dir, error });
        this.lost();
      });
    } catch (error) {
      this.deps.logger.warn('cannot watch the rules directory; retrying', { dir: this.deps.dir, error: (error as Error).message });
      this.lost();
    }
  }

  private changed(): void {
    // The directory itself was deleted or renamed away: its watch sees nothing more.
    if (!existsSync(this.deps.dir)) this.lost();
    this.schedule();
  }

  private lost(): void {
    this.closeWatcher();
    if (!this.running || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!existsSync(this.deps.dir)) return this.lost();
      this.watchDir();
      this.schedule();
    }, this.deps.retryMs ?? 1000);
    this.retry.unref();
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      try {
        this.deps.onChange();
      } catch (error) {
        this.deps.logger.error('reload after a rules change failed', { error });
      }
    }, this.deps.debounceMs ?? 200);
    this.debounce.unref();
  }

  private closeWatcher(): void {
    const w = this.watcher;
    this.watcher = null;
    try {
      w?.close();
    } catch {
      // Closing a watch whose directory is gone may throw; there is nothing left to release.
    }
  }
}
