'use strict';

/*
 * Fills an incident-bridge store file with a year of history, directly with better-sqlite3, so
 * that the benchmark can measure the daemon on a large store without ingesting it first.
 *
 * The file must already carry the daemon's schema (start the daemon on it once, so that its own
 * migrations create the tables, and stop it). The rows follow that schema and its invariants:
 * incidents of a few tens of thousands of incident keys, opened one after the other over the
 * year, all resolved but a few thousand (at most one not resolved per key: the unique index
 * incidents_one_active_per_key); each incident with a few alerts, at most one row per
 * (incident, source, fingerprint) (alerts_one_per_incident); and the incidents' timelines.
 *
 * The first keys are those of the benchmark's live traffic (bench/alerts.js, classified by the
 * daemon's own rules), with the live series' fingerprints, so that live webhooks meet history:
 * resolved incidents of their key, earlier activations of their alert. The other keys are
 * clones of the catalogue with other hosts, pods and databases.
 *
 * For speed the secondary indexes are dropped, the rows inserted in one transaction without a
 * journal, and the indexes created again from the schema's own SQL (a sort, much faster than
 * updating them row by row). The file is left in WAL mode, as the daemon keeps it.
 */

const { createHash } = require('node:crypto');
const { buildCatalogue, prng } = require('./alerts');
const { classifyLabels } = require('./classify');

const DAY_MS = 86_400_000;
const GROUP_LABELS = ['instance', 'pod', 'database', 'region'];

/** A 16-hex-digit fingerprint for a synthetic series (any stable, distinct value does). */
function syntheticFingerprint(text) {
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}

/**
 * The keys of the history: `{key, c, fingerprints[], labels[], annotations[], generatorURL[]}`,
 * the live catalogue's keys first, then clones up to `count` keys, each of those with
 * `seriesPerKey` series.
 */
function buildKeys(count, seriesPerKey) {
  const { all } = buildCatalogue();
  const byKey = new Map();
  for (const s of all) {
    const c = classifyLabels(s.labels);
    let k = byKey.get(c.key);
    if (!k) byKey.set(c.key, (k = { key: c.key, c, series: [] }));
    k.series.push({ fingerprint: s.fingerprint, labels: JSON.stringify(s.labels), annotations: JSON.stringify(s.describe('95.000000000')), generatorURL: s.generatorURL });
  }
  const keys = [...byKey.values()];
  const live = keys.length;
  // Templates that have a grouping label: a clone with another value of it is another key.
  const templates = all.filter((s) => GROUP_LABELS.some((l) => s.labels[l] !== undefined));
  for (let i = 0; keys.length < count; i++) {
    const t = templates[i % templates.length];
    const labels = { ...t.labels };
    for (const l of GROUP_LABELS) if (labels[l] !== undefined) labels[l] = `${labels[l]}-h${i}`;
    const c = classifyLabels(labels);
    if (byKey.has(c.key)) continue;
    const k = { key: c.key, c, series: [] };
    for (let j = 0; j < seriesPerKey; j++) {
      const own = { ...labels, series: String(j) };
      const json = JSON.stringify(own);
      k.series.push({ fingerprint: syntheticFingerprint(json), labels: json, annotations: JSON.stringify(t.describe(`9${j}.500000000`)), generatorURL: t.generatorURL });
    }
    byKey.set(c.key, k);
    keys.push(k);
  }
  return { keys, live };
}

/**
 * Inserts `incidents` incidents with about `alerts` alert rows and `timelinePerIncident` timeline
 * rows each into the (schema-only) store at `dbFile`; `open` of them stay open. Returns what it
 * wrote and how long it took.
 */
