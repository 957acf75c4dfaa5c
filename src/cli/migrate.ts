import { parseArgs } from 'node:util';
import { migratePostgres, openPostgresPool } from '../store/postgres/database';
import { openDatabase } from '../store/sqlite/database';
import { DEFAULT_CONFIG, loadCommandConfig } from './options';
import { displayStoreAddress, parseStoreAddress } from './store-address';
import type { StoreAddress } from './store-address';

const USAGE = 'usage: incident-bridge migrate [--config FILE] [--db FILE | --store sqlite:PATH|postgres:URL]';

/**
 * `incident-bridge migrate`: applies the store's pending migrations (the config's SQLite
 * store, `--db FILE`, or `--store ADDRESS`) and prints which; safe beside replicas that migrate
 * the same PostgreSQL database at the same time. Exits 0 when the store is up to date, 1 when it
 * cannot be migrated, 2 on a usage error.
 */
export async function runMigrate(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let values: { config?: string; db?: string; store?: string };
  try {
    ({ values } = parseArgs({ args, options: { config: { type: 'string', short: 'c', default: DEFAULT_CONFIG }, db: { type: 'string' }, store: { type: 'string' } }, strict: true }));
  } catch (error) {
    err.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let store: StoreAddress | null;
  if (values.store !== undefined) {
    store = parseStoreAddress(values.store);
    if (store === null || values.db !== undefined) {
      err.write(`--store must be sqlite:PATH or postgres:URL, without --db\n${USAGE}\n`);
      return 2;
    }
  } else {
    const loaded = loadCommandConfig(values.config, values.db, err);
    if (loaded === null) return 1;
    store = { type: 'sqlite', path: loaded.store.path };
  }
  try {
    const applied = await migrateStore(store);
    out.write(`${displayStoreAddress(store)}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}\n`);
    return 0;
  } catch (error) {
    err.write(`${displayStoreAddress(store)}: migrating failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function migrateStore(store: StoreAddress): Promise<string[]> {
  if (store.type === 'sqlite') {
    let applied: string[] = [];
    openDatabase(store.path, (versions) => (applied = versions)).close();
    return applied;
  }
  const pool = openPostgresPool(store.url, { max: 1 });
  try {
    return await migratePostgres(pool);
  } finally {
    await pool.end();
  }
}
