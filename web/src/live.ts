import { signal } from '@preact/signals';
import { api, apiAnswer } from './api';
import type { Incident } from './types';

/** The open and acknowledged incidents, kept current by the daemon's live stream. */
export const active = signal<Map<number, Incident>>(new Map());
export const connected = signal(false);
export const loaded = signal(false);
/** Whether every page of the active incidents has been loaded (the count is final). */
export const complete = signal(false);

/** The pages after the first screen: small enough that drawing one keeps the page answering keys. */
const PAGE = 2000;
/**
 * What the queue, the board and an incident page's live version read of an active incident:
 * asked of the listing and the stream, which then carry a third of each incident's JSON.
 */
const FIELDS = 'fields=id,status,priority,impact,category,healthModel,metric,customer,title,line,assignee,sla,suppressed,flapping,alertCount,firingCount,openedAt,acknowledgedAt,resolvedAt,updatedAt';
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
  // A stream refused (no session yet) is closed for good: after a login it is opened anew.
  if (source !== null && source.readyState !== EventSource.CLOSED) return;
  source = new EventSource(`/api/v1/stream?${FIELDS}`);
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

/** What the queue's first screen asks for: its first rows in queue order, and how many there are in all. */
const FIRST = 50;

/** How many active incidents there are, from the first screen's answer (while the pages load). */
export const total = signal<number | null>(null);

/**
 * Loads the active incidents: first the queue's first screen in queue order with the total (the
 * queue is usable at once), then every active incident page by page in id order, each page shown
 * as it comes. The first screen's rows stay until the pages are complete: until then, the rows
 * the queue shows first are those the daemon put first.
 */
async function loadAll(): Promise<void> {
  streamedMeanwhile.clear();
  const first = await api<{ incidents: Incident[]; total: number }>('GET', `/api/v1/incidents?status=open,acknowledged&order=queue&${FIELDS}&limit=${FIRST}`);
  const firstScreen = new Map(first.incidents.map((i) => [i.id, i]));
  total.value = first.total;
  show(firstScreen, first.incidents.length >= first.total);
  if (complete.value) return;
  const all = new Map<number, Incident>();
  let path: string | null = `/api/v1/incidents?status=open,acknowledged&${FIELDS}&limit=${PAGE}`;
  while (path !== null) {
    const page: { json: { incidents: Incident[] }; headers: Headers } = await apiAnswer('GET', path);
    for (const i of page.json.incidents) all.set(i.id, i);
    // The following page is the one the daemon links to (`Link: <...>; rel="next"`).
    path = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '')?.[1] ?? null;
    show(path === null ? all : new Map([...firstScreen, ...all]), path === null);
  }
}

/** Shows what was loaded, with what the stream brought meanwhile where it is newer. */
function show(listed: Map<number, Incident>, done: boolean): void {
  const next = new Map(listed);
  for (const [id, i] of streamedMeanwhile) {
    const paged = next.get(id);
    if (paged && (paged.updatedAt ?? '') > (i.updatedAt ?? '')) continue;
    if (i.status === 'resolved') next.delete(id);
    else next.set(id, i);
  }
  active.value = next;
  loaded.value = true;
  complete.value = done;
}
