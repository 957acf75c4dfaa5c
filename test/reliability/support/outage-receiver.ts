import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback notification receiver that deduplicates by `Idempotency-Key` like a careful one, as
 * test/helpers/webhook-receiver.ts does, with the switches an outage needs: `down` answers 503 to
 * everything, and `hangOnRequest(n)` leaves the n-th request from now unanswered (the sender dies
 * while waiting). `effects` counts the 2xx answers per key: a key answered 2xx twice was applied twice.
 */
export class OutageReceiver {
  /** Every request's key, in arrival order. */
  readonly requests: string[] = [];
  readonly effects = new Map<string, number>();
  down = false;
  private hangAt: number | null = null;
  private readonly hanging: ServerResponse[] = [];
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const key = String(req.headers['idempotency-key'] ?? '');
        this.requests.push(key);
        if (this.hangAt !== null && this.requests.length === this.hangAt) {
          this.hangAt = null;
          this.hanging.push(res);
          return;
        }
        if (this.down) {
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"maintenance"}');
          return;
        }
        this.effects.set(key, (this.effects.get(key) ?? 0) + 1);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  }

  /** Leaves the n-th request from now without an answer (1 = the next one). */
  hangOnRequest(n: number): void {
    this.hangAt = this.requests.length + n;
  }

  /** How many requests are held without an answer. */
  hangingCount(): number {
    return this.hanging.length;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
