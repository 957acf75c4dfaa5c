import type { AxiosInstance, AxiosResponse } from 'axios';
import type { ZammadChannelConfig } from '../../config/channel-config';
import type { Clock } from '../../core/clock';
import type { Channel, ChannelRef, DeliveryOutcome, Notification } from '../channel';
import { CREATING_EVENTS, deliverWithProgress, incidentMarker, isSuccess, serviceClient } from '../service-client';
import type { DeliveryProgress } from '../service-client';
import { outcomeOfResponse } from '../http-outcome';
import { renderHtml } from '../message-content';

const TITLE_MAX = 250;

interface ZammadTicket {
  id: number;
  number?: string;
  title?: string;
}

/**
 * Keeps one Zammad ticket per incident: `opened` creates it (ref `{ticketId, ticketNumber}`),
 * later events add a customer-visible note, `reopened` sets the state `open` and `resolved` closes
 * it (or only comments, without `closeOnResolve`).
 *
 * Never two tickets for an incident: with a ticket id in the ref nothing is created; without one,
 * a retry (attempt > 1) or a later event first searches for the title marker `[IB-<id>]`, so a
 * create that reached Zammad while its answer was lost (timeout, 5xx) is adopted, not repeated.
 * The search is only as fresh as Zammad's index, which trails a create by about a second; the
 * outbox waits at least that long before a retry. The ref remembers the last notification whose
 * note was added (`articleFor`), so a retry after a failed state change adds no second note.
 */
export class ZammadChannel implements Channel {
  readonly type = 'zammad';
  readonly name: string;
  private readonly http: AxiosInstance;

  constructor(
    private readonly config: ZammadChannelConfig,
    private readonly clock: Clock,
  ) {
    this.name = config.name;
    this.http = serviceClient(config.url, config.timeoutMs, { authorization: `Token token=${config.apiToken}` });
  }

  async send(n: Notification): Promise<DeliveryOutcome> {
    return deliverWithProgress((progress) => this.deliver(n, progress));
  }

  private async deliver(n: Notification, progress: DeliveryProgress): Promise<DeliveryOutcome> {
    let ticketId = typeof n.ref?.ticketId === 'number' ? n.ref.ticketId : null;
    if (ticketId === null && (n.attempt > 1 || n.event !== 'opened')) {
      const found = await this.findTicket(n.incident.id);
      if ('outcome' in found) return found.outcome;
      if (found.ticket) {
        ticketId = found.ticket.id;
        progress.ref = { ...n.ref, ticketId, ticketNumber: found.ticket.number ?? null };
        if (n.event === 'opened') return { ok: true, ref: progress.ref };
      }
    }
    if (ticketId === null) return CREATING_EVENTS.has(n.event) ? this.createTicket(n) : { ok: true };

    const base: ChannelRef = progress.ref ?? { ...n.ref, ticketId };
    if (n.ref?.articleFor !== n.idempotencyKey) {
      const res = await this.http.post('/api/v1/ticket_articles', { ticket_id: ticketId, ...this.article(n) });
      if (!isSuccess(res)) return this.failure(res);
      progress.ref = { ...base, articleFor: n.idempotencyKey };
    }
    const state = n.event === 'reopened' ? 'open' : n.event === 'resolved' && this.config.closeOnResolve ? 'closed' : null;
    if (state !== null) {
      const res = await this.http.put(`/api/v1/tickets/${ticketId}`, { state });
      if (!isSuccess(res)) return this.failure(res);
    }
    return { ok: true, ref: progress.ref ?? { ...base, articleFor: n.idempotencyKey } };
  }

  private async createTicket(n: Notification): Promise<DeliveryOutcome> {
    const i = n.incident;
    const marker = incidentMarker(i.id);
    const customer = typeof this.config.customer === 'number' ? { customer_id: this.config.customer } : { customer: this.config.customer };
    const res = await this.http.post('/api/v1/tickets', {
      title: `${i.title.slice(0, TITLE_MAX - marker.length - 1)} ${marker}`,
      group: this.config.group,
      ...customer,
      priority: this.config.priorityMap[i.priority],
      state: 'new',
      tags: ['incident-bridge', `ib-${i.id}`, i.impact, i.category, i.healthModel].join(','),
      article: this.article(n),
    });
    if (!isSuccess(res)) return this.failure(res);
    const ticket = res.data as ZammadTicket;
    if (typeof ticket?.id !== 'number') return { ok: false, retryable: false, reason: 'Zammad answered the create without a ticket id' };
    return { ok: true, ref: { ticketId: ticket.id, ticketNumber: ticket.number ?? null, articleFor: n.idempotencyKey } };
  }

  /** The incident's ticket by its title marker (the oldest, should there be several), or null. */
  private async findTicket(incidentId: number): Promise<{ ticket: ZammadTicket | null } | { outcome: DeliveryOutcome }> {
    const marker = incidentMarker(incidentId);
    // Zammad's search matches words loosely (with or without Elasticsearch): check the exact marker.
    const res = await this.http.get('/api/v1/tickets/search', { params: { query: marker.slice(1, -1), expand: true, limit: 50 } });
    if (!isSuccess(res)) return { outcome: this.failure(res) };
    const data = res.data as ZammadTicket[] | { assets?: { Ticket?: Record<string, ZammadTicket> } };
    const tickets = Array.isArray(data) ? data : Object.values(data?.assets?.Ticket ?? {});
    const mine = tickets.filter((t) => typeof t.id === 'number' && typeof t.title === 'string' && t.title.includes(marker));
    return { ticket: mine.sort((a, b) => a.id - b.id)[0] ?? null };
  }

  private article(n: Notification): Record<string, unknown> {
    return { subject: n.content.headline, body: renderHtml(n.content, '<br>'), content_type: 'text/html', type: 'note', internal: false };
  }

  private failure(res: AxiosResponse): DeliveryOutcome {
    return outcomeOfResponse(res, this.clock.now().getTime(), describeZammadError);
  }
}

/** Zammad's words for an error: `error_human`, else `error`, else the status text. */
function describeZammadError(res: AxiosResponse): string {
  const body = res.data as { error_human?: unknown; error?: unknown } | undefined;
  return typeof body?.error_human === 'string' ? body.error_human : typeof body?.error === 'string' ? body.error : (res.statusText ?? '');
}
