import axios from 'axios';
import type { AxiosResponse } from 'axios';
import type { TelegramChannelConfig } from '../../config/channel-config';
import type { Clock } from '../../core/clock';
import type { Channel, ChannelRef, DeliveryOutcome, Notification } from '../channel';
import { outcomeOfError, outcomeOfResponse } from '../http-outcome';
import { renderHtml, renderPlainText } from '../message-content';
import { htmlToPlainText, splitHtml } from '../split-html';
import { keyboardFor, NO_BUTTONS } from '../telegram-buttons';
import type { InlineKeyboard } from '../telegram-buttons';

/** Telegram's limit on the text of one message, in characters. */
export const TELEGRAM_MAX_TEXT = 4096;

const ENTITY_ERROR = /can't parse entities/i;
const RESOLVED_MARK = '✅ ';

type PartResult = { ok: true; messageId: number | null } | { ok: false; outcome: DeliveryOutcome };

/**
 * Posts notifications with the Bot API's `sendMessage` in HTML parse mode. A text over 4096
 * characters goes as several messages, in order; the ref remembers how many parts of which
 * notification were sent, so a retry after a failure mid-way resumes instead of repeating them.
 * The ref's `messageId` is the message that announced the incident (opened or reopened); a
 * `resolved` event edits it to show the resolved state (which drops its buttons). With `buttons`
 * enabled, the announcing message carries the buttons that apply to the incident (Acknowledge,
 * Escalate, Resolve; notify/telegram-updates.ts reads the presses), and an `acknowledged` or
 * `escalated` event updates them. The Bot API has no idempotency key, so an
 * answer lost after Telegram posted a part (a 5xx, a dropped connection) means that part is posted
 * again on retry. The bot token is part of every URL and is redacted from every reason.
 */
export class TelegramChannel implements Channel {
  readonly type = 'telegram';
  readonly name: string;

  constructor(
    private readonly config: TelegramChannelConfig,
    private readonly clock: Clock,
  ) {
    this.name = config.name;
  }

  async send(n: Notification): Promise<DeliveryOutcome> {
    const outcome = await this.deliver(n);
    return outcome.ok ? outcome : { ...outcome, reason: this.redact(outcome.reason) };
  }

  private async deliver(n: Notification): Promise<DeliveryOutcome> {
    const parts = splitHtml(renderHtml(n.content), TELEGRAM_MAX_TEXT);
    const { pendingKey, sentParts, partCount, ...kept } = n.ref ?? {};
    // Resume only the same notification split the same way; otherwise its parts may not line up.
    const resume = pendingKey === n.idempotencyKey && partCount === parts.length && typeof sentParts === 'number' ? sentParts : 0;
    const ref: ChannelRef = { ...kept };
    const announces = n.event === 'opened' || n.event === 'reopened';
    const keyboard = announces && this.config.buttons.enabled ? keyboardFor(n.incident, n.content.locale) : null;
    for (let i = resume; i < parts.length; i++) {
      const html = parts[i] ?? '';
      // A single part falls back to the canonical plain rendering; a part of many to its own text.
      const plain = parts.length === 1 ? renderPlainText(n.content) : htmlToPlainText(html);
      // The buttons go under the first part: the message whose id the ref keeps and presses edit.
      const result = await this.sendPart(html, plain, i === 0 ? keyboard : null);
      if (!result.ok) {
        // The ref is stored with the failure too: parts already posted are never posted again.
        const progress: ChannelRef = i > 0 ? { pendingKey: n.idempotencyKey, sentParts: i, partCount: parts.length } : {};
        return { ...result.outcome, ref: { ...ref, ...progress } };
      }
      if (i === 0 && announces && result.messageId !== null) ref.messageId = result.messageId;
    }
    if (n.event === 'resolved' && typeof ref.messageId === 'number') await this.markResolved(ref.messageId, n);
    const changesButtons = n.event === 'acknowledged' || n.event === 'escalated';
    if (changesButtons && this.config.buttons.enabled && typeof ref.messageId === 'number') await this.updateButtons(ref.messageId, n);
    return { ok: true, ref };
  }

  /** Sends one part in HTML; when Telegram cannot parse its entities, sends it again at once as plain text. */
  private async sendPart(html: string, plain: string, keyboard: InlineKeyboard | null): Promise<PartResult> {
    const markup = keyboard ? { reply_markup: keyboard } : {};
    try {
      let response = await this.call('sendMessage', { ...this.target(), text: html, parse_mode: 'HTML', ...markup });
      if (response.status === 400 && ENTITY_ERROR.test(descriptionOf(response))) {
        response = await this.call('sendMessage', { ...this.target(), text: plain, ...markup });
      }
      const outcome = outcomeOfResponse(response, this.clock.now().getTime());
      if (!outcome.ok) return { ok: false, outcome };
      const id = (response.data as { result?: { message_id?: unknown } } | undefined)?.result?.message_id;
      return { ok: true, messageId: typeof id === 'number' ? id : null };
    } catch (error) {
      return { ok: false, outcome: outcomeOfError(error) };
    }
  }

  /**
   * Rewrites the announcing message with the resolved state. Best effort: every failure (429 and
   * timeouts included) is ignored, because the resolve message itself was delivered, and retrying
   * would send it twice or hold the whole channel back for a cosmetic change.
   */
  private async markResolved(messageId: number, n: Notification): Promise<void> {
    const text = splitHtml(`${RESOLVED_MARK}${renderHtml(n.content)}`, TELEGRAM_MAX_TEXT)[0] ?? '';
    try {
      // A resolved incident has no button left: say so rather than rely on the edit dropping them.
      const markup = this.config.buttons.enabled ? { reply_markup: NO_BUTTONS } : {};
      await this.call('editMessageText', { chat_id: this.config.chatId, message_id: messageId, text, parse_mode: 'HTML', disable_web_page_preview: true, ...markup });
    } catch {
      // Ignored on purpose, see above.
    }
  }

  /**
   * Shows only the buttons that still apply after an acknowledge or escalation made elsewhere (the
   * API, the CLI). Best effort, like markResolved: the event's own message was delivered.
   */
  private async updateButtons(messageId: number, n: Notification): Promise<void> {
    const keyboard = keyboardFor(n.incident, n.content.locale) ?? NO_BUTTONS;
    try {
      await this.call('editMessageReplyMarkup', { chat_id: this.config.chatId, message_id: messageId, reply_markup: keyboard });
    } catch {
      // Ignored on purpose, see above.
    }
  }

  private target(): Record<string, unknown> {
    const thread = this.config.messageThreadId;
    return { chat_id: this.config.chatId, ...(thread !== undefined ? { message_thread_id: thread } : {}), disable_web_page_preview: true };
  }

  private call(method: string, body: Record<string, unknown>): Promise<AxiosResponse> {
    const url = `${this.config.apiUrl.replace(/\/+$/, '')}/bot${this.config.botToken}/${method}`;
    return axios.post(url, body, {
      headers: { 'content-type': 'application/json', 'user-agent': 'incident-bridge' },
      timeout: this.config.timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** Reasons are logged and stored: the token (raw or URL-encoded) never appears in one. */
  private redact(reason: string): string {
    const token = this.config.botToken;
    return [token, encodeURIComponent(token)].reduce((text, secret) => text.split(secret).join('<redacted>'), reason);
  }
}

function descriptionOf(response: AxiosResponse): string {
  const description = (response.data as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? description : '';
}
