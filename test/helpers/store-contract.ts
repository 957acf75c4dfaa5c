import type { NewAlert, NewIncident, SilenceRecord, Store, Unit } from '../../src/store/store';

/**
 * The store contract: what every implementation of Store must do, as checks that throw on a
 * violation. Each check opens its own store; `reopen` opens the same database again (after
 * `close`), for the restart check. The SQLite store runs them in
 * test/unit/store/sqlite-store.contract.test.ts; a new store runs the same list.
 */
export interface StoreHarness {
  open(): Promise<Store>;
  reopen?(): Promise<Store>;
}

export interface ContractCheck {
  name: string;
  run(h: StoreHarness): Promise<void>;
}

const T0 = Date.parse('2026-05-04T10:00:00Z');

/** An incident of `key` as ingest would insert it. */
export function newIncident(key: string, patch: Partial<NewIncident> = {}): NewIncident {
  return {
    key,
    status: 'open',
    priority: 'P2',
    impact: 'partial_outage',
    category: 'software',
    healthModel: 'shop',
    metric: key,
    customer: null,
    title: `title of ${key}`,
    summary: '',
    runbookUrl: null,
    groupLabels: {},
    alertCount: 1,
    firingCount: 1,
    deliveryCount: 1,
    startedAt: T0,
    openedAt: T0,
    updatedAt: T0,
    autoResolve: true,
    holdDownMs: 0,
    slaTerms: null,
    sla: null,
    suppressed: null,
    paged: true,
    flapChanges: 0,
    flapWindowMs: 0,
    stateChanges: [],
    ...patch,
  };
}

function newAlert(fingerprint: string, incidentId: number | null, patch: Partial<NewAlert> = {}): NewAlert {
  return {
    source: 'am',
    fingerprint,
    incidentId,
    status: 'firing',
    startsAt: T0,
    endsAt: null,
    labels: { alertname: fingerprint },
    annotations: {},
    generatorURL: null,
    deliveryCount: 1,
    firstReceivedAt: T0,
    lastReceivedAt: T0,
    ...patch,
  };
}

/** Opens an incident for `key` unless it has an active one, as ingest does; returns its id. */
const openOnce =
  (key: string): Unit<number> =>
  async (tx) => {
    const active = await tx.activeIncident(key);
    if (active) return active.id;
    return tx.insertIncident(newIncident(key));
  };

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

