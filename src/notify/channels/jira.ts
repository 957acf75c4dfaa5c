import type { AxiosInstance, AxiosResponse } from 'axios';
import type { JiraChannelConfig } from '../../config/channel-config';
import type { Clock } from '../../core/clock';
import type { Channel, ChannelRef, DeliveryOutcome, Notification } from '../channel';
import { CREATING_EVENTS, deliverWithProgress, incidentMarker, isSuccess, serviceClient } from '../service-client';
import type { DeliveryProgress } from '../service-client';
import { outcomeOfResponse } from '../http-outcome';
import { renderPlainText } from '../message-content';

const SUMMARY_MAX = 255;
const REQUEST = '/rest/servicedeskapi/request';

interface FoundRequest {
  issueKey: string;
  issueId: string;
}

/**
 * Keeps one Jira Service Management customer request per incident: `opened` creates it (ref
 * `{issueKey, issueId}`), later events add a public comment, and `resolved` also takes the
 * `resolveTransition` (found by name; a request already in a done status counts as resolved).
 *
 * Never two requests for an incident: with an issue key in the ref nothing is created; without
 * one, a retry (attempt > 1) or a later event first lists the desk's requests created by this
 * account whose summary matches `IB-<id>` and checks the exact marker `[IB-<id>]`, so a create
 * that reached Jira while its answer was lost is adopted. The ref remembers the last notification
 * whose comment was added (`commentFor`), so a retry after a failed transition adds no second one.
 */
export class JiraChannel implements Channel {
  readonly type = 'jira';
  readonly name: string;
  private readonly http: AxiosInstance;

  constructor(
    private readonly config: JiraChannelConfig,
    private readonly clock: Clock,
  ) {
    this.name = config.name;
    const authorization =
      config.bearerToken !== undefined
        ? `Bearer ${config.bearerToken}`
        : `Basic ${Buffer.from(`${config.email ?? ''}:${config.apiToken ?? ''}`).toString('base64')}`;
    this.http = serviceClient(config.url, config.timeoutMs, { authorization, accept: 'application/json' });
  }

  async send(n: Notification): Promise<DeliveryOutcome> {
    return deliverWithProgress((progress) => this.deliver(n, progress));
  }

  private async deliver(n: Notification, progress: DeliveryProgress): Promise<DeliveryOutcome> {
    let issueKey = typeof n.ref?.issueKey === 'string' ? n.ref.issueKey : null;
    if (issueKey === null && (n.attempt > 1 || n.event !== 'opened')) {
      const found = await this.findRequest(n.incident.id);
      if ('outcome' in found) return found.outcome;
      if (found.request) {
        issueKey = found.request.issueKey;
        progress.ref = { ...n.ref, issueKey, issueId: found.request.issueId };
        if (n.event === 'opened') return { ok: true, ref: progress.ref };
      }
    }
    if (issueKey === null) return CREATING_EVENTS.has(n.event) ? this.createRequest(n) : { ok: true };

    const base: ChannelRef = progress.ref ?? { ...n.ref, issueKey };
    const path = `${REQUEST}/${encodeURIComponent(issueKey)}`;
    if (n.ref?.commentFor !== n.idempotencyKey) {
      const res = await this.http.post(`${path}/comment`, { body: renderPlainText(n.content), public: true });
      if (!isSuccess(res)) return this.failure(res);
      progress.ref = { ...base, commentFor: n.idempotencyKey };
    }
    const done: ChannelRef = progress.ref ?? { ...base, commentFor: n.idempotencyKey };
    if (n.event === 'resolved') {
      const failed = await this.resolve(path);
      if (failed) return { ...failed, ref: done };
    }
    return { ok: true, ref: done };
  }

