/** How long the client waits for one answer of the daemon. */
const TIMEOUT_MS = 10_000;

/** One problem the daemon found in a request, as `detail` lists it in a 400 answer. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The daemon answered with an error status: its `{error, message, detail}`, or the raw text when the body is not that. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The field problems of a 400 answer; empty for other answers. */
  fieldProblems(): FieldProblem[] {
    if (!Array.isArray(this.detail)) return [];
    return this.detail.filter((d): d is FieldProblem => typeof d === 'object' && d !== null && typeof (d as FieldProblem).path === 'string' && typeof (d as FieldProblem).message === 'string');
  }
}

/** No answer at all: refused, unknown host, reset or timed out. */
export class DaemonUnreachableError extends Error {
  constructor(readonly url: string, reason: string) {
    super(`cannot reach incident-bridge at ${url}: ${reason}`);
    this.name = 'DaemonUnreachableError';
  }
}

/**
 * The daemon's HTTP API as the command line uses it. The token goes into the Authorization
 * header only; it is never part of a message, a URL or an error.
 */
export class ApiClient {
  private readonly baseUrl: string;

  constructor(private readonly options: { url: string; token?: string; timeoutMs?: number }) {
    this.baseUrl = options.url.replace(/\/+$/, '');
  }

  /** GETs `pathAndQuery`; resolves the JSON of a 2xx answer, throws ApiError or DaemonUnreachableError. */
  get(pathAndQuery: string): Promise<unknown> {
    return this.call('GET', pathAndQuery);
  }

  /** POSTs `body` as JSON; resolves the JSON of a 2xx answer, throws ApiError or DaemonUnreachableError. */
  post(pathAndQuery: string, body: unknown): Promise<unknown> {
    return this.call('POST', pathAndQuery, body);
  }

  /** DELETEs `pathAndQuery`; resolves the JSON of a 2xx answer, throws ApiError or DaemonUnreachableError. */
  delete(pathAndQuery: string): Promise<unknown> {
    return this.call('DELETE', pathAndQuery);
  }

  private async call(method: string, pathAndQuery: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeoutMs = this.options.timeoutMs ?? TIMEOUT_MS;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.baseUrl}${pathAndQuery}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (error) {
      throw new DaemonUnreachableError(displayUrl(this.baseUrl), transportReason(error, timeoutMs));
    }
    const json = parseJson(text);
    if (res.ok) {
      if (json === undefined) throw new ApiError(res.status, `http_${res.status}`, `the answer is not JSON: ${text.slice(0, 200)}`, null);
      return json;
    }
    if (isErrorBody(json)) throw new ApiError(res.status, json.error, typeof json.message === 'string' ? json.message : json.error, json.detail ?? null);
    // Something else answered (a proxy, another service on the port): show what it said.
    throw new ApiError(res.status, `http_${res.status}`, text.trim().slice(0, 200) || res.statusText, null);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isErrorBody(json: unknown): json is { error: string; message?: unknown; detail?: unknown } {
  return typeof json === 'object' && json !== null && typeof (json as { error?: unknown }).error === 'string';
}

/**
 * fetch wraps the socket error in `cause`: say what went wrong there (ECONNREFUSED, ENOTFOUND...).
 * Read by shape, not instanceof: fetch's errors may come from another realm (a test sandbox).
 */
function transportReason(error: unknown, timeoutMs: number): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  if (typeof e.cause?.message === 'string' && e.cause.message !== '') return e.cause.message;
  if (typeof e.cause?.code === 'string') return e.cause.code;
  return typeof e.message === 'string' ? e.message : String(error);
}

/** The URL without any user or password in it, for messages. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
