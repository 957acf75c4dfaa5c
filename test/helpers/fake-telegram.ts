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
}

/** An edit the fake Bot API applied. */
export interface TelegramEdit {
  chatId: string | number;
  messageId: number;
  text: string;
  parseMode: string | null;
}

// Telegram's HTML parse mode: these tags, and the entities &lt; &gt; &amp; &quot; plus numeric ones.
const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'span', 'tg-spoiler', 'blockquote']);
const ENTITY = /^&(lt|gt|amp|quot|#\d+|#x[\da-f]+);/i;
const MAX_TEXT = 4096;

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

/**
 * A loopback Bot API answering `/bot<token>/sendMessage` and `/bot<token>/editMessageText` like
 * Telegram: 401 for a wrong token, 400 for a too long text or bad HTML; it records every message
 * and edit, and can be scripted to fail the next requests.
 */
export class FakeTelegram {
  readonly messages: TelegramMessage[] = [];
  readonly edits: TelegramEdit[] = [];
  /** Every request that reached the fake, scripted ones included. */
  readonly requests: { method: string; body: Record<string, unknown> }[] = [];
  private readonly script: TelegramScript[] = [];
  private readonly server = new LoopbackServer();
  private nextMessageId = 100;

  constructor(readonly token = '123456789:AAE-fake_Telegram-token') {}

  /** Queues answers for the next requests, in order; afterwards requests are served normally. */
  failNext(...answers: TelegramScript[]): void {
    this.script.push(...answers);
  }

  /** Starts listening; resolves with the base URL to use as the channel's `apiUrl`. */
  start(): Promise<string> {
    return this.server.start((req, res) => this.handle(req, res));
  }

  /** Stops the server, ending hanging requests. */
  stop(): Promise<void> {
    return this.server.stop();
  }

  private handle(req: RawRequest, res: ServerResponse): void {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.path);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.raw) as Record<string, unknown>;
    } catch {
      body = {};
    }
    this.requests.push({ method: m?.[2] ?? req.path, body });
    const shifted = this.script.shift();
    const next = shifted === 'ok' ? undefined : shifted;
    if (next === 'hang') return;
    if (next === 'drop') return void res.socket?.destroy();
    if (next !== undefined && next !== 'apply-then-fail') return this.fail(res, next.status, next.description ?? 'Internal Server Error', next.retryAfter);
    if (!m || decodeURIComponent(m[1] ?? '') !== this.token) return this.fail(res, 401, 'Unauthorized');
    const answer = m[2] === 'sendMessage' ? this.sendMessage(body) : m[2] === 'editMessageText' ? this.editMessageText(body) : { status: 404, description: 'Not Found' };
    if (next === 'apply-then-fail') return this.fail(res, 500, 'Internal Server Error');
    if ('description' in answer) return this.fail(res, answer.status, answer.description);
    answerJson(res, 200, { ok: true, result: answer.result });
  }

  private checkText(body: Record<string, unknown>): { status: number; description: string } | null {
    if (body.chat_id === undefined || body.chat_id === '') return { status: 400, description: 'Bad Request: chat_id is empty' };
    const text = typeof body.text === 'string' ? body.text : '';
    const parseMode = typeof body.parse_mode === 'string' ? body.parse_mode : null;
    if (text.trim() === '') return { status: 400, description: 'Bad Request: message text is empty' };
    const htmlError = parseMode === 'HTML' ? telegramHtmlError(text) : null;
    if (htmlError) return { status: 400, description: htmlError };
    if (visibleText(text, parseMode).length > MAX_TEXT) return { status: 400, description: 'Bad Request: message is too long' };
    return null;
  }

  private sendMessage(body: Record<string, unknown>): { status: number; description: string } | { result: unknown } {
    const error = this.checkText(body);
    if (error) return error;
    const message: TelegramMessage = {
      messageId: this.nextMessageId++,
      chatId: body.chat_id as string | number,
      text: body.text as string,
      parseMode: typeof body.parse_mode === 'string' ? body.parse_mode : null,
      threadId: typeof body.message_thread_id === 'number' ? body.message_thread_id : null,
      disableWebPagePreview: body.disable_web_page_preview === true,
    };
    this.messages.push(message);
    return { result: { message_id: message.messageId, chat: { id: message.chatId }, date: Math.floor(Date.now() / 1000), text: message.text } };
  }

  private editMessageText(body: Record<string, unknown>): { status: number; description: string } | { result: unknown } {
    const error = this.checkText(body);
    if (error) return error;
    const original = this.messages.find((m) => m.messageId === body.message_id && m.chatId === body.chat_id);
    if (!original) return { status: 400, description: 'Bad Request: message to edit not found' };
    const parseMode = typeof body.parse_mode === 'string' ? body.parse_mode : null;
    if (original.text === body.text && original.parseMode === parseMode) return { status: 400, description: 'Bad Request: message is not modified' };
    original.text = body.text as string;
    original.parseMode = parseMode;
    this.edits.push({ chatId: original.chatId, messageId: original.messageId, text: original.text, parseMode });
    return { result: { message_id: original.messageId, text: original.text } };
  }

  private fail(res: ServerResponse, status: number, description: string, retryAfter?: number): void {
    const parameters = retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {};
    const text = status === 429 && retryAfter !== undefined ? `Too Many Requests: retry after ${retryAfter}` : description;
    answerJson(res, status, { ok: false, error_code: status, description: text, ...parameters });
  }
}
