import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { runCopy } from '../../src/cli/copy';
import { runMigrate } from '../../src/cli/migrate';
import { createPipeline } from '../../src/incidents/pipeline';
import { openPostgresPool } from '../../src/store/postgres/database';
import { amBody } from '../helpers/engine';
import { allDayTerms } from '../helpers/sla-terms';
import { FakeClock } from '../helpers/fake-clock';
import { postgresForFile } from '../helpers/postgres';
import { exampleRuleSet } from '../helpers/rules';

/**
 * `incident-bridge copy --from sqlite:PATH --to postgres:URL` and `incident-bridge migrate`, on a
 * real PostgreSQL server: a store with incidents, alerts, timelines, notifications, SLA state,
 * silences and receipts moves whole, every row equal on both sides, ids kept and continued; a
 * copy that cannot be made leaves the target as it was.
 */
jest.setTimeout(90_000);

const TERMS = allDayTerms([
      { clock: 'response', at: { kind: 'share', share: 0.5 }, atText: '50%', action: 'remind' },
      { clock: 'response', at: { kind: 'share', share: 1 }, atText: '100%', action: 'escalate' },
    ]);

const pg = postgresForFile();
let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ib-copy-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A SQLite store with a little of everything, written by the real pipeline on a fake clock. */
async function seededStore(file: string): Promise<void> {
  const clock = new FakeClock('2026-05-04T10:00:00Z');
  const channelsFor = () => ['ops-chat'];
  const pipeline = createPipeline({ ruleSet: exampleRuleSet(), clock, file, policy: { reopenWindowMs: 3_600_000, channelsFor, slaTermsFor: () => TERMS } });
  try {
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      const body = amBody([{ labels: { alertname: 'BlackboxProbeFailed', instance: `https://shop-${i}.example.net/health` }, startsAt: '2026-05-04T09:59:00Z', status: 'firing' }]);
      ids.push(...(await pipeline.push(body, { name: 'alertmanager', type: 'alertmanager' })).incidents);
    }
    await pipeline.act(ids[0]!, { type: 'acknowledge', actor: { type: 'person', name: 'anna' } });
    clock.advance({ hours: 3 });
    expect(await pipeline.sla.runOnce()).toBeGreaterThan(0);
    const resolved = amBody([{ labels: { alertname: 'BlackboxProbeFailed', instance: 'https://shop-1.example.net/health' }, startsAt: '2026-05-04T09:59:00Z', endsAt: '2026-05-04T12:59:00Z', status: 'resolved' }]);
    await pipeline.push(resolved, { name: 'alertmanager', type: 'alertmanager' });
    const now = clock.now().getTime();
    await pipeline.store.silences.create({ id: '0b9c2a4e-1111-4a5b-9c3d-2e7f00000001', matchers: ['alertname="Maintenance"'], startsAt: now, endsAt: now + 3_600_000, createdBy: 'anna', comment: 'planned', createdAt: now });
  } finally {
    await pipeline.close();
  }
}

