import type { LocaleName } from '../core/vocabulary';
import type { IncidentDetail, IncidentRecord, PastResolution } from '../store/store';
import { buildMessageContent, escapeHtml, localeTexts, renderHtml, SHOWN_ALERTS } from './message-content';
import { splitHtml } from './split-html';

/** The actions an incident's Telegram message offers as buttons. */
export const BUTTON_ACTIONS = ['acknowledge', 'escalate', 'resolve'] as const;
export type ButtonAction = (typeof BUTTON_ACTIONS)[number];

/** One button: its label and the callback data Telegram sends back when it is pressed. */
export interface InlineButton {
  text: string;
  callback_data: string;
}

/** Telegram's inline keyboard: rows of buttons. An empty keyboard removes the buttons of a message. */
export interface InlineKeyboard {
  inline_keyboard: InlineButton[][];
}

/** Telegram refuses callback data over 64 bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;
const CALLBACK_DATA = /^ib1:([1-9]\d{0,14}):(acknowledge|escalate|resolve)$/;

/** The callback data of a button: `ib1:<incidentId>:<action>`, at most 32 bytes. */
export function callbackData(incidentId: number, action: ButtonAction): string {
  return `ib1:${incidentId}:${action}`;
}

/** The incident and action a press names, or null for anything that is not exactly `ib1:<id>:<action>`. Pure. */
export function parseCallbackData(data: unknown): { incidentId: number; action: ButtonAction } | null {
  if (typeof data !== 'string' || data.length > MAX_CALLBACK_DATA_BYTES) return null;
  const m = CALLBACK_DATA.exec(data);
  if (!m) return null;
  return { incidentId: Number(m[1]), action: m[2] as ButtonAction };
}

/**
 * The buttons that apply to an incident as it is now: Acknowledge while it is open, Escalate
 * below L3, Resolve until it is resolved; null when none applies (a resolved incident). Pure.
 */
export function keyboardFor(incident: Pick<IncidentRecord, 'id' | 'status' | 'line'>, locale: LocaleName): InlineKeyboard | null {
  if (incident.status === 'resolved') return null;
  const t = localeTexts(locale).telegram;
  const row: InlineButton[] = [];
  if (incident.status === 'open') row.push({ text: t.acknowledge, callback_data: callbackData(incident.id, 'acknowledge') });
  if (incident.line !== 'L3') row.push({ text: t.escalate, callback_data: callbackData(incident.id, 'escalate') });
  row.push({ text: t.resolve, callback_data: callbackData(incident.id, 'resolve') });
  return { inline_keyboard: [row] };
}

/** A keyboard with no buttons: given to an edit, it removes the buttons of the message. */
export const NO_BUTTONS: InlineKeyboard = Object.freeze({ inline_keyboard: [] }) as InlineKeyboard;

/**
 * Who took the incident in hand, from its timeline since it last opened: "Acknowledged by anna",
 * "Escalated to L2 by boris" (the escalation to the line it is on now). Pure.
 */
export function statusLines(detail: Pick<IncidentDetail, 'incident' | 'timeline'>, locale: LocaleName): string[] {
  const t = localeTexts(locale).telegram;
  const { incident, timeline } = detail;
  const since = timeline.reduce((at, e, i) => (e.event === 'opened' || e.event === 'reopened' ? i : at), 0);
  const lines: string[] = [];
  if (incident.acknowledgedBy !== null) lines.push(t.acknowledgedBy(incident.acknowledgedBy));
  const escalation = timeline
    .slice(since)
    .reverse()
    .find((e) => e.event === 'escalated' && e.detail.to === incident.line);
  if (escalation) lines.push(t.escalatedBy(incident.line, escalation.actor.name));
  return lines;
}

/**
 * The incident's announcing message as it reads now, for an edit after a press: its status lines
 * on top (bold), then the same text the channel sent for `opened` or `reopened`, with today's
 * fields; only what fits one Telegram message (the first part of a long one). Pure.
 */
export function announcementHtml(
  detail: Pick<IncidentDetail, 'incident' | 'timeline' | 'alerts'>,
  options: { locale: LocaleName; publicUrl: string | null; lastResolution: PastResolution | null; maxChars: number },
): string {
  const { incident } = detail;
  const content = buildMessageContent({
    event: incident.reopenCount > 0 ? 'reopened' : 'opened',
    incident,
    alerts: detail.alerts.slice(0, SHOWN_ALERTS),
    alertTotal: incident.alertCount,
    locale: options.locale,
    publicUrl: options.publicUrl,
    lastResolution: options.lastResolution,
  });
  const status = statusLines(detail, options.locale)
    .map((line) => `<b>${escapeHtml(line)}</b>\n`)
    .join('');
  const head = status === '' ? '' : `${status}\n`;
  // Split the message alone, then put the status above its first part: both always show.
  return `${head}${splitHtml(renderHtml(content), options.maxChars - head.length)[0] ?? ''}`;
}
