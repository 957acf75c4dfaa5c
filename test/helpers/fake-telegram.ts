import type { ServerResponse } from 'node:http';
import { answerJson, LoopbackServer } from './loopback-server';
import type { RawRequest } from './loopback-server';

/** A scripted answer: an error status (with Telegram's retry_after for 429), a hang, a drop, record-then-500, or a normal answer. */
export type TelegramScript = { status: number; description?: string; retryAfter?: number } | 'hang' | 'drop' | 'apply-then-fail' | 'ok';

/** A message the fake Bot API accepted. */
export interface TelegramMessage {
  messageId: number;
  chatId: string | number;
  text: string;
  parseMode: string | null;
  threadId: number | null;
  disableWebPagePreview: boolean;
  /** The inline keyboard or force-reply markup the message has now (edits change it), or null. */
  replyMarkup: Record<string, unknown> | null;
  /** The message it replies to, or null. */
  replyTo: number | null;
}

/** An edit the fake Bot API applied: of the text (`editMessageText`) or of the buttons only. */
export interface TelegramEdit {
  method: 'editMessageText' | 'editMessageReplyMarkup';
  chatId: string | number;
  messageId: number;
  text: string;
  parseMode: string | null;
  replyMarkup: Record<string, unknown> | null;
}

/** An answer to a button press. */
export interface TelegramCallbackAnswer {
  callbackQueryId: string;
  text: string | null;
  showAlert: boolean;
}

/** One `getUpdates` call: the offset and long-poll timeout it asked with, and how it ended. */
export interface TelegramPoll {
  offset: number | null;
  timeout: number;
  allowedUpdates: string[] | null;
  /** The update ids it answered, 'conflict' when a competing poll terminated it, null while it waits or when dropped. */
  answered: number[] | 'conflict' | null;
}

type Update = Record<string, unknown> & { update_id: number };
type Answer = { status: number; description: string; retryAfter?: number } | { result: unknown };

// Telegram's HTML parse mode: these tags, and the entities &lt; &gt; &amp; &quot; plus numeric ones.
const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'span', 'tg-spoiler', 'blockquote']);
const ENTITY = /^&(lt|gt|amp|quot|#\d+|#x[\da-f]+);/i;
const MAX_TEXT = 4096;
const MAX_CALLBACK_DATA_BYTES = 64;
const MAX_ANSWER_TEXT = 200;
const NOT_MODIFIED = 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const CONFLICT = 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
const BAD_QUERY = 'Bad Request: query is too old and response timeout expired or query ID is invalid';

/**
 * Checks text the way the Bot API's HTML parse mode does: only supported tags, each closed in
 * order, only supported entities. Returns Telegram's error description, or null when valid.
 */
export function telegramHtmlError(text: string): string | null {
  const stack: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '&') {
      if (!ENTITY.test(text.slice(i))) return `Bad Request: can't parse entities: Unsupported HTML entity at byte offset ${i}`;
    } else if (ch === '<') {
      const end = text.indexOf('>', i);
      if (end < 0) return `Bad Request: can't parse entities: Unclosed start tag at byte offset ${i}`;
      const m = /^<(\/?)([a-z-]+)(\s[^>]*)?>$/i.exec(text.slice(i, end + 1));
      const name = m?.[2]?.toLowerCase() ?? '';
      if (!m || !ALLOWED_TAGS.has(name)) return `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${i}`;
      if (m[1] === '/') {
        if (stack.pop() !== name) return `Bad Request: can't parse entities: Unmatched end tag at byte offset ${i}, expected "</${name}>"`;
      } else stack.push(name);
      i = end;
    } else if (ch === '>') return `Bad Request: can't parse entities: Unexpected ">" at byte offset ${i}`;
  }
  const open = stack.pop();
  return open ? `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${open}"` : null;
}

