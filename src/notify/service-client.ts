import axios from 'axios';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { NotifyEvent } from '../core/vocabulary';
import type { ChannelRef, DeliveryOutcome } from './channel';
import { outcomeOfError } from './http-outcome';

/** An HTTP client for a service API: JSON, no redirects, every status returned to the caller. */
export function serviceClient(baseUrl: string, timeoutMs: number, headers: Record<string, string>): AxiosInstance {
  return axios.create({
    baseURL: baseUrl.replace(/\/+$/, ''),
    timeout: timeoutMs,
    headers: { 'content-type': 'application/json', 'user-agent': 'incident-bridge', ...headers },
    validateStatus: () => true,
    maxRedirects: 0,
  });
}

/** What a multi-step delivery has learned so far (a ticket found or created, a comment added). */
export interface DeliveryProgress {
  ref?: ChannelRef;
}

/**
 * Runs a multi-step delivery so that what it learned reaches the store on every path: a failed
 * step or a network error after the ticket was created still returns the ticket id in `ref`, so
 * no retry creates it twice.
 */
export async function deliverWithProgress(deliver: (progress: DeliveryProgress) => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
  const progress: DeliveryProgress = {};
  let outcome: DeliveryOutcome;
  try {
    outcome = await deliver(progress);
  } catch (error) {
    outcome = outcomeOfError(error);
  }
  return !outcome.ok && !outcome.ref && progress.ref ? { ...outcome, ref: progress.ref } : outcome;
}

/** The marker in every ticket title or request summary, `[IB-<incident id>]`, by which a lost create is found again. */
export function incidentMarker(incidentId: number): string {
  return `[IB-${incidentId}]`;
}

/** Events that need a ticket: without one (and none found) they create it; the others only update. */
export const CREATING_EVENTS: ReadonlySet<NotifyEvent> = new Set(['opened', 'reopened', 'escalated']);

export function isSuccess(res: AxiosResponse): boolean {
  return res.status >= 200 && res.status < 300;
}
