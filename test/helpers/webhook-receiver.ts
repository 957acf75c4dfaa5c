import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  raw: string;
}

/** A scripted answer: a status with optional headers/body, a hang (no answer) or a dropped connection. */
export type Script = { status: number; headers?: Record<string, string>; body?: string } | 'hang' | 'drop';

/**
 * A loopback JSON webhook receiver that deduplicates by `Idempotency-Key` like a careful
 * receiver would: `effects` counts the keys applied once. Scriptable to fail.
 */
export class WebhookReceiver {
  readonly requests: Received[] = [];
  readonly effects = new Map<string, number>();
  private readonly script: Script[] = [];
  private server: Server | null = null;
  private hanging: (() => void)[] = [];

  /** Queues answers for the next requests, in order; afterwards requests get 200. */
  failNext(...answers: Script[]): void {
    this.script.push(...answers);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => {
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          body = {};
        }
        this.requests.push({ at: Date.now(), headers: req.headers, body, raw });
        const next = this.script.shift();
        if (next === 'hang') {
          this.hanging.push(() => res.destroy());
          return;
        }
        if (next === 'drop') {
          req.socket.destroy();
          return;
        }
        const status = next?.status ?? 200;
        if (status >= 200 && status < 300) {
          const key = String(req.headers['idempotency-key'] ?? '');
          this.effects.set(key, (this.effects.get(key) ?? 0) + 1);
        }
        res.writeHead(status, { 'content-type': 'application/json', ...(next?.headers ?? {}) });
        res.end(next?.body ?? '{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Keys delivered more than once to this receiver (it counts, a real one would ignore them). */
  duplicates(): string[] {
    return [...this.effects].filter(([, n]) => n > 1).map(([k]) => k);
  }

  async stop(): Promise<void> {
    for (const h of this.hanging) h();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
