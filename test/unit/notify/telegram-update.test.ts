import { parseUpdate } from '../../../src/notify/telegram-update';

const chat = { id: -1001234567890, type: 'supergroup' };

describe('reading a Telegram update', () => {
  test('a button press under a message in a forum topic', () => {
    const raw = {
      update_id: 10,
      callback_query: { id: 'q1', from: { id: 1001, is_bot: false, first_name: 'Anna' }, chat_instance: 'x', data: 'ib1:1:acknowledge', message: { message_id: 100, chat, message_thread_id: 7, date: 1, text: 'hi' }, extra: true },
    };
    expect(parseUpdate(raw)).toEqual({ updateId: 10, kind: 'press', query: { id: 'q1', fromId: 1001, data: 'ib1:1:acknowledge', message: { chatId: chat.id, messageId: 100, threadId: 7 } } });
  });

  test('a press under an inline message, or without data, still names who pressed', () => {
    expect(parseUpdate({ update_id: 11, callback_query: { id: 'q2', from: { id: 5 }, inline_message_id: 'abc', game_short_name: 'g' } })).toEqual({
      updateId: 11,
      kind: 'press',
      query: { id: 'q2', fromId: 5, data: null, message: null },
    });
  });

  test('a reply, and a message that replies to nothing', () => {
    expect(parseUpdate({ update_id: 12, message: { message_id: 5, chat, from: { id: 1001 }, text: 'done', reply_to_message: { message_id: 101, chat } } })).toEqual({
      updateId: 12,
      kind: 'message',
      message: { messageId: 5, chatId: chat.id, threadId: null, fromId: 1001, text: 'done', replyToId: 101 },
    });
    expect(parseUpdate({ update_id: 13, message: { message_id: 6, chat, sticker: {} } })).toMatchObject({ kind: 'message', message: { fromId: null, text: null, replyToId: null } });
  });

  test.each([
    ['a press without who pressed', { update_id: 20, callback_query: { id: 'q' } }],
    ['a press with a numeric id', { update_id: 21, callback_query: { id: 5, from: { id: 1 } } }],
    ['a message without a chat', { update_id: 22, message: { message_id: 1, text: 'x' } }],
    ['an edited message', { update_id: 23, edited_message: { message_id: 1, chat } }],
    ['a chat member change', { update_id: 24, my_chat_member: {} }],
  ])('%s is another kind of update, confirmed and left alone', (_what, raw) => {
    expect(parseUpdate(raw)).toEqual({ updateId: raw.update_id, kind: 'other' });
  });

  test.each([
    ['no update_id', { message: {} }],
    ['a string update_id', { update_id: '1' }],
    ['a negative update_id', { update_id: -1 }],
    ['not an object', 'garbage'],
    ['null', null],
  ])('%s cannot be read', (_what, raw) => {
    expect(parseUpdate(raw)).toBeNull();
  });
});
