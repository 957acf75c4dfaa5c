import type { ChannelConfig } from '../config/channel-config';
import type { Logger } from '../core/logger';
import type { IncidentStore, IncidentTransaction } from '../store/store';
import { backoffDelayMs } from './backoff';
import type { BackoffPolicy } from './backoff';
import { TelegramBotApi } from './telegram-bot-api';
import type { BotApiAnswer } from './telegram-bot-api';
import { parseUpdate } from './telegram-update';
import { DUPLICATE, TelegramUpdateHandler } from './telegram-update-handler';
import type { UpdateHandlerDeps } from './telegram-update-handler';

/** What one poll did, and how long to wait before the next one. */
export interface PollOutcome {
  /** Updates handled: applied (or found applied already) and their offset committed. */
  updates: number;
  /** 0 to poll again at once; Telegram's `retry_after` after a 429; a backoff after a failure. */
  delayMs: number;
}

/** The bot whose updates are read: the Bot API's address, the token, and the waits. */
export interface TelegramBotSettings {
  apiUrl: string;
  botToken: string;
  /** How long an ordinary call (an answer, an edit) may take. */
  timeoutMs: number;
  /** How long Telegram holds one `getUpdates` when there is nothing to read. */
  pollTimeoutMs: number;
  /** The channels that use this bot, for the logs. */
  channels: string[];
}

/** Everything the poller needs, passed in by app.ts: what its handler needs, the bot and the store. */
export type TelegramUpdatePollerDeps = Pick<UpdateHandlerDeps, 'readModel' | 'clock' | 'logger' | 'locale' | 'publicUrl' | 'personFor' | 'channelsFor' | 'quiet' | 'onAction'> & {
  bot: TelegramBotSettings;
  store: IncidentStore;
  backoff?: BackoffPolicy;
  random?: () => number;
};

/** The updates the poller asks for: button presses, and messages for replies to a resolution prompt. */
export const ALLOWED_UPDATES = ['callback_query', 'message'] as const;
const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000 };

/**
 * Reads a bot's updates by long polling `getUpdates` (no public URL needed) and turns button
 * presses and replies to resolution prompts into people's actions.
 *
 * Exactly once, across restarts and kill -9: each update is handled in one store unit that writes
 * the bot's next offset together with the action it causes, and skips an update whose id is below
 * the stored offset. The next `getUpdates` sends the stored offset, which confirms what was
 * handled; an update fetched but not yet committed when the daemon stops is fetched again. The
 * answers to Telegram (answerCallbackQuery, edits, prompts) follow the commit and are best effort.
 * `runOnce` never throws and never overlaps itself; app.ts loops it, tests call it.
 */
export class TelegramUpdatePoller {
  private readonly api: TelegramBotApi;
  private readonly log: Logger;
  private readonly offsetKey: string;
  private readonly abort = new AbortController();
  private readonly handler: TelegramUpdateHandler;
  private running: Promise<PollOutcome> | null = null;
  private failures = 0;

  constructor(private readonly deps: TelegramUpdatePollerDeps) {
    this.api = new TelegramBotApi(deps.bot);
    this.log = deps.logger.child({ telegramBot: this.api.botId, channels: deps.bot.channels });
    this.offsetKey = `telegram:${this.api.botId}:offset`;
    this.handler = new TelegramUpdateHandler({
      ...deps,
      logger: this.log,
      botId: this.api.botId,
      call: (method, body) => this.call(method, body),
      commit: (updateId, work) => this.commit(updateId, work),
      runUnit: async (work) => (await this.units([work]))[0] as Awaited<ReturnType<typeof work>>,
    });
  }

