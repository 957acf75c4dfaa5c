import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store';
import type { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { WriterGate } from '../../../src/store/sqlite/writer-gate';
import type { IncidentTransaction, Settled, TimelineEntry, Unit } from '../../../src/store/store';
import { newIncident } from '../../helpers/store-contract';

/**
 * BatchOptions.optimistic: units run first outside the write lock on what is committed, and
 * under it only their writes are made, once every read they made still answers the same. What
 * is checked: the same rows as a batch run under the lock, a unit whose reads changed (by an
 * earlier unit, or by the other connection in between) runs again, units that cannot be
 * recorded run under the lock, and yielding to the other writer leaves no unit out.
 */

const T0 = Date.parse('2026-05-04T10:00:00Z');

function entry(event: TimelineEntry['event'], note: string): TimelineEntry {
  return { at: T0, event, actor: { type: 'system', name: 'test' }, detail: { note } };
}

/** A unit like the SLA scheduler's: reads the incident and its due steps, then changes both and adds an entry. */
function bump(id: number, note: string): Unit<number> {
  return async (tx: IncidentTransaction) => {
    const incident = await tx.incident(id);
    const steps = await tx.slaSteps(id);
    const count = incident.alertCount + 1;
    tx.updateIncident(id, { alertCount: count, updatedAt: T0 + count });
    tx.appendTimeline(id, entry('reminder', note));
    // The due time also follows from what the unit read of the incident's steps.
    const dueAt = (steps?.[0]?.dueAt ?? T0) + 1000;
    tx.setSlaDue(id, [{ key: `s${count}`, clock: 'response', action: 'remind', index: 0, atText: '50%', line: null, dueAt }]);
    return count;
  };
}

describe('a batch run optimistically (BatchOptions.optimistic)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ib-optimistic-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function seeded(file: string, shared?: { gate: WriterGate }): Promise<{ store: SqliteStore; ids: number[] }> {
    const store = openSqliteStore(path.join(dir, file), shared);
    const [opened] = await store.incidents.runBatch([(tx) => Promise.all(['a', 'b', 'c', 'd'].map((k) => tx.insertIncident(newIncident(k))))]);
    if (!opened?.ok) throw new Error('seeding failed');
    return { store, ids: opened.value };
  }

  function rows(file: string): unknown {
    const db = new Database(path.join(dir, file), { readonly: true });
    try {
      return {
        incidents: db.prepare('SELECT id, alert_count, updated_at FROM incidents ORDER BY id').all(),
        timeline: db.prepare("SELECT incident_id, event, detail FROM timeline WHERE actor_name = 'test' ORDER BY id").all(),
        due: db.prepare('SELECT incident_id, due_at, steps FROM sla_due ORDER BY incident_id').all(),
      };
    } finally {
      db.close();
    }
  }

  /**
   * Runs the units on two stores seeded alike, under the lock and optimistically: both answer the
   * same and hold the same rows. Returns the answers.
   */
  async function bothWays(units: (ids: number[]) => Unit<number>[]): Promise<Settled<number>[]> {
    const plain = await seeded('plain.db');
    const optimistic = await seeded('optimistic.db');
    try {
      const a = await plain.store.incidents.runBatch(units(plain.ids));
      const b = await optimistic.store.incidents.runBatch(units(optimistic.ids), { optimistic: true });
      expect(b).toEqual(a);
      expect(rows('optimistic.db')).toEqual(rows('plain.db'));
      return a;
    } finally {
      await plain.store.close();
      await optimistic.store.close();
    }
  }

  test('writes the same rows and answers the same as the batch run under the lock', async () => {
    const a = await bothWays((ids) => [bump(ids[0]!, 'one'), bump(ids[1]!, 'two'), bump(ids[0]!, 'three'), bump(ids[3]!, 'four')]);
    expect(a.map((s) => s.ok && s.value)).toEqual([2, 2, 3, 2]);
  });

  test('a recorded unit runs once; one whose reads changed runs a second time', async () => {
    const { store, ids } = await seeded('store.db');
    try {
      const calls = new Map<string, number>();
      const counted = (name: string, unit: Unit<number>): Unit<number> => (tx) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return unit(tx);
      };
      await store.incidents.runBatch([counted('x', bump(ids[0]!, 'x')), counted('y', bump(ids[1]!, 'y')), counted('x again', bump(ids[0]!, 'x again'))], { optimistic: true });
      expect(Object.fromEntries(calls)).toEqual({ x: 1, y: 1, 'x again': 2 });
    } finally {
      await store.close();
    }
  });

  test('units run under the lock before and after a recorded one see its writes', async () => {
    // Reads after it wrote: cannot be recorded, runs under the lock (and keeps the incident in its cache).
    const underLock = (id: number, note: string, change: boolean): Unit<number> => async (tx) => {
      tx.appendTimeline(id, entry('reminder', note));
      await tx.slaTimeline(id);
      return change ? bump(id, `${note} bump`)(tx) : (await tx.incident(id)).alertCount;
    };
    // The first leaves the incident's row as it was, so the second's recording still holds.
    const a = await bothWays((ids) => [underLock(ids[0]!, 'first', false), bump(ids[0]!, 'recorded'), underLock(ids[0]!, 'last', true)]);
    expect(a.map((s) => s.ok && s.value)).toEqual([1, 2, 3]);
  });

  test('a unit that catches the refusal to record it still runs under the lock', async () => {
    const { store, ids } = await seeded('store.db');
    try {
      const opensOrNot: Unit<number | null> = async (tx) => {
        try {
          return await tx.insertIncident(newIncident('e'));
        } catch {
          return null;
        }
      };
      expect(await store.incidents.runBatch([opensOrNot], { optimistic: true })).toEqual([{ ok: true, value: ids[3]! + 1 }]);
    } finally {
      await store.close();
    }
  });

  test('a unit whose incident an earlier unit of the batch changed runs again and sees that change', async () => {
    const { store, ids } = await seeded('store.db');
    try {
      const settled = await store.incidents.runBatch([bump(ids[0]!, 'first'), bump(ids[0]!, 'second')], { optimistic: true });
      // Both were recorded from alert count 1; the second's read no longer holds at the lock.
      expect(settled).toEqual([
        { ok: true, value: 2 },
        { ok: true, value: 3 },
      ]);
      expect((rows('store.db') as { incidents: { alert_count: number }[] }).incidents[0]!.alert_count).toBe(3);
    } finally {
      await store.close();
    }
  });

  test('a change by the other connection between recording and the lock makes the unit run again', async () => {
    const daemon = new WriterGate();
    const { store, ids } = await seeded('store.db', { gate: new WriterGate(daemon.buffer, 'helper') });
    try {
      // The daemon holds the lock: the batch records, then waits for its turn.
      expect(daemon.daemonTurn()).toBeNull();
      const batch = store.incidents.runBatch([bump(ids[1]!, 'late')], { optimistic: true });
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      const other = new Database(path.join(dir, 'store.db'));
      other.prepare('UPDATE incidents SET alert_count = 10 WHERE id = ?').run(ids[1]);
      other.close();
      daemon.daemonDone();
      expect(await batch).toEqual([{ ok: true, value: 11 }]);
      expect((rows('store.db') as { incidents: { alert_count: number }[] }).incidents[1]!.alert_count).toBe(11);
    } finally {
      await store.close();
    }
  });

  test('units that cannot be recorded run under the lock: one that opens an incident, one that reads after it wrote', async () => {
    const { store, ids } = await seeded('store.db');
    try {
      const opens: Unit<number> = (tx) => tx.insertIncident(newIncident('e'));
      const readsBack: Unit<number> = async (tx) => {
        tx.appendTimeline(ids[2]!, entry('reminder', 'mine'));
        return (await tx.slaTimeline(ids[2]!)).filter((e) => e.detail.note === 'mine').length;
      };
      const failing: Unit<number> = () => Promise.reject(new Error('refused'));
      const settled = await store.incidents.runBatch([opens, readsBack, failing, bump(ids[0]!, 'after')], { optimistic: true });
      expect(settled[0]).toEqual({ ok: true, value: ids[3]! + 1 });
      expect(settled[1]).toEqual({ ok: true, value: 1 });
      expect(settled[2]).toEqual({ ok: false, error: new Error('refused') });
      expect(settled[3]).toEqual({ ok: true, value: 2 });
      expect((rows('store.db') as { incidents: unknown[] }).incidents).toHaveLength(5);
    } finally {
      await store.close();
    }
  });

  test("beside a waiting write of the daemon the batch commits what it has applied, lets that write go, and then applies the rest", async () => {
    const daemon = new WriterGate();
    const { store, ids } = await seeded('store.db', { gate: new WriterGate(daemon.buffer, 'helper') });
    try {
      let seenByDaemon: unknown = null;
      const daemonSide: { write: Promise<void> | null } = { write: null };
      // Opening an incident cannot be recorded: this unit runs at the lock, and there the daemon asks for its turn.
      const asksForTurn: Unit<number> = async (tx) => {
        const id = await tx.insertIncident(newIncident('e'));
        daemonSide.write = daemon.daemonTurn()!.then(() => {
          seenByDaemon = (rows('store.db') as { timeline: { detail: string }[] }).timeline.map((t) => (JSON.parse(t.detail) as { note: string }).note);
          daemon.daemonDone();
        });
        return id;
      };
      const settled = await store.incidents.runBatch([bump(ids[0]!, 'a'), asksForTurn, bump(ids[1]!, 'c'), bump(ids[2]!, 'd')], { optimistic: true, yieldAfterMs: 0 });
      expect(settled.map((s) => s.ok)).toEqual([true, true, true, true]);
      expect(daemonSide.write).not.toBeNull();
      await daemonSide.write;
      // The daemon's turn came after the first two units were committed and before the others.
      expect(seenByDaemon).toEqual(['a']);
      expect((rows('store.db') as { timeline: unknown[] }).timeline).toHaveLength(3);
    } finally {
      await store.close();
    }
  });
});
