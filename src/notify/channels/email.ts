import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { domainOf } from '../../config/channel-config';
import type { EmailChannelConfig } from '../../config/channel-config';
import type { Clock } from '../../core/clock';
import type { Channel, DeliveryOutcome, Notification } from '../channel';
import { escapeHtml, renderHtml, renderPlainText } from '../message-content';
import type { MessageContent } from '../message-content';

/** The Message-ID of a notification and the root Message-ID of its incident's thread. */
export interface MailThreadIds {
  messageId: string;
  rootId: string;
}

/**
 * Threads an incident's mails: the `opened` mail carries the root id `<incident-<id>@domain>`,
 * every later one `<incident-<id>.<event>.<occurrence>[.<step>]@domain>` from the notification's
 * identity, so a retry sends the same Message-ID (mail stores drop the duplicate), two
 * escalations get two ids, and clients group the mails under the root.
 */
export function mailThreadIds(n: Notification, domain: string): MailThreadIds {
  const rootId = `<incident-${n.incident.id}@${domain}>`;
  if (n.event === 'opened') return { messageId: rootId, rootId };
  const { event, occurrence, step } = n.identity;
  // A step is free text (a line, an SLA step); anything but a plain token is hashed to stay a valid id.
  const stepPart = step === '' ? '' : /^[A-Za-z0-9-]{1,32}$/.test(step) ? `.${step}` : `.${createHash('sha256').update(step).digest('hex').slice(0, 16)}`;
  return { messageId: `<incident-${n.incident.id}.${event}.${occurrence}${stepPart}@${domain}>`, rootId };
}

/** The subject line: `[P1] Incident opened: <title>` in the configured language. */
export function mailSubject(n: Notification): string {
  return `[${n.incident.priority}] ${n.content.headline}`.replace(/[\r\n]+/g, ' ');
}

/** A minimal HTML document around the simple HTML of the content, lines broken with `<br>`. */
export function mailHtml(c: MessageContent): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${c.locale}"><head><meta charset="utf-8"><title>${escapeHtml(c.headline)}</title></head>`,
    `<body>${renderHtml(c, '<br>\n')}</body></html>`,
  ].join('\n');
}

/** Codes of nodemailer errors that mean the relay could not be reached or talked to: worth a retry. */
const RETRYABLE_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EPROXY']);

/**
 * The outcome of a failed SMTP send: a 4xx reply (try again later) and connection errors or
 * timeouts retry; a 5xx reply (permanent) and anything else, such as a bad config, dead-letter.
 */
export function outcomeOfSmtpError(error: unknown): DeliveryOutcome {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { responseCode?: unknown; code?: unknown; response?: unknown; message?: unknown };
  const text = String(typeof e.response === 'string' ? e.response : (e.message ?? error)).replace(/\s+/g, ' ').slice(0, 200);
  if (typeof e.responseCode === 'number') return { ok: false, retryable: e.responseCode < 500, reason: `${e.responseCode} ${text}` };
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'ETIMEDOUT') return { ok: false, retryable: true, reason: 'timeout' };
  return { ok: false, retryable: RETRYABLE_CODES.has(code), reason: code ? `${code}: ${text}` : text };
}

interface SentInfo {
  rejected?: unknown[];
  rejectedErrors?: { responseCode?: number; response?: string }[];
}

/**
 * Sends each notification as one mail (plain text and HTML) through an SMTP relay, threaded per
 * incident by Message-ID, In-Reply-To and References. A new connection per mail, so nothing
 * stays open between deliveries; each SMTP step times out after `timeoutMs`.
 */
export class EmailChannel implements Channel {
  readonly type = 'email';
  readonly name: string;
  private readonly domain: string;
  private readonly transport: ReturnType<typeof createTransport>;

  constructor(
    private readonly config: EmailChannelConfig,
    private readonly clock: Clock,
  ) {
    this.name = config.name;
    this.domain = domainOf(config.from) ?? 'localhost';
    const { smtp, timeoutMs } = config;
    this.transport = createTransport({
      host: smtp.host,
      port: smtp.port ?? (smtp.secure ? 465 : 587),
      secure: smtp.secure,
      ...(smtp.requireTLS !== undefined ? { requireTLS: smtp.requireTLS } : {}),
      ...(smtp.username !== undefined && smtp.password !== undefined ? { auth: { user: smtp.username, pass: smtp.password } } : {}),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
      logger: false,
    });
  }

  async send(n: Notification): Promise<DeliveryOutcome> {
    const ids = mailThreadIds(n, this.domain);
    const threading = ids.messageId === ids.rootId ? {} : { inReplyTo: ids.rootId, references: [ids.rootId] };
    let info: SentInfo;
    try {
      info = (await this.transport.sendMail({
        from: this.config.from,
        to: this.config.to,
        subject: mailSubject(n),
        text: renderPlainText(n.content),
        html: mailHtml(n.content),
        messageId: ids.messageId,
        ...threading,
        date: this.clock.now(),
        headers: { 'X-Incident-Bridge-Incident': String(n.incident.id), 'X-Incident-Bridge-Key': n.idempotencyKey },
      })) as SentInfo;
    } catch (error) {
      return outcomeOfSmtpError(error);
    }
    return outcomeOfPartialRejection(info, this.config.to.length);
  }
}

/**
 * Some recipients refused while others took the mail: retried when a refusal was temporary (the
 * resend reuses the Message-ID, which mail stores deduplicate), else dead-lettered so it shows.
 */
function outcomeOfPartialRejection(info: SentInfo, total: number): DeliveryOutcome {
  const rejected = info.rejected ?? [];
  if (rejected.length === 0) return { ok: true };
  const errors = info.rejectedErrors ?? [];
  const temporary = errors.some((e) => typeof e.responseCode === 'number' && e.responseCode < 500);
  const first = errors[0];
  const code = first?.responseCode ?? 550;
  const reason = `${code} ${rejected.length} of ${total} recipients refused: ${String(first?.response ?? '').slice(0, 150)}`;
  return { ok: false, retryable: temporary, reason };
}
