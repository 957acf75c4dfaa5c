import { signal } from '@preact/signals';
import { api } from './api';
import type { Incident } from './types';

/** The open and acknowledged incidents, kept current by the daemon's live stream. */
export const active = signal<Map<number, Incident>>(new Map());
export const connected = signal(false);
export const loaded = signal(false);
/** Whether every page of the active incidents has been loaded (the count is final). */
export const complete = signal(false);

const PAGE = 5000;
let source: EventSource | null = null;
/**
 * What the stream brought since the current load began: newer than the pages, which may still
 * list an incident the stream has since resolved. Anything else the console held before (from
 * an earlier connection) is replaced by the pages: an incident resolved while the stream was
 * down is in no page and goes.
 */
const streamedMeanwhile = new Map<number, Incident>();

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
    streamedMeanwhile.set(incident.id, incident);
    later(incident);
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

/** Puts one incident as an action answered it, at once. */
export function put(incident: Incident): void {
  pending.set(incident.id, incident);
  apply();
}

/**
 * Changes from the stream wait here and are applied together at most every APPLY_MS: during a
 * storm hundreds arrive each second, and drawing the queue once per change would fall behind.
 */
const pending = new Map<number, Incident>();
const APPLY_MS = 150;
let applyTimer: ReturnType<typeof setTimeout> | null = null;

function later(incident: Incident): void {
  pending.set(incident.id, incident);
  applyTimer ??= setTimeout(apply, APPLY_MS);
}

function apply(): void {
  if (applyTimer !== null) clearTimeout(applyTimer);
  applyTimer = null;
  if (pending.size === 0) return;
  const next = new Map(active.value);
  for (const [id, incident] of pending) {
    if (incident.status === 'resolved') next.delete(id);
    else next.set(id, incident);
  }
  pending.clear();
  active.value = next;
}

/** Loads the active incidents page by page, showing each page as it comes (the newest first). */
async function loadAll(): Promise<void> {
  const all = new Map<number, Incident>();
  streamedMeanwhile.clear();
  let before: number | undefined;
  for (;;) {
    const page = await api<{ incidents: Incident[] }>('GET', `/api/v1/incidents?status=open,acknowledged&limit=${PAGE}${before === undefined ? '' : `&before=${before}`}`);
    for (const i of page.incidents) all.set(i.id, i);
    const done = page.incidents.length < PAGE;
    const next = new Map(all);
    for (const [id, i] of streamedMeanwhile) {
      const paged = next.get(id);
      if (paged && (paged.updatedAt ?? '') > (i.updatedAt ?? '')) continue;
      if (i.status === 'resolved') next.delete(id);
      else next.set(id, i);
    }
    active.value = next;
    loaded.value = true;
    complete.value = done;
    if (done) break;
    before = page.incidents[page.incidents.length - 1]!.id;
  }
}
