import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request a fake service got, with its raw body. */
export interface RawRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
}

/** Answers one request: write to `res`, leave it unanswered (a hang) or destroy the socket (a drop). */
export type Handler = (req: RawRequest, res: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 and a free port whose `stop` also ends hanging requests. */
export class LoopbackServer {
  private server: Server | null = null;

  /** Listens and resolves with the base URL, e.g. `http://127.0.0.1:40123`. */
  async start(handler: Handler): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => handler({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, raw }, res));
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Closes every connection, hanging ones included, and stops listening. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Sends a JSON answer. */
export function answerJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Sends a plain-text answer. */
export function answerText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}
