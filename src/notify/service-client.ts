import axios from 'axios';
import type { AxiosInstance } from 'axios';
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
 * Runs a multi-step delivery so that what it learned reaches the store on every path: a network
 * error after the ticket was created still returns the ticket id in `ref`, so no retry creates it twice.
 */
export async function deliverWithProgress(deliver: (progress: DeliveryProgress) => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
  const progress: DeliveryProgress = {};
  try {
    return await deliver(progress);
  } catch (error) {
    return { ...outcomeOfError(error), ...(progress.ref ? { ref: progress.ref } : {}) };
  }
}
