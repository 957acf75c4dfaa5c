import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCheckpointer } from '../../../src/store/sqlite/checkpointer';
import { openDatabase } from '../../../src/store/sqlite/database';

/** Waits for a condition of the checkpointer's thread, which runs on real time. */
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the background checkpointer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ib-checkpointer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("copies committed pages into the database file from its own thread, while the writer's own checkpoint waits for 20,000 pages", async () => {
    const file = path.join(dir, 'store.db');
    const db = openDatabase(file);
    const errors: string[] = [];
    const checkpointer = startCheckpointer(db, file, (m) => errors.push(m));
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(20_000);
      const before = statSync(file).size;
      db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)');
      const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
      // About 1,500 pages: more than SQLite's default checkpoint (1,000), fewer than the safety net.
      db.transaction(() => {
        for (let i = 0; i < 1500; i++) insert.run('x'.repeat(3000));
      })();
      // The writer did not checkpoint them itself; the checkpointer's thread does, soon.
      await until(() => statSync(file).size > before + 1400 * 4096);
      expect((db.prepare('SELECT COUNT(*) AS n FROM filler').get() as { n: number }).n).toBe(1500);
      expect(errors).toEqual([]);
    } finally {
      await checkpointer.stop();
      db.close();
    }
    // Its connection closed first, the writer's close checkpointed the rest and removed the WAL.
    expect(() => statSync(`${file}-wal`)).toThrow();
  });
});
