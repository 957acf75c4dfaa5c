import type { NotifyEvent } from '../core/vocabulary';
import type { AlertRecord, IncidentRecord, NotificationIdentity } from '../store/store';
import type { MessageContent } from './message-content';

/** What a channel remembers about an incident between deliveries (a message id, a ticket id). */
export type ChannelRef = Record<string, string | number | boolean | null>;

/** One notification to deliver, with everything a channel needs to format and send it. */
export interface Notification {
  id: number;
  /** incident, event, occurrence, step and channel: the same identity is never delivered twice. */
  identity: NotificationIdentity;
  /** The identity as one string (`<incident>:<event>:<occurrence>[:<step>]:<channel>`), for headers and refs. */
  idempotencyKey: string;
  event: NotifyEvent;
  incident: IncidentRecord;
  /** The incident's first alerts (at most a few) and their total. */
  alerts: AlertRecord[];
  alertTotal: number;
  /** Localized text blocks; channels format them (HTML, Markdown, plain text). */
  content: MessageContent;
  /** What this channel stored for this incident on an earlier delivery, or null. */
  ref: ChannelRef | null;
  attempt: number;
}

/**
 * A delivery outcome. `retryable` failures are tried again with backoff (network errors,
 * timeouts, 5xx, 429); the others are dead-lettered. `ref` is stored even on failure, for an
 * answer that was applied and then failed (a ticket created, then a 500).
 */
export type DeliveryOutcome =
  | { ok: true; ref?: ChannelRef }
  | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number; ref?: ChannelRef };

/** A destination of notifications: one file per kind under notify/channels/. */
export interface Channel {
  readonly name: string;
  readonly type: string;
  /** Delivers one notification; never throws (errors become a failed outcome). */
  send(notification: Notification): Promise<DeliveryOutcome>;
}
