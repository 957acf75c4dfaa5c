import path from 'node:path';
import { Pool, types } from 'pg';
import type { PoolClient, PoolConfig } from 'pg';
import { pendingMigrations } from '../migration-files';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/**
 * Every replica migrates at start under this advisory lock, so that replicas started together
 * apply each migration once: the others wait for the lock, then find it recorded.
 */
const MIGRATION_LOCK = 7_316_204_981;

/** int8 (BIGINT) columns hold milliseconds and ids, all below 2^53: read them as numbers, as on SQLite. */
const INT8 = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? (value: string) => Number(value) : types.getTypeParser(oid, format ?? 'text')) as typeof types.getTypeParser,
};

/** A pool of connections to the PostgreSQL database at `url`, reading BIGINT as numbers. */
export function openPostgresPool(url: string, config: Omit<PoolConfig, 'connectionString' | 'types'> = {}): Pool {
  return new Pool({ ...config, connectionString: url, types: pgTypes });
}

/**
 * Applies every numbered `NNN-name.sql` not yet recorded in schema_migrations, each in its own
 * transaction, in number order, under MIGRATION_LOCK; returns the versions this call applied.
 * Merged migrations are never edited: add a new file instead.
 */
export async function migratePostgres(pool: Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return await applyPending(client, dir);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function applyPending(client: PoolClient, dir: string): Promise<string[]> {
  await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)');
  const done = new Set((await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
  const applied: string[] = [];
  for (const { version, file, sql } of pendingMigrations(dir, done)) {
    await client.query('BEGIN');
    try {
      await client.query(sql());
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, Date.now()]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new Error(`PostgreSQL migration ${file} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    applied.push(version);
  }
  return applied;
}
