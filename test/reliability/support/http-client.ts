import { Agent, request as httpRequest } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';

/** An answer, or the transport error that took its place (ECONNREFUSED, ECONNRESET, timeout). */
export interface Answer {
  status: number | null;
  error: string | null;
  body: Buffer;
  /** Milliseconds from sending to the answer or the error. */
  ms: number;
}

/** Options of one request; a body that is not a Buffer or string is sent as JSON. */
export interface RequestOptions {
  method?: string;
  body?: Buffer | string;
  headers?: OutgoingHttpHeaders;
  timeoutMs?: number;
  agent?: Agent;
}

/** A keep-alive agent for a load generator: at most `maxSockets` requests in flight. */
export function loadAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

/** One HTTP request that never rejects: a transport failure is an answer with `error` set. */
export function request(url: string, options: RequestOptions = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number | null, error: string | null, body: Buffer): void => {
      if (settled) return;
      settled = true;
      resolve({ status, error, body, ms: performance.now() - started });
    };
    const headers: OutgoingHttpHeaders = { ...(options.headers ?? {}) };
    if (options.body !== undefined && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
      headers['content-length'] = Buffer.byteLength(options.body);
    }
    const req = httpRequest(url, { method: options.method ?? 'POST', headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish(res.statusCode ?? null, null, Buffer.concat(chunks)));
      res.on('error', (e: NodeJS.ErrnoException) => finish(null, e.code ?? e.message, Buffer.alloc(0)));
    });
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => finish(null, e.code ?? e.message, Buffer.alloc(0)));
    req.end(options.body);
  });
}

/** POSTs a JSON body to `/webhooks/<source>`. */
export function postWebhook(baseUrl: string, source: string, body: Buffer | string, options: Omit<RequestOptions, 'body' | 'method'> = {}): Promise<Answer> {
  return request(`${baseUrl}/webhooks/${source}`, {
    ...options,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
  });
}

/** Runs `tasks` with at most `concurrency` at once, in order of the array; resolves with their results in that order. */
export async function runPool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
