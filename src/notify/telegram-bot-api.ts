import { createHash } from 'node:crypto';
import axios, { AxiosError } from 'axios';
import { parseRetryAfterMs } from './backoff';

/** The answer of one Bot API call: its result, or why it failed (`status` null for no HTTP answer). */
export type BotApiAnswer<T> =
  | { ok: true; result: T }
  | { ok: false; status: number | null; description: string; retryAfterMs: number | null; aborted: boolean };

/** Where a bot is and how long a call may take. */
export interface BotApiOptions {
  apiUrl: string;
  botToken: string;
  timeoutMs: number;
}

/**
 * A small client of the Telegram Bot API for the update poller: `POST /bot<token>/<method>` with
 * a JSON body, never throwing. The token is part of every URL, so no URL, request or axios error
 * leaves this class: a failure is described by its status, Telegram's description (redacted) or
 * the network error's code.
 */
export class TelegramBotApi {
  /** The bot's public id (the token's part before the colon), for store keys and logs; never the token. */
  readonly botId: string;

  constructor(private readonly options: BotApiOptions) {
    this.botId = /^(\d{1,20}):/.exec(options.botToken)?.[1] ?? `h${createHash('sha256').update(options.botToken).digest('hex').slice(0, 12)}`;
  }

  /** Calls one method; `timeoutMs` overrides the default (a long poll waits longer), `signal` aborts it. */
  async call<T>(method: string, body: Record<string, unknown>, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<BotApiAnswer<T>> {
    const url = `${this.options.apiUrl.replace(/\/+$/, '')}/bot${this.options.botToken}/${method}`;
    try {
      const response = await axios.post(url, body, {
        headers: { 'content-type': 'application/json', 'user-agent': 'incident-bridge' },
        timeout: options.timeoutMs ?? this.options.timeoutMs,
        validateStatus: () => true,
        maxRedirects: 0,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const data = (response.data ?? {}) as { ok?: unknown; result?: unknown; description?: unknown; parameters?: { retry_after?: unknown } };
      if (response.status >= 200 && response.status < 300 && data.ok === true) return { ok: true, result: data.result as T };
      const description = typeof data.description === 'string' ? data.description : String(response.statusText ?? '');
      // Telegram says how long to wait in `parameters.retry_after`, in seconds.
      const retryAfterMs = parseRetryAfterMs(data.parameters?.retry_after, 0);
      return { ok: false, status: response.status, description: this.redact(description).slice(0, 300), retryAfterMs, aborted: false };
    } catch (error) {
      const aborted = options.signal?.aborted === true || axios.isCancel(error);
      const code = error instanceof AxiosError ? (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' ? 'timeout' : (error.code ?? 'ERR_NETWORK')) : 'error';
      return { ok: false, status: null, description: aborted ? 'aborted' : code, retryAfterMs: null, aborted };
    }
  }

  /** Text from Telegram may quote the request: the token (raw or URL-encoded) never stays in it. */
  redact(text: string): string {
    const token = this.options.botToken;
    return [token, encodeURIComponent(token)].reduce((out, secret) => out.split(secret).join('<redacted>'), text);
  }
}
