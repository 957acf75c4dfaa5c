import { api } from './api';
import { put } from './live';
import type { Incident } from './types';

/** A person's action on an incident, as the API takes it; the answer updates the queue at once. */
export async function act(id: number, action: string, body: Record<string, unknown> = {}): Promise<Incident> {
  const incident = await api<Incident>('POST', `/api/v1/incidents/${id}/${action}`, body);
  put(incident);
  return incident;
}

/** Acknowledges several incidents, a few at a time; returns the ids that failed. */
export async function acknowledgeAll(ids: number[]): Promise<number[]> {
  const failed: number[] = [];
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      await act(id, 'acknowledge').catch(() => failed.push(id));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return failed;
}