function prefillStore(dbFile, options) {
  const Database = require('better-sqlite3');
  const started = process.hrtime.bigint();
  const nIncidents = options.incidents;
  const nAlerts = options.alerts;
  const nOpen = Math.min(options.open, nIncidents);
  const timelinePerIncident = options.timelinePerIncident ?? 2;
  const random = prng(options.seed ?? 7);
  const avgAlerts = nIncidents > 0 ? nAlerts / nIncidents : 0;
  // Synthetic keys carry 2x the mean alerts per incident, so that each incident can take a
  // uniform 1..2*mean-1 of them; about 50 incidents per key over the year.
  const seriesPerKey = Math.max(1, Math.round(2 * avgAlerts));
  const keyCount = Math.max(nOpen + 1000, Math.min(Math.ceil(nIncidents / 50), 200_000));
  const { keys, live } = buildKeys(keyCount, seriesPerKey);

  const db = new Database(dbFile);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  db.pragma('temp_store = MEMORY');
  const tables = ['incidents', 'alerts', 'timeline'];
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`)
    .all(...tables);
  const existing = db.prepare('SELECT (SELECT COUNT(*) FROM incidents) + (SELECT COUNT(*) FROM alerts) AS n').pluck().get();
  if (existing > 0) throw new Error(`${dbFile} is not empty (${existing} rows): prefill wants a schema-only store`);

  const insertIncident = db.prepare(`INSERT INTO incidents (id, incident_key, status, priority, impact, category, health_model, metric,
    title, summary, runbook_url, line, group_labels, alert_count, firing_count, delivery_count, reopen_count, started_at, ended_at,
    opened_at, acknowledged_at, resolved_at, resolve_due_at, updated_at, auto_resolve, hold_down_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 1, 0)`);
  const insertAlert = db.prepare(`INSERT INTO alerts (source, fingerprint, incident_id, status, starts_at, ends_at, labels, annotations,
    generator_url, delivery_count, first_received_at, last_received_at) VALUES ('alertmanager', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertTimeline = db.prepare('INSERT INTO timeline (incident_id, at, event, detail) VALUES (?, ?, ?, ?)');

  // Which keys end with an open incident: a random set of nOpen keys, their last incident open.
  const openKeys = new Set();
  while (openKeys.size < nOpen) openKeys.add(Math.floor(random() * keys.length));
  const openList = [...openKeys];
  // Each key's incidents in order; the last incident of each key is found in a first pass.
  const keyOf = new Uint32Array(nIncidents);
  const lastOf = new Int32Array(keys.length).fill(-1);
  for (let i = 0; i < nIncidents; i++) {
    // Every open key gets at least its one incident: the last nOpen incidents go to them.
    const k = i >= nIncidents - nOpen ? openList[i - (nIncidents - nOpen)] : Math.floor(random() * keys.length);
    keyOf[i] = k;
    lastOf[k] = i;
  }

  const now = Date.now();
  const from = now - 365 * DAY_MS;
  const until = now - 3_600_000;
  const step = nIncidents > 0 ? (until - from) / nIncidents : 0;
  let alertRows = 0;
  let timelineRows = 0;
  let openRows = 0;
  db.transaction(() => {
    for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);
    for (let i = 0; i < nIncidents; i++) {
      const id = i + 1;
      const k = keys[keyOf[i]];
      const open = openKeys.has(keyOf[i]) && lastOf[keyOf[i]] === i;
      const openedAt = Math.floor(from + i * step);
      const startedAt = openedAt - Math.floor(random() * 60_000);
      const resolvedAt = open ? null : openedAt + 300_000 + Math.floor(random() * 4 * 3_600_000);
      const acknowledgedAt = open && random() < 0.3 ? openedAt + 120_000 : resolvedAt === null ? null : openedAt + 60_000 + Math.floor(random() * 600_000);
      // This incident's alerts: 1..2*mean-1 distinct series of its key, from a random offset.
      // The mean follows what is left, so that the total comes out at `alerts`.
      const mean = (nAlerts - alertRows) / (nIncidents - i);
      const wanted = 1 + Math.floor(random() * Math.max(1, 2 * mean - 1));
      const count = Math.min(wanted, k.series.length, Math.max(0, nAlerts - alertRows));
      const deliveries = count * (1 + Math.floor(random() * 20));
      const c = k.c;
      const title = `${c.metric} on ${Object.values(c.groupLabels).join(', ') || c.healthModel}`.slice(0, 200);
      insertIncident.run(
        id,
        k.key,
        open ? (acknowledgedAt !== null ? 'acknowledged' : 'open') : 'resolved',
        c.priority,
        c.impact,
        c.category,
        c.healthModel,
        c.metric,
        title,
        `${title}: ${count} alert(s) from alertmanager`,
        `https://runbooks.example.net/${c.healthModel}/${c.metric}`,
        'L1',
        JSON.stringify(c.groupLabels),
        count,
        open ? count : 0,
        deliveries,
        0,
        startedAt,
        resolvedAt,
        openedAt,
        acknowledgedAt,
        resolvedAt,
        resolvedAt ?? openedAt,
      );
      if (open) openRows += 1;
      const offset = Math.floor(random() * k.series.length);
      for (let j = 0; j < count; j++) {
        const s = k.series[(offset + j) % k.series.length];
        insertAlert.run(s.fingerprint, id, open ? 'firing' : 'resolved', startedAt + j, resolvedAt, s.labels, s.annotations, s.generatorURL, Math.ceil(deliveries / count), openedAt, resolvedAt ?? openedAt);
      }
      alertRows += count;
      if (timelinePerIncident > 0) {
        insertTimeline.run(id, openedAt, 'opened', `{"source":"alertmanager","fingerprint":"${k.series[offset].fingerprint}","priority":"${c.priority}","matched":true}`);
        timelineRows += 1;
        for (let t = 1; t < timelinePerIncident; t++) {
          const last = t === timelinePerIncident - 1 && resolvedAt !== null;
          insertTimeline.run(id, last ? resolvedAt : openedAt + t * 1000, last ? 'resolved' : 'alert_attached', last ? '{"cause":"all alerts resolved"}' : `{"source":"alertmanager","fingerprint":"${k.series[(offset + t) % k.series.length].fingerprint}"}`);
          timelineRows += 1;
        }
      }
    }
  })();
  const insertedAt = process.hrtime.bigint();
  db.transaction(() => {
    // The report's columns, as the store writes them with each incident it stores.
    db.exec(`${require('../dist/store/sqlite/report-columns').REPORT_COLUMNS_FROM_ROW_SQL} WHERE acknowledged_at IS NOT NULL`);
    for (const { sql } of indexes) db.exec(sql);
  })();
  // No ANALYZE: the daemon never runs it, so a store it grew has no statistics either.
  const indexedAt = process.hrtime.bigint();
  db.pragma('journal_mode = WAL');
  db.close();
  const ms = (a, b) => Math.round(Number(b - a) / 1e6);
  return {
    incidents: nIncidents,
    openIncidents: openRows,
    alerts: alertRows,
    timeline: timelineRows,
    keys: keys.length,
    liveKeys: live,
    insertMs: ms(started, insertedAt),
    indexMs: ms(insertedAt, indexedAt),
    totalMs: ms(started, process.hrtime.bigint()),
  };
}

module.exports = { prefillStore, buildKeys };
