import { migrate } from '../../src/store/sqlite/database';
import Database from 'better-sqlite3';
import { migratePostgres, openPostgresPool } from '../../src/store/postgres/database';
import { postgresForFile } from '../helpers/postgres';

/**
 * The PostgreSQL store's schema, on a real PostgreSQL server: its migrations apply once, also
 * when several replicas start together, and it has the SQLite store's tables, columns
 * (nullability included) and indexes (uniqueness included), so that the two stores keep one model.
 */
jest.setTimeout(60_000);

const pg = postgresForFile();

interface Shape {
  columns: Record<string, string[]>;
  indexes: Record<string, string[]>;
}

/** The SQLite store's schema after every migration: per table, its columns (`name notnull`) and indexes (`name unique`). */
function sqliteShape(): Shape {
  const db = new Database(':memory:');
  try {
    migrate(db);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").all() as { name: string }[]).map((t) => t.name);
    const shape: Shape = { columns: {}, indexes: {} };
    for (const table of tables) {
      const cols = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; notnull: number; pk: number }[];
      shape.columns[table] = cols.map((c) => `${c.name} ${c.notnull || c.pk ? 'not null' : 'null'}`).sort();
      const idx = db.prepare(`PRAGMA index_list(${table})`).all() as { name: string; unique: number; origin: string }[];
      // Indexes made by the schema itself (not the ones SQLite makes for keys and UNIQUE columns).
      shape.indexes[table] = idx.filter((i) => i.origin === 'c').map((i) => `${i.name}${i.unique ? ' unique' : ''}`).sort();
    }
    return shape;
  } finally {
    db.close();
  }
}

async function postgresShape(url: string): Promise<Shape> {
  const pool = openPostgresPool(url);
  try {
    const cols = await pool.query<{ table_name: string; column_name: string; is_nullable: string }>(
      "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations'",
    );
    const shape: Shape = { columns: {}, indexes: {} };
    for (const c of cols.rows) (shape.columns[c.table_name] ??= []).push(`${c.column_name} ${c.is_nullable === 'NO' ? 'not null' : 'null'}`);
    for (const list of Object.values(shape.columns)) list.sort();
    // Indexes that are not those of a primary key or UNIQUE constraint.
    const idx = await pool.query<{ table: string; name: string; unique: boolean }>(
      `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND t.relname <> 'schema_migrations'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)`,
    );
    for (const table of Object.keys(shape.columns)) shape.indexes[table] = [];
    for (const i of idx.rows) shape.indexes[i.table]!.push(`${i.name}${i.unique ? ' unique' : ''}`);
    for (const list of Object.values(shape.indexes)) list.sort();
    return shape;
  } finally {
    await pool.end();
  }
}

describe('PostgreSQL schema', () => {
  test('migrations apply once on a new database, and again apply nothing', async () => {
    const url = await pg().database();
    const pool = openPostgresPool(url);
    try {
      expect(await migratePostgres(pool)).toEqual(['001-schema', '002-silence-order']);
      expect(await migratePostgres(pool)).toEqual([]);
      const recorded = await pool.query<{ version: string; applied_at: number }>('SELECT version, applied_at FROM schema_migrations');
      expect(recorded.rows.map((r) => r.version).sort()).toEqual(['001-schema', '002-silence-order']);
      // BIGINT columns read as numbers, as on SQLite.
      expect(typeof recorded.rows[0]!.applied_at).toBe('number');
    } finally {
      await pool.end();
    }
  });

  test('three replicas starting together apply each migration once', async () => {
    const url = await pg().database();
    const pools = [0, 1, 2].map(() => openPostgresPool(url));
    try {
      const applied = await Promise.all(pools.map((p) => migratePostgres(p)));
      expect(applied.flat()).toEqual(['001-schema', '002-silence-order']);
      // All of them by one replica: the others found them recorded.
      expect(applied.filter((a) => a.length > 0)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  test("has the SQLite store's tables, columns and indexes", async () => {
    const url = await pg().database();
    const pool = openPostgresPool(url);
    try {
      await migratePostgres(pool);
    } finally {
      await pool.end();
    }
    const expected = sqliteShape();
    expect(Object.keys(expected.columns).length).toBeGreaterThanOrEqual(10);
    // What SQLite keeps without a column: the silences' order of creation (its rowid).
    expected.columns.silences = [...expected.columns.silences!, 'seq not null'].sort();
    expected.indexes.silences = [...expected.indexes.silences!, 'silences_by_creation'].sort();
    expect(await postgresShape(url)).toEqual(expected);
  });
});