  private async createRequest(n: Notification): Promise<DeliveryOutcome> {
    const i = n.incident;
    const marker = incidentMarker(i.id);
    const fields: Record<string, unknown> = {
      summary: `${i.title.replace(/[\r\n]+/g, ' ').slice(0, SUMMARY_MAX - marker.length - 1)} ${marker}`,
      description: renderPlainText(n.content),
    };
    if (this.config.setPriority) fields.priority = { name: this.config.priorityMap[i.priority] };
    const res = await this.http.post(REQUEST, {
      serviceDeskId: this.config.serviceDeskId,
      requestTypeId: this.config.requestTypeId,
      requestFieldValues: fields,
      ...(this.config.raiseOnBehalfOf !== undefined ? { raiseOnBehalfOf: this.config.raiseOnBehalfOf } : {}),
    });
    if (!isSuccess(res)) return this.failure(res);
    const body = res.data as Partial<FoundRequest> | undefined;
    if (typeof body?.issueKey !== 'string') return { ok: false, retryable: false, reason: 'Jira answered the create without an issue key' };
    return { ok: true, ref: { issueKey: body.issueKey, issueId: String(body.issueId ?? ''), commentFor: n.idempotencyKey } };
  }

  /** The incident's request by its summary marker (the oldest, should there be several), or null. */
  private async findRequest(incidentId: number): Promise<{ request: FoundRequest | null } | { outcome: DeliveryOutcome }> {
    const marker = incidentMarker(incidentId);
    const res = await this.http.get(REQUEST, {
      params: { serviceDeskId: this.config.serviceDeskId, searchTerm: marker.slice(1, -1), requestOwnership: 'OWNED_REQUESTS', requestStatus: 'ALL_REQUESTS', limit: 50 },
    });
    if (!isSuccess(res)) return { outcome: this.failure(res) };
    type Listed = FoundRequest & { requestFieldValues?: { fieldId?: string; value?: unknown }[] };
    const values = ((res.data as { values?: Listed[] } | undefined)?.values ?? []).filter((r) =>
      r.requestFieldValues?.some((f) => f.fieldId === 'summary' && typeof f.value === 'string' && f.value.includes(marker)),
    );
    // The search matches words loosely, so the exact marker decides; the lowest id is the first create.
    const first = values.sort((a, b) => Number(a.issueId) - Number(b.issueId))[0];
    return { request: first ? { issueKey: first.issueKey, issueId: String(first.issueId) } : null };
  }

  /** Takes the resolve transition; returns the failed outcome, or null when resolved. */
  private async resolve(path: string): Promise<DeliveryOutcome | null> {
    const list = await this.http.get(`${path}/transition`);
    if (!isSuccess(list)) return this.failure(list);
    const transitions = (list.data as { values?: { id: string; name: string }[] } | undefined)?.values ?? [];
    const wanted = this.config.resolveTransition.toLowerCase();
    const transition = transitions.find((t) => t.name.toLowerCase() === wanted);
    if (!transition) {
      // Not offered: either already resolved (by a person, or by an earlier try whose answer was lost) or misnamed.
      const request = await this.http.get(path);
      if (!isSuccess(request)) return this.failure(request);
      const category = (request.data as { currentStatus?: { statusCategory?: string } } | undefined)?.currentStatus?.statusCategory;
      if (category === 'DONE') return null;
      const offered = transitions.map((t) => t.name).join(', ') || 'none';
      return { ok: false, retryable: false, reason: `no transition "${this.config.resolveTransition}" (offered: ${offered})`.slice(0, 200) };
    }
    const res = await this.http.post(`${path}/transition`, { id: transition.id });
    return isSuccess(res) ? null : this.failure(res);
  }

  private failure(res: AxiosResponse): DeliveryOutcome {
    return outcomeOfResponse(res, this.clock.now().getTime(), describeJiraError);
  }
}

/** Jira's words for an error: `errorMessage` (service desk API) or `errorMessages` and `errors` (platform). */
function describeJiraError(res: AxiosResponse): string {
  const body = res.data as { errorMessage?: unknown; errorMessages?: unknown; errors?: unknown } | undefined;
  const parts: string[] = [];
  if (typeof body?.errorMessage === 'string') parts.push(body.errorMessage);
  if (Array.isArray(body?.errorMessages)) parts.push(...body.errorMessages.filter((m): m is string => typeof m === 'string'));
  if (body?.errors && typeof body.errors === 'object') parts.push(...Object.entries(body.errors).map(([k, v]) => `${k}: ${String(v)}`));
  return (parts.length > 0 ? parts.join('; ') : (res.statusText ?? '')).slice(0, 200);
}
