/** The daemon's API as the console uses it: same origin, the session cookie, the CSRF token on every change. */

let csrfToken: string | null = null;

/** Remembers the session's CSRF token (from the login answer or GET /api/v1/me). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** An answer that is not 2xx: its status and the API's `{error, message, detail}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: unknown,
  ) {
    super(message);
  }
}

/** Listeners told when the API answers 401: the session ended, the console asks for a token again. */
const unauthorized = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorized.add(listener);
  return () => unauthorized.delete(listener);
}

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return (await apiAnswer<T>(method, path, body)).json;
}

/** The JSON of an answer with its headers (a listing's `Link: <...>; rel="next"`). */
export async function apiAnswer<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ json: T; headers: Headers }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (json ?? {}) as { error?: string; message?: string; detail?: unknown };
    if (res.status === 401 && path !== '/api/v1/session') for (const l of unauthorized) l();
    throw new ApiError(res.status, e.error ?? 'error', e.message ?? `${res.status} ${res.statusText}`, e.detail ?? null);
  }
  return { json: json as T, headers: res.headers };
}

/** The message of an error, for a person to read. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const detail = Array.isArray(error.detail) ? error.detail : [];
    const fields = detail
      .map((d) => (d && typeof d === 'object' && 'message' in d ? String((d as { message: unknown }).message) : ''))
      .filter((s) => s !== '');
    return fields.length > 0 ? `${error.message}: ${fields.join('; ')}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
