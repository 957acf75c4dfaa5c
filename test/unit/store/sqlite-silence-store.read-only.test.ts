import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, openStoreReadOnly } from '../../../src/store/open-store';
import { migrate } from '../../../src/store/sqlite/database';

const T0 = Date.parse('2026-05-04T10:00:00Z');
const MIGRATIONS = path.join(__dirname, '../../../src/store/sqlite/migrations');

describe('silences on a store opened read-only', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-silences-ro-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('reads answer, writes refuse', async () => {
    const file = path.join(dir, 'store.db');
    const store = await openStore({ type: 'sqlite', path: file });
    await store.silences.create({ id: 's1', matchers: ['job="api"'], startsAt: T0, endsAt: T0 + 3_600_000, createdBy: 'anna', comment: 'deploy', createdAt: T0 });
    await store.close();
    const ro = await openStoreReadOnly({ type: 'sqlite', path: file });
    try {
      expect((await ro.silences.list({ endedAfter: 0, limit: 10 })).map((s) => s.id)).toEqual(['s1']);
      expect((await ro.silences.get('s1'))?.matchers).toEqual(['job="api"']);
      expect((await ro.silences.inForce(T0)).map((s) => s.id)).toEqual(['s1']);
      expect(await ro.silences.nextEdge(T0)).toBe(T0 + 3_600_000);
      expect(() => ro.silences.expire('s1', T0)).toThrow('read-only');
      expect(() => ro.silences.create({ id: 's2', matchers: ['a="b"'], startsAt: T0, endsAt: T0 + 1, createdBy: 'anna', comment: 'x', createdAt: T0 })).toThrow('read-only');
      expect(() => ro.silences.prune(T0)).toThrow('read-only');
    } finally {
      await ro.close();
    }
  });

  test('a file from before silences existed reads as having none', async () => {
    const older = path.join(dir, 'migrations');
    mkdirSync(older);
    for (const f of readdirSync(MIGRATIONS).filter((name) => name < '010')) copyFileSync(path.join(MIGRATIONS, f), path.join(older, f));
    const file = path.join(dir, 'old.db');
    const db = new Database(file);
    migrate(db, older);
    db.close();
    const ro = await openStoreReadOnly({ type: 'sqlite', path: file });
    try {
      expect(await ro.silences.list({ endedAfter: 0, limit: 10 })).toEqual([]);
      expect(await ro.silences.get('s1')).toBeNull();
      expect(await ro.silences.inForce(T0)).toEqual([]);
      expect(await ro.silences.nextEdge(T0)).toBeNull();
    } finally {
      await ro.close();
    }
  });
});
