import type { Clock } from '../core/clock';
import { ConflictError, NotFoundError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Actor, LocaleName } from '../core/vocabulary';
import { applyAction } from '../incidents/actions';
import type { ActionResult } from '../incidents/actions';
import type { QuietPolicy } from '../incidents/quiet-policy';
import type { NotifyChannels } from '../incidents/ingest';
import { parsePersonCommand } from '../incidents/person-command-schema';
import type { PersonCommand } from '../incidents/state-machine';
import type { IncidentReadModel, IncidentTransaction } from '../store/store';
import { TELEGRAM_MAX_TEXT } from './channels/telegram';
import { localeTexts } from './message-content';
import type { BotApiAnswer } from './telegram-bot-api';
import { announcementHtml, keyboardFor, NO_BUTTONS, parseCallbackData } from './telegram-buttons';
import type { ButtonAction } from './telegram-buttons';
import type { CallbackQuery, ChatMessage, TelegramUpdate } from './telegram-update';

/** The person behind a Telegram account, as app.ts finds them among the configured people. */
export interface TelegramPerson {
  name: string;
  /** True when the person's role allows the action (responder or admin). */
  may(action: PersonCommand['type']): boolean;
}

/** What a unit answers for an update handled before: it was skipped, and nothing is said to Telegram. */
export const DUPLICATE = Symbol('duplicate');

/** What the handler needs: the incidents, the people, and from its poller the bot's calls and the update's unit. */
export interface UpdateHandlerDeps {
  readModel: Pick<IncidentReadModel, 'getIncident' | 'pastResolutions'>;
  clock: Clock;
  logger: Logger;
  locale: LocaleName;
  publicUrl: string | null;
  /** The configured person with this Telegram user id, or null for a stranger. */
  personFor(telegramUserId: number): TelegramPerson | null;
  channelsFor?: NotifyChannels;
  /** How to stay quiet (a resolve by button releases what its incident inhibited). */
  quiet?: QuietPolicy;
  /** Called after an action changed an incident and committed (log, metrics, deliver now). */
  onAction?(incidentId: number, command: PersonCommand, result: ActionResult): void;
  /** The bot's public id, for the keys of its prompts. */
  botId: string;
  /** One Bot API call; never throws, and a failure is logged. */
  call<T = unknown>(method: string, body: Record<string, unknown>): Promise<BotApiAnswer<T>>;
  /** Runs `work` in the unit that commits the update's offset; DUPLICATE when the update was handled before. */
  commit<T>(updateId: number, work: (tx: IncidentTransaction) => Promise<T>): Promise<T | typeof DUPLICATE>;
  /** Runs one unit of work of its own, committed when this resolves; throws when it failed. */
  runUnit<T>(work: (tx: IncidentTransaction) => Promise<T>): Promise<T>;
}

/** The note on the timeline of an escalation by button. */
export const ESCALATE_NOTE = 'escalated from Telegram';
/** Telegram shows at most 200 characters of a callback answer. */
const MAX_ANSWER_CHARS = 200;

/** A resolution prompt waiting for its reply: the incident, and the message whose Resolve was pressed. */
interface Prompt {
  incidentId: number;
  chatId: number;
  messageId: number | null;
}

/** What a unit decided about an action; expected refusals are values, so the offset still commits. */
type Applied = { ok: true; result: ActionResult } | { ok: false; error: NotFoundError | ConflictError };

/**
 * Turns one update into what it asks for: a press of Acknowledge or Escalate into that action, a
 * press of Resolve into a prompt for the note, a reply to the prompt into the resolve. Only a
 * configured person whose role allows the action is obeyed; anyone else, and any malformed or
 * forged callback data, is answered and changes nothing. The action commits in the update's own
 * unit (with its offset); the answer to the press and the edit of the message follow the commit.
 */
export class TelegramUpdateHandler {
  private readonly log: Logger;

  constructor(private readonly deps: UpdateHandlerDeps) {
    this.log = deps.logger;
  }

  /** Handles one update; throws only when its unit could not commit (it is then read again). */
  async handle(update: TelegramUpdate): Promise<void> {
    switch (update.kind) {
      case 'press':
        return this.handlePress(update.updateId, update.query);
      case 'message':
        return this.handleMessage(update.updateId, update.message);
      case 'other':
        await this.commit(update.updateId, () => Promise.resolve(null));
    }
  }

