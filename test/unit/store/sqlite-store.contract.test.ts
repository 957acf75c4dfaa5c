import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../../src/store/open-store';
import { STORE_CONTRACT } from '../../helpers/store-contract';
import type { StoreHarness } from '../../helpers/store-contract';

describe('the store contract on SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-contract-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const onFile = (): StoreHarness => {
    const file = path.join(dir, 'store.db');
    return { open: () => openStore({ type: 'sqlite', path: file }), reopen: () => openStore({ type: 'sqlite', path: file }) };
  };

  test.each(STORE_CONTRACT.map((c) => [c.name, c] as const))('file: %s', async (_name, check) => {
    await check.run(onFile());
  });

  test.each(STORE_CONTRACT.map((c) => [c.name, c] as const))(':memory: %s', async (_name, check) => {
    await check.run({ open: () => openStore({ type: 'sqlite', path: ':memory:' }) });
  });

  test('the suite fails on a broken store that lets a key have two active incidents', async () => {
    const harness = onFile();
    // A store whose index of active incidents per key is no longer unique.
    await (await harness.open()).close();
    const db = new Database(path.join(dir, 'store.db'));
    db.exec("DROP INDEX incidents_one_active_per_key; CREATE INDEX incidents_one_active_per_key ON incidents (incident_key) WHERE status <> 'resolved'");
    db.close();
    const broken = { open: harness.reopen! };
    const oneActive = STORE_CONTRACT.find((c) => c.name.startsWith('one active incident per key'))!;
    await expect(oneActive.run(broken)).rejects.toThrow(/a second active incident for k1 is refused/);
  });
});