/** Every row of every table, in primary-key order, as plain values. */
async function sqliteRows(file: string, table: string): Promise<unknown[][]> {
  const db = new Database(file, { readonly: true });
  try {
    const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; pk: number }[]);
    const key = cols.filter((c) => c.pk > 0).map((c) => `"${c.name}"`).join(', ');
    return db.prepare(`SELECT ${cols.map((c) => `"${c.name}"`).join(', ')} FROM ${table} ORDER BY ${key}`).raw(true).all() as unknown[][];
  } finally {
    db.close();
  }
}
async function postgresRows(url: string, table: string, columns: string[], key: string): Promise<unknown[][]> {
  const pool = openPostgresPool(url);
  try {
    const result = await pool.query({ text: `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM ${table} ORDER BY ${key}`, rowMode: 'array' });
    return result.rows as unknown[][];
  } finally {
    await pool.end();
  }
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

const TABLES = ['sla_terms', 'incidents', 'alerts', 'timeline', 'notifications', 'channel_refs', 'sla_due', 'silences', 'webhook_receipts', 'daemon_state'];

describe('incident-bridge copy', () => {
  test('moves a whole SQLite store into an empty PostgreSQL one: every row equal, ids kept and continued, counts printed', async () => {
    const file = path.join(dir, 'store.db');
    await seededStore(file);
    // A text with every character COPY's text format escapes, and some that it does not.
    const raw = new Database(file);
    raw.prepare("INSERT INTO timeline (incident_id, at, event, detail, actor_type, actor_name) VALUES (1, 1, 'comment', ?, 'person', 'anna')").run(
      JSON.stringify({ text: 'tab\there\nnew line\r\nback\\slash \\N \u00e9\u00e8 \u{1F525} "quoted"' }) + '\t\\N\n',
    );
    raw.close();
    const url = await pg().database();
    const withPassword = url.replace('postgres@', 'postgres:hunter2@');
    const out = capture();
    const err = capture();
    expect(await runCopy(['--from', `sqlite:${file}`, '--to', `postgres:${withPassword}`], out.stream, err.stream)).toBe(0);
    expect(err.text()).toBe('');
    expect(out.text()).toMatch(/^copied sqlite:.*store\.db to postgres:postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/ib_test_\w+ in \d+\.\d s: 1 sla_terms, 12 incidents, 12 alerts, \d+ timeline, \d+ notifications, 0 channel_refs, 11 sla_due, 1 silences, \d+ webhook_receipts, 0 daemon_state; counts verified\n$/);
    expect(out.text()).not.toContain('hunter2');

    let rowsSeen = 0;
    const db = new Database(file, { readonly: true });
    const shape = TABLES.map((table) => {
      const cols = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; pk: number }[];
      return { table, columns: cols.map((c) => c.name), key: cols.filter((c) => c.pk > 0).map((c) => `"${c.name}"`).join(', ') };
    });
    db.close();
    for (const { table, columns, key } of shape) {
      const here = await sqliteRows(file, table);
      rowsSeen += here.length;
      expect({ table, rows: await postgresRows(url, table, columns, key) }).toEqual({ table, rows: here });
    }
    expect(rowsSeen).toBeGreaterThan(60);

    // PostgreSQL's own ids continue after the copied ones.
    const pool = openPostgresPool(url);
    try {
      const next = await pool.query<{ id: number }>(
        "INSERT INTO timeline (incident_id, at, event, detail) VALUES (1, 0, 'comment', '{}') RETURNING id",
      );
      const copiedMax = (await sqliteRows(file, 'timeline')).reduce((m, r) => Math.max(m, r[0] as number), 0);
      expect(next.rows[0]!.id).toBe(copiedMax + 1);
    } finally {
      await pool.end();
    }
  });

  test('refuses a target that holds data, and leaves it as it was', async () => {
    const file = path.join(dir, 'store.db');
    await seededStore(file);
    const url = await pg().database();
    expect(await runCopy(['--from', `sqlite:${file}`, '--to', url], capture().stream, capture().stream)).toBe(0);
    const err = capture();
    expect(await runCopy(['--from', `sqlite:${file}`, '--to', url], capture().stream, err.stream)).toBe(1);
    expect(err.text()).toBe('the target already holds rows in sla_terms: a copy goes only into an empty store\n');
    expect((await postgresRows(url, 'incidents', ['id'], 'id')).length).toBe(12);
  });

  test('a copy that fails half-way keeps nothing in the target', async () => {
    const file = path.join(dir, 'store.db');
    await seededStore(file);
    // A timeline row of an incident that does not exist (written with SQLite's key checks off):
    // PostgreSQL refuses it after the incidents and alerts went in.
    const db = new Database(file);
    db.pragma('foreign_keys = OFF');
    db.prepare("INSERT INTO timeline (incident_id, at, event, detail) VALUES (999, 0, 'comment', '{}')").run();
    db.close();
    const url = await pg().database();
    const err = capture();
    expect(await runCopy(['--from', `sqlite:${file}`, '--to', url], capture().stream, err.stream)).toBe(1);
    expect(err.text()).toMatch(/^copying into PostgreSQL failed, nothing was kept: .*foreign key/);
    const pool = openPostgresPool(url);
    try {
      for (const table of TABLES) expect({ table, rows: (await pool.query<{ n: number }>(`SELECT COUNT(*)::bigint AS n FROM ${table}`)).rows[0]!.n }).toEqual({ table, rows: 0 });
    } finally {
      await pool.end();
    }
  });

  test('refuses a missing store, a store of an older schema and addresses of the wrong kind', async () => {
    const url = await pg().database();
    const err = capture();
    expect(await runCopy(['--from', `sqlite:${path.join(dir, 'none.db')}`, '--to', url], capture().stream, err.stream)).toBe(1);
    expect(err.text()).toContain('none.db: no such store');

    const old = path.join(dir, 'old.db');
    const db = new Database(old);
    db.exec('CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
    db.prepare("INSERT INTO schema_migrations VALUES ('009-sla', 0)").run();
    db.close();
    const oldErr = capture();
    expect(await runCopy(['--from', `sqlite:${old}`, '--to', url], capture().stream, oldErr.stream)).toBe(1);
    expect(oldErr.text()).toMatch(/old\.db: its schema is at 009-sla, this incident-bridge writes 0\d\d-[\w-]+; run incident-bridge migrate --db .*old\.db first\n$/);

    const usage = capture();
    expect(await runCopy(['--from', url, '--to', `sqlite:${old}`], capture().stream, usage.stream)).toBe(2);
    expect(usage.text()).toContain('usage: incident-bridge copy --from sqlite:PATH --to postgres:URL');
  });
});

describe('incident-bridge migrate', () => {
  test('migrates a SQLite file and a PostgreSQL database, then finds both up to date', async () => {
    const file = path.join(dir, 'new.db');
    const url = await pg().database();
    for (const store of [`sqlite:${file}`, `postgres:${url}`]) {
      const first = capture();
      expect(await runMigrate(['--store', store], first.stream, capture().stream)).toBe(0);
      expect(first.text()).toMatch(/: applied 0\d\d-/);
      const again = capture();
      expect(await runMigrate(['--store', store], again.stream, capture().stream)).toBe(0);
      expect(again.text()).toMatch(/: up to date\n$/);
    }
  });
});
