import axios from 'axios';
import type { AxiosResponse } from 'axios';
import type { ChatWebhookChannelConfig } from '../../config/channel-config';
import type { Clock } from '../../core/clock';
import type { Priority } from '../../core/vocabulary';
import type { Channel, DeliveryOutcome, Notification } from '../channel';
import { outcomeOfError, outcomeOfResponse } from '../http-outcome';
import type { MessageContent } from '../message-content';

/** Attachment colours: red to blue by priority, green once resolved. */
export const PRIORITY_COLORS: Record<Priority, string> = { P1: '#d0021b', P2: '#f5a623', P3: '#f8e71c', P4: '#4a90e2' };
const RESOLVED_COLOR = '#2eb886';
/** Long summaries are cut (the incident link has the rest): Mattermost posts hold about 16,000 characters. */
const MAX_SUMMARY = 3000;
const MAX_TITLE = 300;

/** Escapes text for Slack mrkdwn (which Mattermost also reads): only &, < and > are special. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function link(url: string, label: string): string {
  return `<${url.replace(/[<>|]/g, (c) => encodeURIComponent(c))}|${escapeMrkdwn(label)}>`;
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The JSON body of an incoming webhook: a bold headline as `text` (what phones show) and one
 * attachment coloured by priority with the summary, fields, affected alerts and links. Both Slack
 * and Mattermost read `attachments`; Mattermost wants `**bold**` where Slack wants `*bold*`.
 */
export function chatWebhookPayload(n: Notification, config: ChatWebhookChannelConfig): Record<string, unknown> {
  const c: MessageContent = n.content;
  const bold = (s: string): string => (config.type === 'mattermost' ? `**${s}**` : `*${s}*`);
  const headline = `${c.eventLabel}: ${truncate(c.title, MAX_TITLE)}`;
  const lines: string[] = [];
  if (c.summary) lines.push(escapeMrkdwn(truncate(c.summary, MAX_SUMMARY)));
  if (c.alertLines.length > 0) lines.push('', bold(escapeMrkdwn(c.affectedLabel)), ...c.alertLines.map((l) => `• ${escapeMrkdwn(l)}`));
  const links = [c.runbookUrl ? link(c.runbookUrl, c.runbookLabel) : null, c.link ? link(c.link, `${c.linkLabel} #${n.incident.id}`) : null];
  if (links.some((l) => l !== null)) lines.push('', links.filter((l) => l !== null).join(' | '));
  if (c.lastTime) lines.push('', `_${escapeMrkdwn(truncate(c.lastTime, MAX_SUMMARY))}_`);
  const attachment = {
    color: n.event === 'resolved' ? RESOLVED_COLOR : PRIORITY_COLORS[n.incident.priority],
    fallback: headline,
    text: lines.join('\n').replace(/^\n+/, ''),
    fields: c.fields.map((f) => ({ title: f.label, value: escapeMrkdwn(f.value), short: true })),
    mrkdwn_in: ['text', 'fields'],
  };
  return {
    text: bold(escapeMrkdwn(headline)),
    attachments: [attachment],
    ...(config.channel ? { channel: config.channel } : {}),
    ...(config.username ? { username: config.username } : {}),
    ...(config.iconEmoji ? { icon_emoji: config.iconEmoji } : {}),
  };
}

/**
 * Posts notifications to a Slack or Mattermost incoming webhook. Slack answers 200 `ok` or a 4xx
 * with a plain-text error code (`invalid_payload`, `channel_not_found`, `no_service`) and 429 with
 * Retry-After; Mattermost answers JSON errors. The shared status table decides retry or dead
 * letter, and the webhook URL (a secret) never appears in a reason.
 */
export class ChatWebhookChannel implements Channel {
  readonly type: 'slack' | 'mattermost';
  readonly name: string;

  constructor(
    private readonly config: ChatWebhookChannelConfig,
    private readonly clock: Clock,
  ) {
    this.name = config.name;
    this.type = config.type;
  }

  async send(n: Notification): Promise<DeliveryOutcome> {
    let outcome: DeliveryOutcome;
    try {
      const response = await axios.post(this.config.webhookUrl, chatWebhookPayload(n, this.config), {
        headers: { 'content-type': 'application/json', 'user-agent': 'incident-bridge' },
        timeout: this.config.timeoutMs,
        validateStatus: () => true,
        maxRedirects: 0,
      });
      outcome = outcomeOfResponse(response, this.clock.now().getTime(), errorText);
    } catch (error) {
      outcome = outcomeOfError(error);
    }
    return outcome.ok ? outcome : { ...outcome, reason: this.redact(outcome.reason) };
  }

  private redact(reason: string): string {
    const url = this.config.webhookUrl;
    const path = new URL(url).pathname;
    return [url, path.length > 1 ? path : null].reduce((text: string, secret) => (secret ? text.split(secret).join('<redacted>') : text), reason);
  }
}

/** Slack's plain-text error code or Mattermost's JSON `message`, else the status text. */
function errorText(response: AxiosResponse): string {
  const data: unknown = response.data;
  if (typeof data === 'string' && data.trim() !== '') return data.trim().slice(0, 200);
  if (data !== null && typeof data === 'object') {
    const { message, description } = data as { message?: unknown; description?: unknown };
    if (typeof message === 'string') return message.slice(0, 200);
    if (typeof description === 'string') return description.slice(0, 200);
  }
  return response.statusText || 'error';
}
