import type { LocaleName, NotifyEvent } from '../core/vocabulary';
import type { AlertRecord, IncidentRecord, NotificationPayload, PastResolution } from '../store/store';
import { slaFields, slaReason } from './sla-lines';
import { en } from './locales/en';
import type { Locale } from './locales/locale';
import { ru } from './locales/ru';

const LOCALE_TEXTS: Record<LocaleName, Locale> = { en, ru };
/** How many of an incident's alerts a message lists. */
export const SHOWN_ALERTS = 5;

/** A notification's text, localized but not yet formatted for a channel. */
export interface MessageContent {
  locale: LocaleName;
  /** "Incident opened: <title>" in the chosen language. */
  headline: string;
  /** Why a reminder, an escalation or an SLA breach was sent, or null. */
  reason: string | null;
  eventLabel: string;
  title: string;
  summary: string;
  fields: { label: string; value: string }[];
  affectedLabel: string;
  /** One line per shown alert, and a last "and N more" line when there are more. */
  alertLines: string[];
  runbookLabel: string;
  runbookUrl: string | null;
  /** "Last time (boris, 2026-05-03 10:00 UTC): restarted the pod": the metric's last resolution, or null. */
  lastTime: string | null;
  linkLabel: string;
  /** The incident in the API, when the config names the daemon's public URL. */
  link: string | null;
}

/** Every text of one language, for messages built outside buildMessageContent (Telegram's buttons). */
export function localeTexts(locale: LocaleName): Locale {
  return LOCALE_TEXTS[locale];
}

/** Builds the text of one incident event in the configured language. Pure. */
export function buildMessageContent(input: {
  event: NotifyEvent;
  incident: IncidentRecord;
  alerts: AlertRecord[];
  alertTotal: number;
  locale: LocaleName;
  publicUrl: string | null;
  lastResolution?: PastResolution | null;
  /** The SLA step or breach the notification tells of. */
  sla?: NotificationPayload['sla'];
  /** The time the message is written, for the SLA time left; default the incident's last change. */
  now?: number;
}): MessageContent {
  const t = LOCALE_TEXTS[input.locale];
  const i = input.incident;
  const fields = [
    { label: t.fields.priority, value: t.priorities[i.priority] },
    { label: t.fields.impact, value: t.impacts[i.impact] },
    { label: t.fields.category, value: t.categories[i.category] },
    { label: t.fields.healthModel, value: i.healthModel },
    { label: t.fields.metric, value: i.metric },
    { label: t.fields.status, value: t.statuses[i.status] },
    { label: t.fields.line, value: i.line },
    { label: t.fields.alerts, value: `${i.alertCount} (${t.fields.firing}: ${i.firingCount})` },
    { label: t.fields.opened, value: formatTime(i.openedAt) },
  ];
  if (i.resolvedAt !== null) fields.push({ label: t.fields.resolved, value: formatTime(i.resolvedAt) });
  fields.push(...slaFields(i, input.now ?? i.updatedAt, t, formatTime));
  const alertLines = input.alerts.slice(0, SHOWN_ALERTS).map((a) => describeAlert(a, t));
  const hidden = input.alertTotal - alertLines.length;
  if (hidden > 0) alertLines.push(t.fields.more(hidden));
  return {
    locale: input.locale,
    headline: `${t.events[input.event]}: ${i.title}`,
    reason: slaReason(input.event, i, input.sla, t),
    eventLabel: t.events[input.event],
    title: i.title,
    summary: i.summary,
    fields,
    affectedLabel: `${t.fields.affected} (${input.alertTotal})`,
    alertLines,
    runbookLabel: t.fields.runbook,
    runbookUrl: i.runbookUrl,
    lastTime: lastTimeLine(input.lastResolution ?? null, t),
    linkLabel: t.fields.link,
    link: input.publicUrl ? `${input.publicUrl.replace(/\/+$/, '')}/api/v1/incidents/${i.id}` : null,
  };
}

/** The longest resolution note a message quotes; the incident page has the whole note. */
const MAX_LAST_TIME_CHARS = 500;

function lastTimeLine(r: PastResolution | null, t: Locale): string | null {
  if (!r) return null;
  const note = r.resolutionNote.length > MAX_LAST_TIME_CHARS ? `${r.resolutionNote.slice(0, MAX_LAST_TIME_CHARS - 1)}…` : r.resolutionNote;
  const who = [r.resolvedBy, formatTime(r.resolvedAt)].filter((x) => x !== null).join(', ');
  return `${t.fields.lastTime} (${who}): ${note.replace(/\s+/g, ' ')}`;
}

function describeAlert(a: AlertRecord, t: Locale): string {
  const name = a.labels.alertname ?? a.fingerprint;
  const where = a.labels.instance ?? a.labels.host ?? a.labels.pod ?? '';
  return `${name}${where ? ` ${where}` : ''} (${t.alertStatuses[a.status]})`;
}

/** A time as messages show it: `2026-05-04 10:00 UTC`. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The content as plain text, for email bodies, webhooks and fallbacks. */
export function renderPlainText(c: MessageContent): string {
  const lines = [`${c.eventLabel}: ${c.title}`];
  if (c.reason) lines.push(c.reason);
  if (c.summary) lines.push('', c.summary);
  lines.push('', ...c.fields.map((f) => `${f.label}: ${f.value}`));
  if (c.alertLines.length > 0) lines.push('', `${c.affectedLabel}:`, ...c.alertLines.map((l) => `- ${l}`));
  if (c.runbookUrl) lines.push('', `${c.runbookLabel}: ${c.runbookUrl}`);
  if (c.lastTime) lines.push(c.runbookUrl ? c.lastTime : `\n${c.lastTime}`);
  if (c.link) lines.push(`${c.linkLabel}: ${c.link}`);
  return lines.join('\n');
}

/** Escapes text for HTML (and Telegram's HTML parse mode, which knows only &lt; &gt; &amp; &quot;). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The content as simple HTML (b, i, a, line breaks): Telegram's subset and email alike. */
export function renderHtml(c: MessageContent, lineBreak = '\n'): string {
  const e = escapeHtml;
  const parts = [`<b>${e(c.eventLabel)}: ${e(c.title)}</b>`];
  if (c.reason) parts.push(`<i>${e(c.reason)}</i>`);
  if (c.summary) parts.push('', e(c.summary));
  parts.push('', ...c.fields.map((f) => `<b>${e(f.label)}:</b> ${e(f.value)}`));
  if (c.alertLines.length > 0) parts.push('', `<b>${e(c.affectedLabel)}:</b>`, ...c.alertLines.map((l) => `• ${e(l)}`));
  if (c.runbookUrl) parts.push('', `<a href="${e(c.runbookUrl)}">${e(c.runbookLabel)}</a>`);
  if (c.lastTime) parts.push(...(c.runbookUrl ? [] : ['']), `<i>${e(c.lastTime)}</i>`);
  if (c.link) parts.push(`<a href="${e(c.link)}">${e(c.linkLabel)} #${e(c.link.split('/').pop() ?? '')}</a>`);
  return parts.join(lineBreak);
}
