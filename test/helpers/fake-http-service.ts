import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** One request the fake service got, its JSON body parsed (or the raw text when it was not JSON). */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What a handler answers: a status, a JSON body (none for 204) and headers. */
export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A scripted answer: a status (429 with a `retry-after` header, 5xx, …) answered without doing
 * anything, or with `apply: true` after doing the work (applied, then failed); a request left
 * hanging; or a connection dropped without an answer.
 */
export type Fault = { status: number; body?: unknown; headers?: Record<string, string>; apply?: boolean } | 'hang' | 'drop';

/** Which requests a fault is for: a method and a path (exact, or a pattern). */
export interface FaultMatch {
  method?: string;
  path?: string | RegExp;
}

/**
 * The loopback HTTP server under a fake service (127.0.0.1:0): it records requests, hands them to
 * the service's `handle`, and replays scripted faults first.
 */
export abstract class FakeHttpService {
  readonly requests: FakeRequest[] = [];
  private readonly faults: { fault: Fault; match: FaultMatch }[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | null = null;

  /** Answers the service's routes; the fake's state changes only here. */
  protected abstract handle(req: FakeRequest): FakeReply;

  /** The next `times` requests that match get `fault` instead of (or after, with `apply`) their answer. */
  failNext(fault: Fault, times = 1, match: FaultMatch = {}): void {
    for (let i = 0; i < times; i++) this.faults.push({ fault, match });
  }

  /** Requests made with this method to paths that start with `prefix`. */
  requestsTo(method: string, prefix: string): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(prefix));
  }

  /** Starts listening and returns the base URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        let body: unknown = raw;
        try {
          body = raw === '' ? undefined : JSON.parse(raw);
        } catch {
          // keep the raw text: a handler answers it as a bad request
        }
        const request: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
        this.requests.push(request);
        this.answer(request, res);
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(request: FakeRequest, res: ServerResponse): void {
    const index = this.faults.findIndex(({ match }) => matches(match, request));
    const fault = index >= 0 ? this.faults.splice(index, 1)[0]!.fault : null;
    if (fault === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (fault === 'drop') {
      res.socket?.destroy();
      return;
    }
    let reply: FakeReply;
    try {
      if (fault && fault.apply) this.handle(request);
      reply = fault ? { status: fault.status, body: fault.body ?? { error: 'scripted failure' }, headers: fault.headers } : this.handle(request);
    } catch (error) {
      reply = { status: 500, body: { error: String(error) } };
    }
    const headers = { ...(reply.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...(reply.headers ?? {}) };
    res.writeHead(reply.status, headers);
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }
}

function matches(match: FaultMatch, r: FakeRequest): boolean {
  if (match.method && match.method !== r.method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? match.path === r.path : match.path.test(r.path);
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released): a refused connection. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
