import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { WriteLock } from '../../../src/store/sqlite/write-lock';
import { WriterGate } from '../../../src/store/sqlite/writer-gate';

/**
 * The gate between the daemon's connection and a helper thread's. Both sides are driven here
 * from one thread, with two WriterGate objects on one buffer as the two threads would have; the
 * order of events is what is checked, never a duration.
 */
function pair(): { daemon: WriterGate; helper: WriterGate } {
  const daemon = new WriterGate();
  return { daemon, helper: new WriterGate(daemon.buffer) };
}

/** Whether `promise` has settled after the queued work and a short real wait for the other side's wake-up. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5 && !done; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('WriterGate', () => {
  test('a free gate lets the daemon write at once; the helper then waits for the end of that write', async () => {
    const { daemon, helper } = pair();
    expect(daemon.daemonTurn()).toBeNull();
    const entered = helper.helperEnter();
    expect(await settled(entered)).toBe(false);
    daemon.daemonDone();
    await entered;
    helper.helperLeave();
  });

  test('while the helper wants the lock the daemon starts no new write, and goes once the helper has left', async () => {
    const { daemon, helper } = pair();
    expect(daemon.daemonTurn()).toBeNull();
    const entered = helper.helperEnter();
    daemon.daemonDone();
    await entered;
    const order: string[] = [];
    const next = daemon.daemonTurn();
    expect(next).not.toBeNull();
    void next!.then(() => order.push('daemon'));
    expect(await settled(next!)).toBe(false);
    order.push('helper leaves');
    helper.helperLeave();
    await next;
    expect(order).toEqual(['helper leaves', 'daemon']);
    daemon.daemonDone();
  });

  test('after its turn the helper waits until a waiting write of the daemon had its own', async () => {
    const { daemon, helper } = pair();
    await helper.helperEnter();
    const daemonWrite = daemon.daemonTurn()!;
    helper.helperLeave();
    // The daemon's write is still waiting to be woken when the helper asks again.
    const again = helper.helperEnter();
    await daemonWrite;
    expect(await settled(again)).toBe(false);
    daemon.daemonDone();
    await again;
    helper.helperLeave();
    expect(daemon.daemonTurn()).toBeNull();
    daemon.daemonDone();
  });

  test('a helper that ended while it held the lock releases it', async () => {
    const { daemon, helper } = pair();
    await helper.helperEnter();
    const waiting = daemon.daemonTurn()!;
    expect(await settled(waiting)).toBe(false);
    daemon.reset();
    await waiting;
    daemon.daemonDone();
  });

  test("the daemon's WriteLock takes a turn at the gate for each write and gives it back when the write ends", async () => {
    const { daemon, helper } = pair();
    const lock = new WriteLock();
    lock.share(daemon);
    await helper.helperEnter();
    const order: string[] = [];
    const write = lock.run(() => order.push('daemon write'));
    expect(await settled(write)).toBe(false);
    helper.helperLeave();
    await write;
    expect(order).toEqual(['daemon write']);
    // Given back: the helper gets the lock at once.
    await helper.helperEnter();
    helper.helperLeave();
  });

  test('the helper hears that a write of the daemon waits for it, once it has held the lock long enough', async () => {
    const { daemon, helper } = pair();
    await helper.helperEnter();
    expect(helper.daemonWaitsFor(0)).toBe(false);
    const waiting = daemon.daemonTurn()!;
    expect(helper.daemonWaitsFor(0)).toBe(true);
    expect(helper.daemonWaitsFor(60_000)).toBe(false);
    helper.helperLeave();
    await waiting;
    // The daemon holds it now: nothing for the helper to give back.
    expect(helper.daemonWaitsFor(0)).toBe(false);
    daemon.daemonDone();
  });
});

describe('a batch beside the other side of the gate (BatchOptions.yieldAfterMs)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ib-yield-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A store on the helper's side of a gate, and the daemon's side of the same gate. */
  function helperStore() {
    const daemon = new WriterGate();
    const store = openSqliteStore(path.join(dir, 'store.db'), { gate: new WriterGate(daemon.buffer, 'helper') });
    return { daemon, store };
  }

  test("commits the units it has run and ends once the daemon's write waits; that write goes next", async () => {
    const { daemon, store } = helperStore();
    try {
      const order: string[] = [];
      const daemonWrites: Promise<void>[] = [];
      const unit = (name: string, thenDaemonWaits = false) => () => {
        order.push(name);
        if (thenDaemonWaits) daemonWrites.push(daemon.daemonTurn()!.then(() => void order.push('daemon write')));
        return Promise.resolve(name);
      };
      const settled = await store.incidents.runBatch([unit('a'), unit('b', true), unit('c'), unit('d')], { yieldAfterMs: 0 });
      expect(settled).toEqual([
        { ok: true, value: 'a' },
        { ok: true, value: 'b' },
      ]);
      expect(daemonWrites).toHaveLength(1);
      await Promise.all(daemonWrites);
      expect(order).toEqual(['a', 'b', 'daemon write']);
      daemon.daemonDone();
    } finally {
      await store.close();
    }
  });

  test('runs every unit while no write of the daemon waits, or without yieldAfterMs', async () => {
    const { daemon, store } = helperStore();
    try {
      const units = ['a', 'b', 'c'].map((name) => () => Promise.resolve(name));
      expect((await store.incidents.runBatch(units, { yieldAfterMs: 0 })).map((s) => s.ok && s.value)).toEqual(['a', 'b', 'c']);
      const daemonWrites: Promise<void>[] = [];
      const waitsFirst = [
        () => {
          daemonWrites.push(daemon.daemonTurn()!);
          return Promise.resolve('a');
        },
        ...units.slice(1),
      ];
      expect((await store.incidents.runBatch(waitsFirst)).map((s) => s.ok && s.value)).toEqual(['a', 'b', 'c']);
      expect(daemonWrites).toHaveLength(1);
      await Promise.all(daemonWrites);
      daemon.daemonDone();
    } finally {
      await store.close();
    }
  });
});
