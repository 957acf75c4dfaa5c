import { z } from 'zod';

/** A button press: who pressed, the callback data, and the message it was under (null for an inline message). */
export interface CallbackQuery {
  id: string;
  fromId: number;
  data: string | null;
  message: { chatId: number; messageId: number; threadId: number | null } | null;
}

/** A chat message the bot received; only replies to a resolution prompt mean something. */
export interface ChatMessage {
  messageId: number;
  chatId: number;
  threadId: number | null;
  fromId: number | null;
  text: string | null;
  replyToId: number | null;
}

/** One update of `getUpdates`, reduced to what the poller acts on. */
export type TelegramUpdate =
  | { updateId: number; kind: 'press'; query: CallbackQuery }
  | { updateId: number; kind: 'message'; message: ChatMessage }
  | { updateId: number; kind: 'other' };

const id = z.number().int().safe();
const chat = z.object({ id });
const messageSchema = z.object({
  message_id: id,
  chat,
  message_thread_id: id.optional(),
  from: z.object({ id }).optional(),
  text: z.string().optional(),
  reply_to_message: z.object({ message_id: id }).optional(),
});
const callbackSchema = z.object({
  id: z.string().min(1),
  from: z.object({ id }),
  data: z.string().optional(),
  // An old message comes as an "inaccessible message": chat and message_id only.
  message: z.object({ message_id: id, chat, message_thread_id: id.optional() }).optional(),
});
const updateSchema = z.object({ update_id: id.nonnegative() });

/**
 * Reads one update as Telegram sends it; unknown fields are ignored, and an update whose press or
 * message lacks what the poller needs is `other` (its offset is still confirmed). Null without a
 * usable `update_id`. Pure.
 */
export function parseUpdate(raw: unknown): TelegramUpdate | null {
  const head = updateSchema.safeParse(raw);
  if (!head.success) return null;
  const updateId = head.data.update_id;
  const body = raw as { callback_query?: unknown; message?: unknown };
  if (body.callback_query !== undefined) {
    const q = callbackSchema.safeParse(body.callback_query);
    if (!q.success) return { updateId, kind: 'other' };
    const m = q.data.message;
    return {
      updateId,
      kind: 'press',
      query: {
        id: q.data.id,
        fromId: q.data.from.id,
        data: q.data.data ?? null,
        message: m ? { chatId: m.chat.id, messageId: m.message_id, threadId: m.message_thread_id ?? null } : null,
      },
    };
  }
  if (body.message !== undefined) {
    const m = messageSchema.safeParse(body.message);
    if (!m.success) return { updateId, kind: 'other' };
    return {
      updateId,
      kind: 'message',
      message: {
        messageId: m.data.message_id,
        chatId: m.data.chat.id,
        threadId: m.data.message_thread_id ?? null,
        fromId: m.data.from?.id ?? null,
        text: m.data.text ?? null,
        replyToId: m.data.reply_to_message?.message_id ?? null,
      },
    };
  }
  return { updateId, kind: 'other' };
}
