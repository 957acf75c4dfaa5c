import { signal } from '@preact/signals';
import { api } from './api';
import type { Incident } from './types';

/** The open and acknowledged incidents, kept current by the daemon's live stream. */
export const active = signal<Map<number, Incident>>(new Map());
export const connected = signal(false);
export const loaded = signal(false);

const PAGE = 1000;
let source: EventSource | null = null;

/** Loads every active incident (page by page) and follows the stream; a reconnect loads again. */
export function follow(): void {
  if (source !== null) return;
  source = new EventSource('/api/v1/stream');
  source.addEventListener('hello', () => {
    connected.value = true;
    void loadAll();
  });
  source.addEventListener('incident', (e) => {
    const incident = JSON.parse((e as MessageEvent<string>).data) as Incident;
    const next = new Map(active.value);
    if (incident.status === 'resolved') next.delete(incident.id);
    else next.set(incident.id, incident);
    active.value = next;
  });
  source.onerror = () => {
    connected.value = false;
  };
}

export function unfollow(): void {
  source?.close();
  source = null;
  connected.value = false;
}

/** Puts one incident as an action answered it. */
export function put(incident: Incident): void {
  const next = new Map(active.value);
  if (incident.status === 'resolved') next.delete(incident.id);
  else next.set(incident.id, incident);
  active.value = next;
}

async function loadAll(): Promise<void> {
  const all = new Map<number, Incident>();
  let before: number | undefined;
  for (;;) {
    const page = await api<{ incidents: Incident[] }>('GET', `/api/v1/incidents?status=open,acknowledged&limit=${PAGE}${before === undefined ? '' : `&before=${before}`}`);
    for (const i of page.incidents) all.set(i.id, i);
    if (page.incidents.length < PAGE) break;
    before = page.incidents[page.incidents.length - 1]!.id;
  }
  // What the stream brought while the pages loaded is newer than the pages.
  for (const [id, i] of active.value) if (!all.has(id) || (i.updatedAt ?? '') > (all.get(id)!.updatedAt ?? '')) all.set(id, i);
  active.value = all;
  loaded.value = true;
}
