import type { Clock } from '../core/clock';

/** A refused webhook as the SRE fixing the sender needs to see it. */
export interface Rejection {
  at: string;
  source: string;
  status: number;
  error: string;
  message: string;
  detail: unknown;
  contentType: string | null;
  bodyBytes: number | null;
  /** The body as received (UTF-8, cut at the size cap), or null when it was not read. */
  body: string | null;
  bodyTruncated: boolean;
}

/**
 * The last rejected webhooks, newest first, capped by count and by the size of each kept body.
 * Memory only: it serves debugging a sender, not audit.
 */
export class RejectionLog {
  private readonly entries: Rejection[] = [];

  constructor(private readonly deps: { clock: Clock; maxCount: number; maxBodyBytes: number }) {}

  /** Records a rejection; the body is cut to the configured size. */
  record(r: Omit<Rejection, 'at' | 'body' | 'bodyTruncated' | 'bodyBytes'> & { body: Buffer | null }): void {
    if (this.deps.maxCount === 0) return;
    const body = r.body;
    const kept = body ? body.subarray(0, this.deps.maxBodyBytes) : null;
    this.entries.unshift({
      ...r,
      at: this.deps.clock.now().toISOString(),
      bodyBytes: body ? body.length : null,
      body: kept ? kept.toString('utf8') : null,
      bodyTruncated: body !== null && body.length > this.deps.maxBodyBytes,
    });
    if (this.entries.length > this.deps.maxCount) this.entries.length = this.deps.maxCount;
  }

  /** The kept rejections, newest first. */
  list(): readonly Rejection[] {
    return this.entries;
  }
}
