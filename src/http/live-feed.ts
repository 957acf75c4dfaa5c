import type { Response } from 'express';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { IncidentReadModel, IncidentRecord } from '../store/store';
import { customerIncidentJson, incidentJson } from './incident-view';
import type { IncidentField } from './incident-view';

/** How long changes are gathered before they go out: a storm's many changes of one incident go once. */
const COALESCE_MS = 100;
/** A comment line this often keeps proxies and browsers from closing an idle stream. */
const KEEPALIVE_MS = 15_000;
/** A stream whose client reads nothing (a laptop asleep) is ended once this much waits unsent; it reconnects and reloads. */
const MAX_UNSENT_BYTES = 1 << 20;

interface Subscriber {
  res: Response;
  /** The customer whose incidents alone it sees (a customer's person), or null for all. */
  customer: string | null;
  /** Whether what admitted it still holds (its session not ended or expired, its person still configured). */
  alive: () => boolean;
  /** The incident fields it asked for (`fields=`), or null for all of its view's. */
  fields: readonly IncidentField[] | null;
}

/**
 * The console's live stream: every incident a committed batch changed goes to each open stream
 * (server-sent events) as `event: incident` with the incident as the API lists it, at most
 * COALESCE_MS after the commit. A customer's person sees only its customer's incidents, in the
 * customer's view.
 */
export class LiveFeed {
  private readonly subscribers = new Set<Subscriber>();
  private pending = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private readonly keepalive: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly deps: { readModel: IncidentReadModel; clock: Clock; logger: Logger }) {
    this.keepalive = setInterval(() => this.each((s) => s.res.write(': keepalive\n\n')), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /** How many streams are open. */
  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Opens a stream on the response; it ends when the client goes, when `alive()` no longer holds
   * (checked at each write and keepalive), or when the feed closes. After the feed closed (the
   * daemon stops) a stream is refused with 503.
   */
  subscribe(res: Response, customer: string | null, alive: () => boolean = () => true, fields: readonly IncidentField[] | null = null): void {
    if (this.closed) {
      res.status(503).set('Connection', 'close').json({ error: 'stopping', message: 'the daemon is stopping', detail: null });
      return;
    }
    res.status(200);
    res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ at: this.deps.clock.now().toISOString() })}\n\n`);
    const subscriber = { res, customer, alive, fields };
    this.subscribers.add(subscriber);
    res.on('close', () => this.subscribers.delete(subscriber));
  }

  /** Incidents changed (committed and on disk): they go out with the next coalesced write. */
  changed(ids: readonly number[]): void {
    if (this.subscribers.size === 0) return;
    for (const id of ids) this.pending.add(id);
    if (this.timer === null) this.timer = setTimeout(() => void this.flush(), COALESCE_MS);
  }

  /** Ends every stream (the daemon stops): an open stream would keep the server from closing. */
  close(): void {
    this.closed = true;
    clearInterval(this.keepalive);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const ids = [...this.pending];
    this.pending = new Set();
    let incidents: IncidentRecord[];
    try {
      incidents = await this.deps.readModel.incidentsByIds(ids);
    } catch (error) {
      this.deps.logger.error('reading changed incidents for the live stream failed', { error });
      return;
    }
    const now = this.deps.clock.now().getTime();
    // Each view (a customer's or the staff's, with its fields) is written out once for all its streams.
    const texts = new Map<string, string>();
    this.each((s) => {
      const view = `${s.customer ?? ''}\n${s.fields?.join(',') ?? ''}`;
      let text = texts.get(view);
      if (text === undefined) {
        const fields = s.fields ?? undefined;
        const { customer } = s;
        text = (customer === null ? incidents : incidents.filter((i) => i.customer === customer))
          .map((i) => `event: incident\ndata: ${JSON.stringify(customer === null ? incidentJson(i, now, fields) : customerIncidentJson(i, now, fields))}\n\n`)
          .join('');
        texts.set(view, text);
      }
      if (text !== '') s.res.write(text);
    });
  }

  private each(write: (s: Subscriber) => void): void {
    for (const s of this.subscribers) {
      try {
        if (!s.alive() || s.res.writableLength > MAX_UNSENT_BYTES) {
          this.subscribers.delete(s);
          s.res.end();
          continue;
        }
        write(s);
      } catch {
        this.subscribers.delete(s);
      }
    }
  }
}
