import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { migratePostgres, openPostgresPool } from './postgres/database';
import { latestMigration } from './sqlite/database';

/** What a copy moved: rows per table (equal on both sides, checked), and how long it took. */
export interface CopySummary {
  counts: Record<string, number>;
  ms: number;
}

/** A copy that cannot be made or does not verify; the target is left as it was. */
export class CopyError extends Error {}

/**
 * The tables in the order they are copied (every table before those that refer to it). A table
 * of the source not named here stops the copy: the schemas would have drifted apart.
 */
const TABLES = ['sla_terms', 'incidents', 'alerts', 'timeline', 'notifications', 'channel_refs', 'sla_due', 'silences', 'webhook_receipts', 'daemon_state'] as const;
/** Tables whose `id` PostgreSQL generates: their sequences continue after the copied ids. */
const IDENTITY_TABLES = new Set(['incidents', 'alerts', 'timeline', 'notifications']);
/** Characters of COPY text handed to the stream at a time. */
const CHUNK_CHARS = 256 * 1024;

/**
 * Copies a whole SQLite store (incidents, alerts, timelines, outbox, SLA state, silences,
 * receipts, the daemon's durable state) into an empty PostgreSQL store, migrating it first.
 * The source is read in one read transaction, so the copy is one consistent moment of it even
 * beside a running daemon; the target is written in one transaction that commits only after
 * every table's row count (and highest id) reads back equal on both sides, so a copy that fails
 * leaves the target empty. Ids are kept, and PostgreSQL's own ids continue after them.
 */
export async function copySqliteToPostgres(sqlitePath: string, postgresUrl: string): Promise<CopySummary> {
  const started = Date.now();
  if (!existsSync(sqlitePath)) throw new CopyError(`${sqlitePath}: no such store`);
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    source.pragma('busy_timeout = 10000');
    checkSourceSchema(source, sqlitePath);
    const pool = openPostgresPool(postgresUrl, { max: 1 });
    try {
      await migratePostgres(pool);
      const client = await pool.connect();
      try {
        // One moment of the source: a read transaction from the first read to the end.
        source.exec('BEGIN');
        try {
          const counts = await copyInto(client, source);
          return { counts, ms: Date.now() - started };
        } finally {
          source.exec('COMMIT');
        }
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  } finally {
    source.close();
  }
}

/** The source must be at the schema this incident-bridge writes, or its columns would not match. */
function checkSourceSchema(source: Database.Database, file: string): void {
  const latest = latestMigration();
  const hasTable = source.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  const version = hasTable ? (source.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: string | null }).v : null;
  if (version !== latest) {
    throw new CopyError(`${file}: its schema is at ${version ?? 'none'}, this incident-bridge writes ${latest}; run incident-bridge migrate --db ${file} first`);
  }
  const tables = (source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").all() as { name: string }[]).map((t) => t.name);
  const unknown = tables.filter((t) => !(TABLES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new CopyError(`${file}: tables this copy does not know: ${unknown.join(', ')}`);
}

async function copyInto(client: PoolClient, source: Database.Database): Promise<Record<string, number>> {
  await client.query('BEGIN');
  try {
    for (const table of TABLES) {
      const held = await client.query(`SELECT EXISTS (SELECT 1 FROM ${table}) AS held`);
      if ((held.rows[0] as { held: boolean }).held) throw new CopyError(`the target already holds rows in ${table}: a copy goes only into an empty store`);
    }
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = await copyTable(client, source, table);
    for (const table of IDENTITY_TABLES) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT MAX(id) FROM ${table}), 0) + 1, false)`);
    }
    await verify(client, source, counts);
    await client.query('COMMIT');
    return counts;
  } catch (error) {
    await client.query('ROLLBACK');
    if (error instanceof CopyError) throw error;
    throw new CopyError(`copying into PostgreSQL failed, nothing was kept: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * Copies one table with COPY FROM STDIN (PostgreSQL's bulk path), rows written to the stream as
 * SQLite yields them; returns the rows copied.
 */
async function copyTable(client: PoolClient, source: Database.Database, table: string): Promise<number> {
  const columns = (source.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
  const list = columns.map((c) => `"${c}"`).join(', ');
  // In the order rows were written where SQLite keeps one (its rowid): PostgreSQL numbers the
  // silences' order of creation as they arrive.
  const definition = (source.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string }).sql;
  const order = /WITHOUT\s+ROWID\s*$/i.test(definition) ? '' : ' ORDER BY rowid';
  const rows = source.prepare(`SELECT ${list} FROM ${table}${order}`).raw(true).iterate() as IterableIterator<unknown[]>;
  let copied = 0;
  const lines = Readable.from(
    (function* () {
      let chunk = '';
      for (const row of rows) {
        chunk += `${row.map(copyField).join('\t')}\n`;
        copied++;
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk.length > 0) yield chunk;
    })(),
  );
  await pipeline(lines, client.query(copyFrom(`COPY ${table} (${list}) FROM STDIN`)));
  return copied;
}

/** One value in COPY's text format: \N for null, backslash, tab and line breaks escaped. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'string') throw new CopyError(`a value of type ${typeof value} has no place in the store`);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : value;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Every table holds as many rows on both sides, with the same highest id where there is one. */
async function verify(client: PoolClient, source: Database.Database, counts: Record<string, number>): Promise<void> {
  for (const table of TABLES) {
    const max = IDENTITY_TABLES.has(table) ? ', MAX(id) AS max' : ', NULL AS max';
    const there = (await client.query(`SELECT COUNT(*)::bigint AS n${max} FROM ${table}`)).rows[0] as { n: number; max: number | null };
    const here = source.prepare(`SELECT COUNT(*) AS n${max} FROM ${table}`).get() as { n: number; max: number | null };
    if (Number(there.n) !== here.n || there.n !== counts[table] || (there.max ?? null) !== (here.max ?? null)) {
      throw new CopyError(`${table}: ${here.n} rows in the source, ${counts[table]} copied, ${there.n} in the target (highest id ${here.max} / ${there.max}); nothing was kept`);
    }
  }
}