async function withStore(h: StoreHarness, body: (store: Store) => Promise<void>): Promise<void> {
  const store = await h.open();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

async function committed<T>(store: Store, units: Unit<T>[]): Promise<T[]> {
  const settled = await store.incidents.runBatch(units);
  return settled.map((s, i) => {
    if (!s.ok) throw new Error(`unit ${i} failed: ${String(s.error)}`);
    return s.value;
  });
}

const MINUTE = 60_000;

/** A silence as the API would create it; `expiredAt` is left to the store. */
function newSilence(id: string, startsAt: number, endsAt: number, patch: Partial<Omit<SilenceRecord, 'expiredAt'>> = {}): Omit<SilenceRecord, 'expiredAt'> {
  return { id, matchers: ['alertname="DiskFull"'], startsAt, endsAt, createdBy: 'anna', comment: `silence ${id}`, createdAt: startsAt, ...patch };
}

/**
 * Three silences around T0: `past` from T0-1h until exactly T0, `now` from exactly T0 until
 * T0+1h, `later` from T0+30m until T0+2h, created at the same moment as `now` but after it.
 */
async function threeSilences(store: Store): Promise<void> {
  await store.silences.create(newSilence('past', T0 - 60 * MINUTE, T0));
  await store.silences.create(newSilence('now', T0, T0 + 60 * MINUTE));
  await store.silences.create(newSilence('later', T0 + 30 * MINUTE, T0 + 120 * MINUTE, { createdAt: T0 }));
}

async function inForceIds(store: Store, at: number): Promise<string[]> {
  return (await store.silences.inForce(at)).map((s) => s.id).sort();
}

async function activeFor(store: Store, key: string): Promise<number[]> {
  const open = await store.readModel.listIncidents({ status: ['open', 'acknowledged'], limit: 1000 });
  return open.filter((i) => i.key === key).map((i) => i.id);
}

export const STORE_CONTRACT: ContractCheck[] = [
  {
    name: 'one active incident per key under concurrent units and batches',
    run: (h) =>
      withStore(h, async (store) => {
        // Twenty batches started at once, each with units that race for the same keys.
        const batches = Array.from({ length: 20 }, () => store.incidents.runBatch([openOnce('k1'), openOnce('k2'), openOnce('k1')]));
        const results = await Promise.all(batches);
        const ids = new Set(results.flat().map((s) => (s.ok ? s.value : -1)));
        expectEqual((await activeFor(store, 'k1')).length, 1, 'active incidents of k1');
        expectEqual((await activeFor(store, 'k2')).length, 1, 'active incidents of k2');
        expectEqual(ids.size, 2, 'distinct incident ids answered');
        // A unit that inserts a second active incident for a key fails, alone.
        const [dup, other] = await store.incidents.runBatch([(tx) => tx.insertIncident(newIncident('k1')), openOnce('k3')]);
        expectEqual(dup!.ok, false, 'a second active incident for k1 is refused');
        expectEqual(other!.ok, true, 'the other unit of the batch commits');
        expectEqual((await activeFor(store, 'k1')).length, 1, 'active incidents of k1 after the refused insert');
        // Once resolved, the key may open again.
        const [k1] = await activeFor(store, 'k1');
        await committed(store, [async (tx) => tx.updateIncident(k1!, { status: 'resolved', resolvedAt: T0 })]);
        const [again] = await committed(store, [openOnce('k1')]);
        if (again === k1) throw new Error('a resolved incident was taken as active');
        expectEqual(await activeFor(store, 'k1'), [again], 'the new active incident of k1');
      }),
  },
  {
    name: 'a failing unit rolls back alone; a unit reads its own writes',
    run: (h) =>
      withStore(h, async (store) => {
        const settled = await store.incidents.runBatch<number>([
          openOnce('a'),
          async (tx) => {
            const id = await tx.insertIncident(newIncident('b'));
            tx.appendTimeline(id, { at: T0, event: 'opened', actor: { type: 'source', name: 'am' }, detail: {} });
            tx.insertAlert(newAlert('fb', id));
            throw new Error('boom');
          },
          async (tx) => {
            const id = await tx.insertIncident(newIncident('c'));
            tx.updateIncident(id, { firingCount: 7, title: 'changed' });
            const seen = await tx.incident(id);
            expectEqual([seen.firingCount, seen.title], [7, 'changed'], 'the unit sees its own update');
            tx.insertAlert(newAlert('fc', id));
            const alert = await tx.latestAlert('am', 'fc');
            expectEqual(alert?.incidentId, id, 'the unit sees its own alert');
            tx.updateIncident(id, { status: 'resolved' });
            expectEqual(await tx.activeIncident('c'), null, 'a status change is seen by the key lookup');
            expectEqual((await tx.lastResolvedIncident('c'))?.id, id, 'the resolved incident is the last resolved of its key');
            return id;
          },
        ]);
        expectEqual(
          settled.map((s) => s.ok),
          [true, false, true],
          'unit outcomes',
        );
        const keys = (await store.readModel.listIncidents({ limit: 100 })).map((i) => i.key).sort();
        expectEqual(keys, ['a', 'c'], 'incidents stored');
        expectEqual((await store.readModel.listAlerts({ limit: 100 })).map((a) => a.fingerprint), ['fc'], 'alerts stored');
        const c = await store.readModel.getIncident((settled[2] as { value: number }).value);
        expectEqual([c?.incident.status, c?.incident.title, c?.incident.firingCount], ['resolved', 'changed', 7], 'incident c as committed');
      }),
  },
  {
    name: 'batches apply in call order, each seeing the one before',
    run: (h) =>
      withStore(h, async (store) => {
        const first = store.incidents.runBatch([openOnce('order')]);
        const second = store.incidents.runBatch([async (tx) => (await tx.activeIncident('order'))?.id ?? null]);
        const [[opened], [seen]] = await Promise.all([first, second]);
        if (!opened?.ok || !seen?.ok) throw new Error('a unit failed');
        expectEqual(seen.value, opened.value, 'the second batch sees the incident of the first');
      }),
  },
  {
    name: 'replay receipts: found after commit, forgotten by prune',
    run: (h) =>
      withStore(h, async (store) => {
        await committed(store, [
          async (tx) => {
            expectEqual(await tx.findReceipt('d1'), null, 'no receipt before');
            tx.saveReceipt('d1', 'am', T0, { accepted: 2, incidents: [5, 6] });
            tx.saveReceipt('d2', 'am', T0 + 60_000, { accepted: 1, incidents: [] });
          },
        ]);
        const [found] = await committed(store, [(tx) => tx.findReceipt('d1')]);
        expectEqual(found, { accepted: 2, incidents: [5, 6] }, 'the receipt of d1');
        expectEqual(await store.incidents.pruneReceipts(T0 + 1), 1, 'receipts pruned');
        const [after] = await committed(store, [async (tx) => [await tx.findReceipt('d1'), await tx.findReceipt('d2')]]);
        expectEqual(after, [null, { accepted: 1, incidents: [] }], 'receipts left');
      }),
  },
  {
    name: 'timeline entries keep their actor; alerts keep their latest activation',
    run: (h) =>
      withStore(h, async (store) => {
        const [id] = await committed(store, [
          async (tx) => {
            const incident = await tx.insertIncident(newIncident('t'));
            tx.appendTimeline(incident, { at: T0, event: 'opened', actor: { type: 'source', name: 'am' }, detail: { n: 1 } });
            tx.appendTimeline(incident, { at: T0 + 1, event: 'resolve_scheduled', actor: { type: 'system', name: 'hold-down' }, detail: {} });
            tx.insertAlert(newAlert('f', incident, { startsAt: T0 + 5000 }));
            tx.insertAlert(newAlert('f', null, { startsAt: T0, status: 'resolved', endsAt: T0 + 1000 }));
            return incident;
          },
        ]);
        const detail = await store.readModel.getIncident(id!);
        expectEqual(
          detail?.timeline.map((t) => [t.event, t.actor, t.detail]),
          [
            ['opened', { type: 'source', name: 'am' }, { n: 1 }],
            ['resolve_scheduled', { type: 'system', name: 'hold-down' }, {}],
          ],
          'timeline',
        );
        expectEqual((await store.readModel.latestAlert('am', 'f'))?.startsAt, T0 + 5000, 'the latest activation is the latest start');
        expectEqual(await store.readModel.lastResolvedIncident('t'), null, 'no resolved incident of t');
      }),
  },
  {
    name: 'outbox: one notification per identity, oldest first, per-incident order, leases',
    run: (h) =>
      withStore(h, async (store) => {
        const [a, b] = await committed(store, [openOnce('oa'), openOnce('ob')]);
        const identity = (incidentId: number, event: 'opened' | 'escalated' | 'resolved', step = '') => ({ incidentId, event, occurrence: 0, step, channel: 'ch' });
        await committed(store, [
          async (tx) => {
            tx.enqueueNotification(identity(a!, 'opened'), T0);
            tx.enqueueNotification(identity(a!, 'opened'), T0); // the same identity: ignored
            tx.enqueueNotification(identity(b!, 'opened'), T0);
            tx.enqueueNotification(identity(a!, 'escalated', 'L2'), T0);
            tx.enqueueNotification(identity(a!, 'escalated', 'L3'), T0); // another step: another notification
          },
        ]);
        expectEqual(await store.outbox.dueChannels(T0), ['ch'], 'due channels');
        const first = await store.outbox.claim('ch', T0, T0 + 30_000, 10);
        // a's escalations wait behind its pending `opened`.
        expectEqual(
          first.map((n) => [n.incidentId, n.event, n.step]),
          [
            [a, 'opened', ''],
            [b, 'opened', ''],
          ],
          'first claim',
        );
        expectEqual(await store.outbox.claim('ch', T0 + 1000, T0 + 30_000, 10), [], 'leased rows are not claimed again');
        await store.outbox.markSent(first[0]!.id, T0 + 1000, { messageId: 7 });
        const next = await store.outbox.claim('ch', T0 + 2000, T0 + 30_000, 10);
        expectEqual(
          next.map((n) => [n.event, n.step]),
          [['escalated', 'L2']],
          'after a is sent, its next notification',
        );
        // An expired lease makes b's notification claimable again (its sender died).
        const expired = await store.outbox.claim('ch', T0 + 31_000, T0 + 60_000, 10);
        expectEqual(
          expired.map((n) => [n.incidentId, n.event]).sort(),
          [
            [a, 'escalated'],
            [b, 'opened'],
          ].sort(),
          'claims after the leases expired',
        );
        const context = await store.outbox.context(first[0]!, 5);
        expectEqual(context?.ref, { messageId: 7 }, 'the channel ref saved on sent');
        await store.outbox.markDead(next[0]!.id, T0 + 40_000, 'gone');
        const dead = (await store.readModel.getIncident(a!))?.timeline.find((t) => t.event === 'notification_dead');
        expectEqual(dead?.actor.type, 'system', 'a dead letter is on the timeline, by the system');
        expectEqual(
          (await store.outbox.listForIncident(a!)).map((n) => [n.event, n.step, n.status]),
          [
            ['opened', '', 'sent'],
            ['escalated', 'L2', 'dead'],
            ['escalated', 'L3', 'pending'],
          ],
          'notifications of a',
        );
      }),
  },
  {
    name: 'durable state: a unit reads its own writes, a failing unit rolls them back, a restart keeps them',
    run: async (h) => {
      const store = await h.open();
      try {
        await committed(store, [
          async (tx) => {
            expectEqual(await tx.readState('bot:offset'), null, 'no state before');
            tx.writeState('bot:offset', '10', T0);
            tx.writeState('bot:offset', '11', T0 + 1);
            tx.writeState('bot:prompt:7', '{"incidentId":3}', T0);
            expectEqual(await tx.readState('bot:offset'), '11', 'the unit sees its own latest write');
          },
        ]);
        const [failed, after] = await store.incidents.runBatch<unknown>([
          async (tx) => {
            tx.writeState('bot:offset', '12', T0 + 2);
            tx.writeState('bot:prompt:7', null, T0 + 2);
            throw new Error('boom');
          },
          async (tx) => [await tx.readState('bot:offset'), await tx.readState('bot:prompt:7')],
        ]);
        expectEqual(failed!.ok, false, 'the failing unit fails');
        expectEqual(after, { ok: true, value: ['11', '{"incidentId":3}'] }, 'state after a failing unit');
        await committed(store, [async (tx) => tx.writeState('bot:prompt:7', null, T0 + 3)]);
        const [removed] = await committed(store, [(tx) => tx.readState('bot:prompt:7')]);
        expectEqual(removed, null, 'a value written as null is removed');
      } finally {
        await store.close();
      }
      if (!h.reopen) return;
      const again = await h.reopen();
      try {
        const [offset] = await committed(again, [(tx) => tx.readState('bot:offset')]);
        expectEqual(offset, '11', 'state after restart');
      } finally {
        await again.close();
      }
    },
  },
  {
    name: 'everything committed survives a restart',
    run: async (h) => {
      if (!h.reopen) return;
      const store = await h.open();
      const [id] = await committed(store, [
        async (tx) => {
          const incident = await tx.insertIncident(newIncident('r'));
          tx.appendTimeline(incident, { at: T0, event: 'opened', actor: { type: 'source', name: 'am' }, detail: {} });
          tx.insertAlert(newAlert('fr', incident));
          tx.enqueueNotification({ incidentId: incident, event: 'opened', occurrence: 0, step: '', channel: 'ch' }, T0);
          tx.saveReceipt('dr', 'am', T0, { accepted: 1, incidents: [incident] });
          return incident;
        },
      ]);
      await store.close();
      const again = await h.reopen();
      try {
        const detail = await again.readModel.getIncident(id!);
        expectEqual([detail?.incident.key, detail?.alerts.length, detail?.timeline.length], ['r', 1, 1], 'incident after restart');
        expectEqual((await again.outbox.listForIncident(id!)).length, 1, 'outbox after restart');
        const [receipt] = await committed(again, [(tx) => tx.findReceipt('dr')]);
        expectEqual(receipt, { accepted: 1, incidents: [id] }, 'receipt after restart');
        const [dup] = await again.incidents.runBatch([(tx) => tx.insertIncident(newIncident('r'))]);
        expectEqual(dup!.ok, false, 'the key is still active after restart');
      } finally {
        await again.close();
      }
    },
  },
  {
    name: 'silences: created as given, listed newest first down to the moment they ended, ids unique',
    run: (h) =>
      withStore(h, async (store) => {
        const written = newSilence('a1', T0, T0 + 60 * MINUTE, { matchers: ['{job="api", code=~"5.."}', 'env!="dev"'], comment: 'Работы на БД, "quoted"', createdBy: 'local' });
        await store.silences.create(written);
        expectEqual(await store.silences.get('a1'), { ...written, expiredAt: null }, 'the silence as stored');
        expectEqual(await store.silences.get('a2'), null, 'an unknown id');
        let refused = false;
        await store.silences.create(newSilence('a1', T0, T0 + MINUTE)).catch(() => (refused = true));
        expectEqual(refused, true, 'a second silence with the same id is refused');
        expectEqual((await store.silences.get('a1'))?.endsAt, T0 + 60 * MINUTE, 'the first silence of the id is kept');
      }),
  },
  {
    name: 'silences: list keeps those not ended before endedAfter, newest first, at most limit',
    run: (h) =>
      withStore(h, async (store) => {
        await threeSilences(store);
        const ids = async (endedAfter: number, limit = 100) => (await store.silences.list({ endedAfter, limit })).map((s) => s.id);
        // `later` and `now` share createdAt: the one created later is the newer.
        expectEqual(await ids(T0 - 60 * MINUTE), ['later', 'now', 'past'], 'everything');
        expectEqual(await ids(T0), ['later', 'now', 'past'], 'a silence that ended exactly at endedAfter is listed');
        expectEqual(await ids(T0 + 1), ['later', 'now'], 'one that ended a millisecond before is not');
        expectEqual(await ids(T0 + 120 * MINUTE), ['later'], 'ending exactly then');
        expectEqual(await ids(T0 + 120 * MINUTE + 1), [], 'all ended before');
        expectEqual(await ids(T0, 2), ['later', 'now'], 'limit');
      }),
  },
  {
    name: 'silences: in force from startsAt included to endsAt excluded; the next edge is strictly after',
    run: (h) =>
      withStore(h, async (store) => {
        expectEqual(await store.silences.nextEdge(T0), null, 'no silences, no edge');
        await threeSilences(store);
        expectEqual(await inForceIds(store, T0 - 60 * MINUTE - 1), [], 'before any start');
        expectEqual(await inForceIds(store, T0 - 60 * MINUTE), ['past'], 'at the start of past');
        expectEqual(await inForceIds(store, T0 - 1), ['past'], 'a millisecond before past ends');
        expectEqual(await inForceIds(store, T0), ['now'], 'past has ended exactly as now starts');
        expectEqual(await inForceIds(store, T0 + 30 * MINUTE), ['later', 'now'], 'both');
        expectEqual(await inForceIds(store, T0 + 60 * MINUTE), ['later'], 'now has ended');
        expectEqual(await inForceIds(store, T0 + 120 * MINUTE), [], 'every one has ended');
        const edges: (number | null)[] = [];
        for (const after of [T0 - 61 * MINUTE, T0 - 60 * MINUTE, T0 - 1, T0, T0 + 30 * MINUTE - 1, T0 + 30 * MINUTE, T0 + 60 * MINUTE, T0 + 120 * MINUTE]) {
          edges.push(await store.silences.nextEdge(after));
        }
        expectEqual(
          edges,
          [T0 - 60 * MINUTE, T0, T0, T0 + 30 * MINUTE, T0 + 30 * MINUTE, T0 + 60 * MINUTE, T0 + 120 * MINUTE, null],
          'the next edge after each moment',
        );
      }),
  },
  {
    name: 'silences: expire ends one now, once; unknown is null; an ended one is unchanged',
    run: (h) =>
      withStore(h, async (store) => {
        await threeSilences(store);
        expectEqual(await store.silences.expire('nope', T0), null, 'an unknown id');
        const now = T0 + 20 * MINUTE;
        const ended = await store.silences.expire('now', now);
        expectEqual([ended?.expiredAt, ended?.endsAt, ended?.startsAt], [now, now, T0], 'a silence in force ends at once');
        expectEqual(await store.silences.get('now'), ended, 'and is stored so');
        expectEqual(await inForceIds(store, now), [], 'nothing in force after it');
        const again = await store.silences.expire('now', now + MINUTE);
        expectEqual(again, ended, 'expiring it again changes nothing');
        const past = await store.silences.get('past');
        expectEqual(await store.silences.expire('past', now), past, 'a silence ended by its time is unchanged (expiredAt stays null)');
        // A pending silence ended before its start: it never comes into force, and its start is no edge.
        const pending = await store.silences.expire('later', now);
        expectEqual([pending?.expiredAt, pending?.endsAt, pending?.startsAt], [now, now, T0 + 30 * MINUTE], 'a pending silence ends before its start');
        expectEqual(await inForceIds(store, T0 + 30 * MINUTE), [], 'it never comes into force');
        expectEqual(await store.silences.nextEdge(now), null, 'and its start is no edge');
        // Exactly at its end a silence has ended: expiring it then changes nothing.
        await store.silences.create(newSilence('edge', T0, T0 + 40 * MINUTE));
        expectEqual((await store.silences.expire('edge', T0 + 40 * MINUTE))?.expiredAt, null, 'expired exactly at its end: unchanged');
        const justBefore = await store.silences.expire('edge', T0 + 40 * MINUTE - 1);
        expectEqual([justBefore?.expiredAt, justBefore?.endsAt], [T0 + 40 * MINUTE - 1, T0 + 40 * MINUTE - 1], 'a millisecond before its end it is still in force: ended');
      }),
  },
  {
    name: 'silences: prune forgets those ended before the moment, exactly',
    run: (h) =>
      withStore(h, async (store) => {
        await threeSilences(store);
        await store.silences.expire('now', T0 + 10 * MINUTE);
        expectEqual(await store.silences.prune(T0), 0, 'past ended exactly at T0: kept');
        expectEqual(await store.silences.prune(T0 + 1), 1, 'past ended before T0+1ms: forgotten');
        expectEqual(await store.silences.get('past'), null, 'past is gone');
        expectEqual(await store.silences.prune(T0 + 10 * MINUTE + 1), 1, 'the expired one goes by the moment it was ended');
        expectEqual((await store.silences.list({ endedAfter: 0, limit: 10 })).map((s) => s.id), ['later'], 'what is left');
      }),
  },
  {
    name: 'silences: created and expired ones survive a restart',
    run: async (h) => {
      if (!h.reopen) return;
      const store = await h.open();
      await threeSilences(store);
      const expired = await store.silences.expire('later', T0 + 5 * MINUTE);
      await store.close();
      const again = await h.reopen();
      try {
        expectEqual((await again.silences.list({ endedAfter: 0, limit: 10 })).map((s) => s.id), ['later', 'now', 'past'], 'silences after restart');
        expectEqual(await again.silences.get('later'), expired, 'the expired silence after restart');
        expectEqual(await again.silences.nextEdge(T0 + 5 * MINUTE), T0 + 60 * MINUTE, 'the next edge after restart');
      } finally {
        await again.close();
      }
    },
  },
];