  private async handlePress(updateId: number, q: CallbackQuery): Promise<void> {
    const t = localeTexts(this.deps.locale).telegram;
    const pressed = parseCallbackData(q.data);
    const log = this.log.child({ updateId, telegramUserId: q.fromId });
    if (!pressed) {
      if ((await this.commit(updateId, () => Promise.resolve(null))) === DUPLICATE) return;
      log.warn('Telegram button press with malformed callback data ignored', { dataLength: typeof q.data === 'string' ? q.data.length : null });
      return this.answer(q, t.invalidButton, false);
    }
    const person = this.deps.personFor(q.fromId);
    if (!person || !person.may(pressed.action)) {
      if ((await this.commit(updateId, () => Promise.resolve(null))) === DUPLICATE) return;
      log.warn('Telegram button press refused: not a person who may act', { person: person?.name ?? null, incidentId: pressed.incidentId, action: pressed.action });
      return this.answer(q, t.notAllowed, true);
    }
    const actor: Actor = { type: 'person', name: person.name };
    if (pressed.action === 'resolve') return this.askForNote(updateId, q, pressed.incidentId, log);
    const command = commandFor(pressed.action, actor);
    const applied = await this.commit(updateId, (tx) => this.apply(tx, pressed.incidentId, command));
    if (applied === DUPLICATE) return;
    if (!applied.ok) {
      log.warn('Telegram button press changed nothing', { incidentId: pressed.incidentId, action: pressed.action, reason: applied.error.message });
      const notFound = applied.error instanceof NotFoundError;
      await this.answer(q, notFound ? t.notFound(pressed.incidentId) : t.conflict(applied.error.message), !notFound);
      if (!notFound) await this.refresh(q, pressed.incidentId);
      return;
    }
    const { incident } = applied.result;
    this.after(pressed.incidentId, command, applied.result);
    const text =
      command.type === 'acknowledge'
        ? applied.result.changed
          ? t.acknowledgedBy(person.name)
          : t.alreadyAcknowledgedBy(incident.acknowledgedBy ?? person.name)
        : t.escalatedBy(incident.line, person.name);
    await this.answer(q, text, false);
    await this.refresh(q, pressed.incidentId);
  }

  /** Resolve needs a note: ask for it with a reply prompt, and remember which incident the prompt is for. */
  private async askForNote(updateId: number, q: CallbackQuery, incidentId: number, log: Logger): Promise<void> {
    const t = localeTexts(this.deps.locale).telegram;
    const found = await this.commit(updateId, (tx) => tx.findIncident(incidentId));
    if (found === DUPLICATE) return;
    if (found === null) return this.answer(q, t.notFound(incidentId), false);
    if (found.status === 'resolved') {
      await this.answer(q, t.alreadyResolved(incidentId), false);
      return this.refresh(q, incidentId);
    }
    if (!q.message) return this.answer(q, t.failed, true);
    const sent = await this.call<{ message_id?: unknown }>('sendMessage', {
      chat_id: q.message.chatId,
      ...(q.message.threadId !== null ? { message_thread_id: q.message.threadId } : {}),
      text: t.resolvePrompt(incidentId),
      reply_parameters: { message_id: q.message.messageId, allow_sending_without_reply: true },
      reply_markup: { force_reply: true, input_field_placeholder: t.notePlaceholder },
    });
    const promptId = sent.ok ? sent.result.message_id : null;
    if (typeof promptId !== 'number') {
      log.warn('the resolution prompt could not be sent', { incidentId, reason: sent.ok ? 'no message id' : sent.description });
      return this.answer(q, t.failed, true);
    }
    const prompt: Prompt = { incidentId, chatId: q.message.chatId, messageId: q.message.messageId };
    try {
      const key = this.promptKey(prompt.chatId, promptId);
      await this.deps.runUnit((tx) => Promise.resolve(tx.writeState(key, JSON.stringify(prompt), this.now())));
    } catch (error) {
      log.error('the resolution prompt could not be remembered', { incidentId, error });
      return this.answer(q, t.failed, true);
    }
    await this.answer(q, t.askNote, false);
  }

  /** A message: only a reply to a resolution prompt means something; it resolves with its text as the note. */
  private async handleMessage(updateId: number, m: ChatMessage): Promise<void> {
    const t = localeTexts(this.deps.locale).telegram;
    const key = m.replyToId === null ? null : this.promptKey(m.chatId, m.replyToId);
    const person = m.fromId === null ? null : this.deps.personFor(m.fromId);
    const outcome = await this.commit(updateId, async (tx) => {
      const stored = key === null ? null : await tx.readState(key);
      const prompt = stored === null ? null : parsePrompt(stored);
      if (!prompt || key === null) return { kind: 'ignored' } as const;
      if (!person || !person.may('resolve')) return { kind: 'refused', prompt } as const;
      const parsed = parsePersonCommand('resolve', { note: m.text ?? '' }, { type: 'person', name: person.name });
      if ('issues' in parsed) return { kind: 'bad-note', prompt } as const;
      const applied = await this.apply(tx, prompt.incidentId, parsed.command);
      // The prompt is answered: a second reply to it changes nothing.
      tx.writeState(key, null, this.now());
      return { kind: 'applied', prompt, command: parsed.command, applied } as const;
    });
    if (outcome === DUPLICATE || outcome.kind === 'ignored') return;
    const log = this.log.child({ updateId, telegramUserId: m.fromId, incidentId: outcome.prompt.incidentId });
    switch (outcome.kind) {
      case 'refused':
        log.warn('a reply to a resolution prompt refused: not a person who may resolve', { person: person?.name ?? null });
        return this.reply(m, t.notAllowed);
      case 'bad-note':
        return this.reply(m, t.noteMissing);
      case 'applied': {
        const { applied, prompt } = outcome;
        if (!applied.ok) {
          log.warn('a reply to a resolution prompt changed nothing', { reason: applied.error.message });
          return this.reply(m, applied.error instanceof NotFoundError ? t.notFound(prompt.incidentId) : t.conflict(applied.error.message));
        }
        this.after(prompt.incidentId, outcome.command, applied.result);
        await this.reply(m, applied.result.changed ? t.resolvedBy(prompt.incidentId, outcome.command.actor.name) : t.alreadyResolved(prompt.incidentId));
        if (prompt.messageId !== null) await this.call('editMessageReplyMarkup', { chat_id: prompt.chatId, message_id: prompt.messageId, reply_markup: NO_BUTTONS });
      }
    }
  }

