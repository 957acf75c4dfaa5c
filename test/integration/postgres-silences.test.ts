import { migratePostgres, openPostgresPool } from '../../src/store/postgres/database';
import { PostgresSilenceStore } from '../../src/store/postgres/postgres-silence-store';
import type { Store } from '../../src/store/store';
import { STORE_CONTRACT } from '../helpers/store-contract';
import { postgresForFile } from '../helpers/postgres';

/**
 * The silences of the PostgreSQL store pass the store contract's silence checks, each on a new
 * database of a real server. The rest of the PostgreSQL store is not built yet: a check that
 * reached it would fail, not pass.
 */
jest.setTimeout(60_000);

const pg = postgresForFile();

async function silencesOn(url: string): Promise<Store> {
  const pool = openPostgresPool(url);
  await migratePostgres(pool);
  const missing = new Proxy(
    {},
    {
      get: (_t, name) => {
        throw new Error(`the PostgreSQL store has no ${String(name)} yet`);
      },
    },
  );
  return {
    incidents: missing as Store['incidents'],
    readModel: missing as Store['readModel'],
    outbox: missing as Store['outbox'],
    silences: new PostgresSilenceStore(pool),
    close: () => pool.end(),
  };
}

const SILENCE_CHECKS = STORE_CONTRACT.filter((c) => c.name.startsWith('silences:'));

describe('the store contract on PostgreSQL: silences', () => {
  test('the contract has silence checks', () => {
    expect(SILENCE_CHECKS.length).toBeGreaterThanOrEqual(4);
  });

  test.each(SILENCE_CHECKS.map((c) => [c.name, c] as const))('%s', async (_name, check) => {
    // A new database for the check; `reopen` connects to it again, as a restarted daemon would.
    let url: string | null = null;
    await check.run({
      open: async () => silencesOn((url = await pg().database())),
      reopen: () => silencesOn(url!),
    });
  });
});