/** The text a reader sees: tags dropped, each entity one character. */
export function visibleText(text: string, parseMode: string | null): string {
  if (parseMode !== 'HTML') return text;
  return text.replace(/<[^>]*>/g, '').replace(/&(#x[\da-f]+|#\d+|[a-z]+);/gi, '_');
}

/** The callback data of every button of an inline keyboard, row by row. */
export function buttonData(markup: Record<string, unknown> | null): string[] {
  const rows = (markup?.inline_keyboard ?? []) as { callback_data?: string }[][];
  return rows.flat().map((b) => b.callback_data ?? '');
}

/**
 * A loopback Bot API that answers like Telegram: `sendMessage`, `editMessageText`,
 * `editMessageReplyMarkup`, `answerCallbackQuery` and `getUpdates`, 401 for a wrong token, 400 for
 * a too long text, bad HTML, callback data over 64 bytes, an edit that changes nothing or a query
 * answered twice. `getUpdates` long-polls: it answers at once when updates wait, otherwise holds
 * the request until one is pushed or `timeout` seconds pass; `offset` confirms (forgets) every
 * update below it; a second `getUpdates` while one waits ends the first with 409 Conflict.
 * It records every message, edit, answer and poll, and can be scripted to fail the next requests.
 */
export class FakeTelegram {
  readonly messages: TelegramMessage[] = [];
  readonly edits: TelegramEdit[] = [];
  readonly answers: TelegramCallbackAnswer[] = [];
  readonly polls: TelegramPoll[] = [];
  /** Every request that reached the fake, scripted ones included. */
  readonly requests: { method: string; body: Record<string, unknown> }[] = [];
  /** Every update ever pushed, confirmed ones included (to send one again, as a misbehaving server would). */
  readonly updates: Update[] = [];
  /** False makes `getUpdates` ignore offsets and send every update again, as a misbehaving server would. */
  confirmOffsets = true;
  private readonly arrivals: { method: string; resolve: () => void }[] = [];
  private readonly script: TelegramScript[] = [];
  private readonly server = new LoopbackServer();
  private readonly queue: Update[] = [];
  private readonly openQueries = new Set<string>();
  private waiting: { res: ServerResponse; poll: TelegramPoll; timer: NodeJS.Timeout } | null = null;
  private nextMessageId = 100;
  private nextUpdateId = 700_000;
  private nextQueryId = 1;

  constructor(readonly token = '123456789:AAE-fake_Telegram-token') {}

  /** Queues answers for the next requests, in order; afterwards requests are served normally. */
  failNext(...answers: TelegramScript[]): void {
    this.script.push(...answers);
  }

  /** Starts listening; resolves with the base URL to use as the channel's `apiUrl`. */
  start(): Promise<string> {
    return this.server.start((req, res) => this.handle(req, res));
  }

  /** Stops the server, ending hanging requests and a waiting long poll. */
  stop(): Promise<void> {
    if (this.waiting) clearTimeout(this.waiting.timer);
    this.waiting = null;
    return this.server.stop();
  }

  /** Resolves when the next request of `method` has arrived (and been recorded), whatever its answer. */
  waitFor(method: string): Promise<void> {
    return new Promise((resolve) => this.arrivals.push({ method, resolve }));
  }

  /** True while a `getUpdates` is held open waiting for updates. */
  get pollWaiting(): boolean {
    return this.waiting !== null;
  }

  /** A person presses a button: a `callback_query` update under the message (its chat and text). Returns the update id. */
  press(options: { userId: number; data: string; messageId: number; firstName?: string }): number {
    const message = this.messages.find((m) => m.messageId === options.messageId);
    const queryId = `q${this.nextQueryId++}`;
    this.openQueries.add(queryId);
    return this.push({
      callback_query: {
        id: queryId,
        from: { id: options.userId, is_bot: false, first_name: options.firstName ?? 'Person' },
        chat_instance: '-7001',
        data: options.data,
        message: {
          message_id: options.messageId,
          chat: { id: message?.chatId ?? -1001234567890, type: 'supergroup' },
          date: 1_742_288_400,
          ...(message?.threadId ? { message_thread_id: message.threadId } : {}),
          text: message ? visibleText(message.text, message.parseMode) : '',
        },
      },
    });
  }

  /** A person sends a message replying to `replyTo` (a `message` update). Returns the update id. */
  reply(options: { userId: number; text: string; replyTo: number }): number {
    const original = this.messages.find((m) => m.messageId === options.replyTo);
    const chatId = original?.chatId ?? -1001234567890;
    const messageId = this.nextMessageId++;
    return this.push({
      message: {
        message_id: messageId,
        from: { id: options.userId, is_bot: false, first_name: 'Person' },
        chat: { id: chatId, type: 'supergroup' },
        date: 1_742_288_400,
        text: options.text,
        reply_to_message: { message_id: options.replyTo, from: { id: 1, is_bot: true, first_name: 'bot' }, chat: { id: chatId, type: 'supergroup' }, date: 1_742_288_400, text: original?.text ?? '' },
      },
    });
  }

  /** Queues any update (its update_id is given unless `fields` has one); a waiting long poll answers at once. */
  push(fields: Record<string, unknown>): number {
    const update = { update_id: this.nextUpdateId++, ...fields } as Update;
    this.updates.push(update);
    this.queue.push(update);
    this.queue.sort((a, b) => a.update_id - b.update_id);
    if (this.waiting) {
      const { res, poll, timer } = this.waiting;
      clearTimeout(timer);
      this.waiting = null;
      this.answerPoll(res, poll);
    }
    return update.update_id;
  }

  private handle(req: RawRequest, res: ServerResponse): void {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.path);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.raw) as Record<string, unknown>;
    } catch {
      body = {};
    }
    const method = m?.[2] ?? req.path;
    this.requests.push({ method, body });
    for (const waiter of this.arrivals.filter((a) => a.method === method)) {
      this.arrivals.splice(this.arrivals.indexOf(waiter), 1);
      // After this request is handled (held, answered or failed), so a test sees its effect.
      setImmediate(waiter.resolve);
    }
    const shifted = this.script.shift();
    const next = shifted === 'ok' ? undefined : shifted;
    if (next === 'hang') return;
    if (next === 'drop') return void res.socket?.destroy();
    if (next !== undefined && next !== 'apply-then-fail') return this.fail(res, next.status, next.description ?? 'Internal Server Error', next.retryAfter);
    if (!m || decodeURIComponent(m[1] ?? '') !== this.token) return this.fail(res, 401, 'Unauthorized');
    if (method === 'getUpdates') return this.getUpdates(body, res);
    const answer = this.route(method, body);
    if (next === 'apply-then-fail') return this.fail(res, 500, 'Internal Server Error');
    if ('description' in answer) return this.fail(res, answer.status, answer.description);
    answerJson(res, 200, { ok: true, result: answer.result });
  }

  private route(method: string, body: Record<string, unknown>): Answer {
    switch (method) {
      case 'sendMessage':
        return this.sendMessage(body);
      case 'editMessageText':
        return this.editMessageText(body);
      case 'editMessageReplyMarkup':
        return this.editMessageReplyMarkup(body);
      case 'answerCallbackQuery':
        return this.answerCallbackQuery(body);
      default:
        return { status: 404, description: 'Not Found' };
    }
  }

  /** Long polling: confirm below `offset`, end a competing wait with 409, answer now or hold until an update or the timeout. */
  private getUpdates(body: Record<string, unknown>, res: ServerResponse): void {
    const offset = typeof body.offset === 'number' ? body.offset : null;
    const timeout = typeof body.timeout === 'number' ? body.timeout : 0;
    const allowedUpdates = Array.isArray(body.allowed_updates) ? (body.allowed_updates as string[]) : null;
    const poll: TelegramPoll = { offset, timeout, allowedUpdates, answered: null };
    this.polls.push(poll);
    if (offset !== null && this.confirmOffsets) {
      // Updates below the offset are confirmed: Telegram forgets them.
      while (this.queue.length > 0 && this.queue[0]!.update_id < offset) this.queue.shift();
    }
    if (this.waiting) {
      const competing = this.waiting;
      clearTimeout(competing.timer);
      this.waiting = null;
      competing.poll.answered = 'conflict';
      this.fail(competing.res, 409, CONFLICT);
    }
    if (this.deliverable(poll).length > 0 || timeout === 0) return this.answerPoll(res, poll);
    const timer = setTimeout(() => {
      if (this.waiting?.res !== res) return;
      this.waiting = null;
      this.answerPoll(res, poll);
    }, timeout * 1000);
    this.waiting = { res, poll, timer };
    res.on('close', () => {
      if (this.waiting?.res !== res) return;
      clearTimeout(timer);
      this.waiting = null;
    });
  }

  private deliverable(poll: TelegramPoll): Update[] {
    const allowed = poll.allowedUpdates;
    return this.queue.filter((u) => allowed === null || allowed.length === 0 || Object.keys(u).some((k) => k !== 'update_id' && allowed.includes(k)));
  }

  private answerPoll(res: ServerResponse, poll: TelegramPoll): void {
    const updates = this.deliverable(poll).slice(0, 100);
    poll.answered = updates.map((u) => u.update_id);
    answerJson(res, 200, { ok: true, result: updates });
  }

  private checkText(body: Record<string, unknown>): { status: number; description: string } | null {
    if (body.chat_id === undefined || body.chat_id === '') return { status: 400, description: 'Bad Request: chat_id is empty' };
    const text = typeof body.text === 'string' ? body.text : '';
    const parseMode = typeof body.parse_mode === 'string' ? body.parse_mode : null;
    if (text.trim() === '') return { status: 400, description: 'Bad Request: message text is empty' };
    const htmlError = parseMode === 'HTML' ? telegramHtmlError(text) : null;
    if (htmlError) return { status: 400, description: htmlError };
    if (visibleText(text, parseMode).length > MAX_TEXT) return { status: 400, description: 'Bad Request: message is too long' };
    return this.checkMarkup(body.reply_markup);
  }

  private checkMarkup(markup: unknown): { status: number; description: string } | null {
    if (markup === undefined) return null;
    if (markup === null || typeof markup !== 'object') return { status: 400, description: "Bad Request: can't parse reply keyboard markup JSON object" };
    for (const data of buttonData(markup as Record<string, unknown>)) {
      if (Buffer.byteLength(data, 'utf8') < 1 || Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_DATA_BYTES) return { status: 400, description: 'Bad Request: BUTTON_DATA_INVALID' };
    }
    return null;
  }

  private sendMessage(body: Record<string, unknown>): Answer {
    const error = this.checkText(body);
    if (error) return error;
    const replyTo = (body.reply_parameters as { message_id?: unknown } | undefined)?.message_id;
    const message: TelegramMessage = {
      messageId: this.nextMessageId++,
      chatId: body.chat_id as string | number,
      text: body.text as string,
      parseMode: typeof body.parse_mode === 'string' ? body.parse_mode : null,
      threadId: typeof body.message_thread_id === 'number' ? body.message_thread_id : null,
      disableWebPagePreview: body.disable_web_page_preview === true,
      replyMarkup: (body.reply_markup as Record<string, unknown> | undefined) ?? null,
      replyTo: typeof replyTo === 'number' ? replyTo : null,
    };
    this.messages.push(message);
    return { result: { message_id: message.messageId, chat: { id: message.chatId }, date: 1_742_288_400, text: message.text } };
  }

  private find(body: Record<string, unknown>): TelegramMessage | undefined {
    return this.messages.find((m) => m.messageId === body.message_id && m.chatId === body.chat_id);
  }

  private editMessageText(body: Record<string, unknown>): Answer {
    const error = this.checkText(body);
    if (error) return error;
    const original = this.find(body);
    if (!original) return { status: 400, description: 'Bad Request: message to edit not found' };
    const parseMode = typeof body.parse_mode === 'string' ? body.parse_mode : null;
    // An edit without reply_markup removes the message's inline keyboard.
    const markup = keyboardOrNull(body.reply_markup);
    if (original.text === body.text && original.parseMode === parseMode && sameMarkup(original.replyMarkup, markup)) return { status: 400, description: NOT_MODIFIED };
    Object.assign(original, { text: body.text as string, parseMode, replyMarkup: markup });
    this.edits.push({ method: 'editMessageText', chatId: original.chatId, messageId: original.messageId, text: original.text, parseMode, replyMarkup: markup });
    return { result: { message_id: original.messageId, text: original.text } };
  }

  private editMessageReplyMarkup(body: Record<string, unknown>): Answer {
    const error = this.checkMarkup(body.reply_markup);
    if (error) return error;
    const original = this.find(body);
    if (!original) return { status: 400, description: 'Bad Request: message to edit not found' };
    const markup = keyboardOrNull(body.reply_markup);
    if (sameMarkup(original.replyMarkup, markup)) return { status: 400, description: NOT_MODIFIED };
    original.replyMarkup = markup;
    this.edits.push({ method: 'editMessageReplyMarkup', chatId: original.chatId, messageId: original.messageId, text: original.text, parseMode: original.parseMode, replyMarkup: markup });
    return { result: { message_id: original.messageId, text: original.text } };
  }

  private answerCallbackQuery(body: Record<string, unknown>): Answer {
    const id = typeof body.callback_query_id === 'string' ? body.callback_query_id : '';
    if (!this.openQueries.delete(id)) return { status: 400, description: BAD_QUERY };
    const text = typeof body.text === 'string' ? body.text : null;
    if (text !== null && text.length > MAX_ANSWER_TEXT) return { status: 400, description: 'Bad Request: MESSAGE_TOO_LONG' };
    this.answers.push({ callbackQueryId: id, text, showAlert: body.show_alert === true });
    return { result: true };
  }

  private fail(res: ServerResponse, status: number, description: string, retryAfter?: number): void {
    const parameters = retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {};
    const text = status === 429 && retryAfter !== undefined ? `Too Many Requests: retry after ${retryAfter}` : description;
    answerJson(res, status, { ok: false, error_code: status, description: text, ...parameters });
  }
}

/** The markup a message keeps: an empty inline keyboard is no keyboard at all. */
function keyboardOrNull(markup: unknown): Record<string, unknown> | null {
  const m = (markup ?? null) as Record<string, unknown> | null;
  return m !== null && Array.isArray(m.inline_keyboard) && m.inline_keyboard.length === 0 ? null : m;
}

/** No keyboard and an empty one look the same to a reader. */
function sameMarkup(a: Record<string, unknown> | null, b: Record<string, unknown> | null): boolean {
  const norm = (m: Record<string, unknown> | null) => (m === null || (Array.isArray(m.inline_keyboard) && m.inline_keyboard.length === 0) ? 'none' : JSON.stringify(m));
  return norm(a) === norm(b);
}