  /** One long poll and the handling of what it brought; a second call while one runs gets the same run. */
  runOnce(): Promise<PollOutcome> {
    if (!this.running) {
      this.running = this.poll().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Aborts the pending long poll (its updates are fetched again by the next daemon) and waits for the run. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async poll(): Promise<PollOutcome> {
    if (this.stopped) return { updates: 0, delayMs: 0 };
    let offset: string | null;
    try {
      offset = (await this.units([(tx) => tx.readState(this.offsetKey)]))[0] ?? null;
    } catch (error) {
      this.log.error('cannot read the Telegram update offset', { error });
      return this.retryLater();
    }
    const pollSeconds = Math.round(this.deps.bot.pollTimeoutMs / 1000);
    const answer = await this.call<unknown[]>(
      'getUpdates',
      { ...(offset !== null ? { offset: Number(offset) } : {}), timeout: pollSeconds, allowed_updates: ALLOWED_UPDATES },
      this.deps.bot.pollTimeoutMs + this.deps.bot.timeoutMs,
    );
    if (this.stopped) return { updates: 0, delayMs: 0 };
    if (!answer.ok) return this.pollFailed(answer);
    this.failures = 0;
    let handled = 0;
    for (const raw of Array.isArray(answer.result) ? answer.result : []) {
      if (this.stopped) break;
      const update = parseUpdate(raw);
      // Without an update_id an update cannot be confirmed on its own; the next one's offset confirms it.
      if (!update) continue;
      try {
        await this.handler.handle(update);
        handled++;
      } catch (error) {
        // Not committed: the update stays unconfirmed and comes again with the next poll.
        this.log.error('a Telegram update could not be handled; it will be read again', { updateId: update.updateId, error });
        return this.retryLater(handled);
      }
    }
    return { updates: handled, delayMs: 0 };
  }

  private pollFailed(answer: Extract<BotApiAnswer<unknown>, { ok: false }>): PollOutcome {
    const fields = { status: answer.status, reason: answer.description };
    if (answer.status === 429 && answer.retryAfterMs !== null) {
      this.log.warn('Telegram rate-limits getUpdates', { ...fields, retryInMs: answer.retryAfterMs });
      return { updates: 0, delayMs: answer.retryAfterMs };
    }
    const outcome = this.retryLater();
    if (answer.status === 409) this.log.warn('another getUpdates or a webhook reads this bot\'s updates; only one daemon may poll a bot', { ...fields, retryInMs: outcome.delayMs });
    else if (answer.status === 401 || answer.status === 404) this.log.error('Telegram refused the bot token', { ...fields, retryInMs: outcome.delayMs });
    else this.log.warn('getUpdates failed', { ...fields, retryInMs: outcome.delayMs });
    return outcome;
  }

  private retryLater(updates = 0): PollOutcome {
    this.failures++;
    return { updates, delayMs: backoffDelayMs(this.failures, this.deps.backoff ?? DEFAULT_BACKOFF, this.deps.random) };
  }

  /**
   * Runs `work` for one update in one unit with the update's offset: the offset and everything the
   * work writes commit together or not at all. An update below the stored offset was handled
   * before (by this daemon before a restart, or by another one): it is skipped.
   */
  private async commit<T>(updateId: number, work: (tx: IncidentTransaction) => Promise<T>): Promise<T | typeof DUPLICATE> {
    const [result] = await this.units<T | typeof DUPLICATE>([
      async (tx) => {
        const stored = await tx.readState(this.offsetKey);
        if (stored !== null && updateId < Number(stored)) return DUPLICATE;
        tx.writeState(this.offsetKey, String(updateId + 1), this.deps.clock.now().getTime());
        return work(tx);
      },
    ]);
    if (result === DUPLICATE) this.log.info('a Telegram update handled before was skipped', { updateId });
    return result as T | typeof DUPLICATE;
  }

  private async units<T>(units: ((tx: IncidentTransaction) => Promise<T>)[]): Promise<T[]> {
    const settled = await this.deps.store.runBatch(units);
    return settled.map((s) => {
      if (!s.ok) throw s.error;
      return s.value;
    });
  }

  /** One Bot API call, aborted by stop(); a failure of an answer or an edit is logged and otherwise ignored. */
  private async call<T = unknown>(method: string, body: Record<string, unknown>, timeoutMs?: number): Promise<BotApiAnswer<T>> {
    const answer = await this.api.call<T>(method, body, { signal: this.abort.signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    if (!answer.ok && !answer.aborted && method !== 'getUpdates' && !/not modified/i.test(answer.description)) {
      this.log.warn(`Telegram ${method} failed`, { status: answer.status, reason: answer.description });
    }
    return answer;
  }
}

/**
 * The bots whose updates must be read: one per bot token among the Telegram channels with
 * `buttons.enabled`, since Telegram lets only one reader poll a bot (two would get 409s). Channels
 * that share a bot share its poller, with the first one's waits.
 */
export function telegramBotsOf(channels: readonly ChannelConfig[]): TelegramBotSettings[] {
  const bots = new Map<string, TelegramBotSettings>();
  for (const c of channels) {
    if (c.type !== 'telegram' || !c.buttons.enabled) continue;
    const key = `${c.apiUrl}\n${c.botToken}`;
    const known = bots.get(key);
    if (known) known.channels.push(c.name);
    else bots.set(key, { apiUrl: c.apiUrl, botToken: c.botToken, timeoutMs: c.timeoutMs, pollTimeoutMs: c.buttons.pollTimeout, channels: [c.name] });
  }
  return [...bots.values()];
}