  /** Applies a person's command in the unit; an unknown incident or a forbidding state is a value, not a rollback. */
  private async apply(tx: IncidentTransaction, incidentId: number, command: PersonCommand): Promise<Applied> {
    try {
      return { ok: true, result: await applyAction(tx, incidentId, command, this.now(), this.deps) };
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ConflictError) return { ok: false, error };
      throw error;
    }
  }

  private after(incidentId: number, command: PersonCommand, result: ActionResult): void {
    if (result.changed) this.deps.onAction?.(incidentId, command, result);
  }

  /** Rewrites the pressed message as the incident is now: who has it, and only the buttons that still apply. */
  private async refresh(q: CallbackQuery, incidentId: number): Promise<void> {
    if (!q.message) return;
    const target = { chat_id: q.message.chatId, message_id: q.message.messageId };
    let detail: Awaited<ReturnType<IncidentReadModel['getIncident']>>;
    try {
      detail = await this.deps.readModel.getIncident(incidentId);
    } catch (error) {
      this.log.warn('the pressed message could not be updated', { incidentId, error });
      return;
    }
    if (!detail) return;
    const keyboard = keyboardFor(detail.incident, this.deps.locale);
    // A resolved incident's message is rewritten by the channel's resolve; here it only loses its buttons.
    if (!keyboard) return void (await this.call('editMessageReplyMarkup', { ...target, reply_markup: NO_BUTTONS }));
    const { healthModel, metric } = detail.incident;
    const [lastResolution] = await this.deps.readModel.pastResolutions({ healthModel, metric, excludeId: incidentId, limit: 1 }).catch(() => []);
    const text = announcementHtml(detail, { locale: this.deps.locale, publicUrl: this.deps.publicUrl, lastResolution: lastResolution ?? null, maxChars: TELEGRAM_MAX_TEXT });
    const edited = await this.call('editMessageText', { ...target, text, parse_mode: 'HTML', disable_web_page_preview: true, reply_markup: keyboard });
    // A message sent as plain text (Telegram refused its HTML) keeps its text; its buttons still change.
    if (!edited.ok && !/not modified/i.test(edited.description)) await this.call('editMessageReplyMarkup', { ...target, reply_markup: keyboard });
  }

  private async answer(q: CallbackQuery, text: string, showAlert: boolean): Promise<void> {
    await this.call('answerCallbackQuery', { callback_query_id: q.id, text: text.slice(0, MAX_ANSWER_CHARS), show_alert: showAlert });
  }

  private async reply(m: ChatMessage, text: string): Promise<void> {
    await this.call('sendMessage', {
      chat_id: m.chatId,
      ...(m.threadId !== null ? { message_thread_id: m.threadId } : {}),
      text,
      reply_parameters: { message_id: m.messageId, allow_sending_without_reply: true },
    });
  }

  private call<T = unknown>(method: string, body: Record<string, unknown>): Promise<BotApiAnswer<T>> {
    return this.deps.call<T>(method, body);
  }

  private commit<T>(updateId: number, work: (tx: IncidentTransaction) => Promise<T>): Promise<T | typeof DUPLICATE> {
    return this.deps.commit(updateId, work);
  }

  private promptKey(chatId: number, messageId: number): string {
    return `telegram:${this.deps.botId}:prompt:${chatId}:${messageId}`;
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}

/** The command a button stands for; an escalation by button moves to the next line. */
function commandFor(action: Exclude<ButtonAction, 'resolve'>, actor: Actor): PersonCommand {
  return action === 'acknowledge' ? { type: 'acknowledge', actor } : { type: 'escalate', actor, note: ESCALATE_NOTE };
}

function parsePrompt(text: string): Prompt | null {
  try {
    const value = JSON.parse(text) as Partial<Prompt>;
    if (typeof value.incidentId !== 'number' || typeof value.chatId !== 'number') return null;
    return { incidentId: value.incidentId, chatId: value.chatId, messageId: typeof value.messageId === 'number' ? value.messageId : null };
  } catch {
    return null;
  }
}
