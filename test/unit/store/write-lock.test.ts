import { WriteLock } from '../../../src/store/sqlite/write-lock';

describe('WriteLock', () => {
  test('a read waits for the work queued before it, and only for that: a steady stream of writers does not starve it', async () => {
    const lock = new WriteLock();
    const order: string[] = [];
    let release!: () => void;
    const first = lock.run(() => new Promise<void>((resolve) => (release = resolve)).then(() => order.push('write 1')));
    const read = lock.read(() => order.push('read'));
    // Writers keep coming after the read was asked for.
    const later = [2, 3, 4].map((n) => lock.run(() => Promise.resolve().then(() => order.push(`write ${n}`))));
    expect(order).toEqual([]);
    release();
    await Promise.all([first, read, ...later]);
    expect(order).toEqual(['write 1', 'read', 'write 2', 'write 3', 'write 4']);
  });

  test("an idle lock reads at once, in the caller's turn", async () => {
    const lock = new WriteLock();
    let ran = false;
    const read = lock.read(() => (ran = true));
    expect(ran).toBe(true);
    await read;
    expect(lock.busy).toBe(false);
  });
});
