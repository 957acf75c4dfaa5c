'use strict';

/*
 * Scenario P, moving up to PostgreSQL: `incident-bridge copy --from sqlite:PATH --to
 * postgres:URL` of a store of BENCH_COPY_INCIDENTS open incidents (default 100,000; each with
 * its `opened` timeline entry, its firing alert and its SLA row, seeded as scenario S seeds
 * them, through the store code of dist/) into an empty database of a throwaway PostgreSQL
 * cluster (Debian's postgresql, scripts/postgres-cluster.js; or the server at
 * INCIDENT_BRIDGE_TEST_PG_URL). The command itself (dist/main.js copy) runs as a user runs it;
 * its wall time is the figure. Afterwards the rows of every table are counted on both sides
 * by this process: they must be equal, as the command says it verified. No target: the issue
 * asks for the time it took.
 */

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const processes = require('./processes');
const { seedSlaStore } = require('./sla');
const { startCluster } = require('../scripts/postgres-cluster');

const TABLES = ['sla_terms', 'incidents', 'alerts', 'timeline', 'notifications', 'channel_refs', 'sla_due', 'silences', 'webhook_receipts', 'daemon_state'];

function run(file, args) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    execFile(file, args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    });
  });
}

async function runCopyScenario(s, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const dbFile = path.join(dir, 'incident-bridge.db');
  const seeded = await seedSlaStore(dbFile, { incidents: s.copyIncidents, due: 0 });
  const { Client } = require('pg');
  const given = process.env.INCIDENT_BRIDGE_TEST_PG_URL;
  const server = given ? { url: given, stop: () => undefined } : await startCluster();
  const database = `ib_bench_copy_${process.pid}`;
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(server.url);
    url.pathname = `/${database}`;
    const bytes = fs.statSync(dbFile).size;
    const copy = await run(process.execPath, [path.join(processes.REPO, 'dist', 'main.js'), 'copy', '--from', `sqlite:${dbFile}`, '--to', `postgres:${url}`]);
    const Database = require('better-sqlite3');
    const source = new Database(dbFile, { readonly: true });
    const target = new Client({ connectionString: url.toString() });
    await target.connect();
    const counts = {};
    try {
      for (const table of TABLES) {
        const here = source.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get().n;
        const there = Number((await target.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n);
        counts[table] = { sqlite: here, postgres: there };
      }
    } finally {
      source.close();
      await target.end();
    }
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    const rows = Object.values(counts).reduce((a, c) => a + c.sqlite, 0);
    return {
      seeded: { incidents: seeded.incidents, totalMs: seeded.totalMs },
      sqliteBytes: bytes,
      copy: { code: copy.code, ms: copy.ms, stdout: copy.stdout.trim(), stderr: copy.stderr.trim().slice(-2000) },
      counts,
      rows,
      rowsPerS: copy.code === 0 ? rows / (copy.ms / 1000) : null,
      countsEqual: Object.values(counts).every((c) => c.sqlite === c.postgres),
      postgres: given ? 'INCIDENT_BRIDGE_TEST_PG_URL' : 'throwaway cluster (Debian postgresql, default settings)',
    };
  } finally {
    await admin.end();
    server.stop();
  }
}

module.exports = { runCopyScenario };
