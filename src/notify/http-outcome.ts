import { AxiosError } from 'axios';
import type { AxiosResponse } from 'axios';
import type { DeliveryOutcome } from './channel';
import { parseRetryAfterMs } from './backoff';

/**
 * The retry policy of every HTTP channel, as one table: 2xx delivered; 429 retried after the time
 * the receiver asked for; 408, 425 and 5xx retried with backoff; any other 4xx dead-lettered (the
 * request itself is wrong and will not get better).
 */
export function outcomeOfStatus(status: number, retryAfterMs: number | null, reason: string): DeliveryOutcome {
  if (status >= 200 && status < 300) return { ok: true };
  if (status === 429) return { ok: false, retryable: true, reason: `429 ${reason}`, ...(retryAfterMs !== null ? { retryAfterMs } : {}) };
  if (status === 408 || status === 425 || status >= 500) return { ok: false, retryable: true, reason: `${status} ${reason}` };
  return { ok: false, retryable: false, reason: `${status} ${reason}` };
}

/** The receiver's words for a failed response: a JSON `description`, else the status text. */
function describeResponse(response: AxiosResponse): string {
  const description = (response.data as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? description : (response.statusText ?? '');
}

/**
 * The outcome of an HTTP response; the Retry-After header or a JSON `retry_after` sets the wait.
 * `describe` reads the service's own error text for the reason.
 */
export function outcomeOfResponse(response: AxiosResponse, nowMs: number, describe: (response: AxiosResponse) => string = describeResponse): DeliveryOutcome {
  const body = response.data as { parameters?: { retry_after?: unknown }; retry_after?: unknown } | undefined;
  const retryAfter =
    parseRetryAfterMs(response.headers['retry-after'], nowMs) ??
    parseRetryAfterMs(body?.parameters?.retry_after, nowMs) ??
    parseRetryAfterMs(body?.retry_after, nowMs);
  return outcomeOfStatus(response.status, retryAfter, describe(response).slice(0, 200));
}

/** Network errors and timeouts are retried; a bug in the channel (not an HTTP error) is not. */
export function outcomeOfError(error: unknown): DeliveryOutcome {
  if (error instanceof AxiosError) {
    const code = error.code ?? 'ERR_NETWORK';
    return { ok: false, retryable: true, reason: code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timeout' : code };
  }
  return { ok: false, retryable: false, reason: error instanceof Error ? error.message.slice(0, 200) : String(error) };
}
