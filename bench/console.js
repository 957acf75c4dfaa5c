'use strict';
/* global document, window, self, EventSource, SharedWorker -- functions passed to page.evaluate (and the listeners' worker) run in the browser */

/*
 * Scenarios W and R: the console and the report (issue "console and report").
 *
 * W. The console in headless Chromium (Debian's, through playwright-core) against the daemon
 *    (dist/main.js serve) on a store seeded with BENCH_CONSOLE_INCIDENTS open incidents (the SLA
 *    scenario's seeding: through the store code, with SLA terms), one person with a token:
 *    1. Queue: a fresh page with the session cookie opens `/`, BENCH_CONSOLE_LOADS times: the time
 *       from navigation to the first row drawn, to the count of every open incident in the heading
 *       (the first screen, in queue order, carries the total), to a key press answered (j moves
 *       the focus to the next row), and to every open incident loaded into the page (the count no
 *       longer busy). Target: the queue interactive (its first screen and count drawn and the key
 *       answered) within 1 s; the time to all loaded is reported beside it.
 *    2. Live stream: BENCH_CONSOLE_BROWSERS pages (one of them the console itself, the others
 *       listening with EventSource only) while webhooks go in at BENCH_RATE/s for
 *       BENCH_CONSOLE_LIVE_S seconds. For each event that brings a change (a newer updatedAt) to
 *       a page, the delay from the change to its arrival; every incident that changed during the
 *       run must end on every page at the updatedAt the API gives it. Target: every change seen
 *       by every page within 1 s.
 * R. The monthly report on a store of BENCH_REPORT_INCIDENTS incidents opened within one month
 *    (rows written straight into the daemon's schema, with their SLA index: responses and
 *    resolutions met, late and missing, some opened under maintenance): GET /api/v1/reports/sla
 *    for the month grouped by health model, category and priority, BENCH_REPORT_RUNS times (the
 *    first on a cold daemon). Target: under 3 s. CSV and the printable HTML report are timed too.
 */

const fs = require('node:fs');
const path = require('node:path');
const { createTraffic, webhookBody } = require('./alerts');
const { runLoad } = require('./load');
const processes = require('./processes');
const { seedSlaStore } = require('./sla');

const TOKEN = 'bench-console-token-2f9c1e77';
/**
 * Headless Chromium as the tests run it. Each context is a window, and each window of this
 * Chromium preloads its omnibox popups, web pages of Chromium's own UI with a renderer process each
 * that no headless window ever shows: 50 browsers on this 2-core machine would spend about a core
 * on them, beside the daemon. The bench turns them off (BENCH_CHROMIUM_ARGS adds flags).
 */
const LAUNCH = {
  executablePath: process.env.BENCH_CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
    ...(process.env.BENCH_CHROMIUM_ARGS || '').split(' ').filter(Boolean),
  ],
};
const DAY_MS = 86_400_000;
/** What the console asks of the stream (web/src/live.ts): an active incident's fields for the queue. */
const CONSOLE_FIELDS = 'fields=id,status,priority,impact,category,healthModel,metric,customer,title,line,assignee,sla,suppressed,flapping,alertCount,firingCount,openedAt,acknowledgedAt,resolvedAt,updatedAt';

const withPerson = (doc) => {
  doc.set('people', doc.createNode([{ name: 'bench', role: 'responder', token: '${BENCH_CONSOLE_TOKEN}' }]));
};

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** A session cookie for the person, as the console's login would set it. */
async function sessionCookie(url) {
  const res = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
  const set = res.headers.get('set-cookie') || '';
  const [pair] = set.split(';');
  const [name, value] = pair.split('=');
  return { name, value, url };
}

async function measureQueue(browser, url, cookie, loads, expected) {
  const runs = [];
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([cookie]);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const started = performance.now();
    await page.goto(`${url}/`);
    await page.locator('tr[data-incident]').first().waitFor({ timeout: 30_000 });
    const firstRowMs = performance.now() - started;
    await page.waitForFunction((n) => (document.querySelector('#queue-title .count') || {}).textContent === String(n), expected, { timeout: 30_000, polling: 'raf' });
    const loadedMs = performance.now() - started;
    const keyAt = performance.now();
    await page.keyboard.press('j');
    await page.locator('tbody tr.focus').nth(0).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr')[1]?.classList.contains('focus'), null, { timeout: 10_000, polling: 'raf' });
    const keyMs = performance.now() - keyAt;
    // Every active incident loaded in the page (the first screen came first): the count is no longer busy.
    await page.locator('#queue-title .count[aria-busy="false"]').waitFor({ timeout: 30_000 });
    const allLoadedMs = performance.now() - started;
    runs.push({ firstRowMs, loadedMs, keyMs, interactiveMs: loadedMs + keyMs, allLoadedMs, errors });
    await context.close();
  }
  return runs;
}

/**
 * A listener's stream, run in a shared worker of its page: Playwright follows a page's network
 * (every event of its streams is a message to the benchmark, 10,000 a second for 50 pages at 200
 * webhooks/s, and both the browser and this process would spend a core on them), not a shared
 * worker's. `url` is the stream's; each incident's events are kept as [arrival, updatedAt].
 */
function listenerWorker(url) {
  const seen = new Map();
  const waiting = [];
  let hello = false;
  const source = new EventSource(url);
  source.addEventListener('hello', () => {
    hello = true;
    for (const port of waiting) port.postMessage('hello');
  });
  source.addEventListener('incident', (e) => {
    const at = Date.now();
    const incident = JSON.parse(e.data);
    const list = seen.get(incident.id);
    const entry = [at, Date.parse(incident.updatedAt)];
    if (list) list.push(entry);
    else seen.set(incident.id, [entry]);
  });
  self.onconnect = (e) => {
    const port = e.ports[0];
    port.onmessage = () => port.postMessage([...seen.entries()]);
    if (hello) port.postMessage('hello');
    else waiting.push(port);
  };
}

async function measureLive(browser, url, cookie, s) {
  // A context per page, as each person has a browser of their own (a browser keeps at most six
  // connections to one host, and each stream holds one).
  const contexts = [];
  const pages = [];
  // The console itself (its stream, and one more in the page that records arrivals), then listeners.
  const listen = (fields) => {
    window.__seen = new Map();
    const source = new EventSource(`/api/v1/stream?${fields}`);
    source.addEventListener('incident', (e) => {
      const at = Date.now();
      const incident = JSON.parse(e.data);
      const list = window.__seen.get(incident.id);
      const seen = [at, Date.parse(incident.updatedAt)];
      if (list) list.push(seen);
      else window.__seen.set(incident.id, [seen]);
    });
    window.__collect = async () => [...window.__seen.entries()];
    return new Promise((resolve) => source.addEventListener('hello', () => resolve(true)));
  };
  const listenInWorker = (code) =>
    new Promise((resolve, reject) => {
      const worker = new SharedWorker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
      let reply = null;
      worker.onerror = () => reject(new Error('the listener worker did not start'));
      worker.port.onmessage = (e) => (e.data === 'hello' ? resolve(true) : reply?.(e.data));
      worker.port.start();
      window.__collect = () =>
        new Promise((done) => {
          reply = done;
          worker.port.postMessage('seen');
        });
    });
  for (let i = 0; i < s.consoleBrowsers; i++) {
    // A listener's worker comes from a blob, which the daemon's Content-Security-Policy forbids (as it should).
    const context = await browser.newContext(i === 0 ? {} : { bypassCSP: true });
    await context.addCookies([cookie]);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(i === 0 ? `${url}/` : `${url}/-/healthy`);
    if (i === 0) {
      await page.locator('#queue-title').waitFor();
      await page.evaluate(listen, CONSOLE_FIELDS);
    } else {
      await page.evaluate(listenInWorker, `(${listenerWorker.toString()})(${JSON.stringify(`${url}/api/v1/stream?${CONSOLE_FIELDS}`)});`);
    }
    pages.push(page);
  }
  // Beside the browsers, one reader in this process: the daemon's part of the delay, without a browser's.
  const direct = await directReader(url, cookie);
  const answers = [];
  const startedAt = Date.now();
  const measured = await runLoad({
    url: `${url}/webhooks/alertmanager`,
    connections: s.rateConnections,
    rate: s.rate,
    streams: s.rateStreams === null ? s.rate : s.rateStreams,
    batch: 1,
    traffic: createTraffic({ seed: s.seed + 7, reorder: s.reorder }),
    body: webhookBody,
    accepted: (status, body) => {
      const at = Date.now();
      const m = /"incidents"\s*:\s*\[([^\]]*)\]/.exec(body || '');
      if (status >= 200 && status < 300 && m && m[1].trim() !== '') for (const id of m[1].split(',')) answers.push({ id: Number(id), at });
      return Number((/"accepted"\s*:\s*(\d+)/.exec(body || '') || [0, 0])[1]);
    },
    seen: new Set(),
    durationS: s.consoleLiveS,
  });
  // Everything sent has been answered: give the last events time to arrive.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  // A change's delay: from its time on the incident (updatedAt, the daemon's clock, this machine's)
  // to its arrival in the page, for each event that brings a new updatedAt (an alert's repeat
  // touches the incident's counters without changing it, and its event keeps the older time).
  // Every incident that changed during the run must end, on every page, at the updatedAt the
  // API gives it afterwards.
  const delays = [];
  let unseen = 0;
  const answered = [...new Set(answers.map((a) => a.id))];
  const finalOf = new Map();
  for (const id of answered) {
    const res = await fetch(`${url}/api/v1/incidents/${id}`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
    const body = await res.json();
    if (Date.parse(body.updatedAt) >= startedAt) finalOf.set(id, Date.parse(body.updatedAt));
  }
  for (const page of pages) {
    const seen = new Map(await page.evaluate(() => window.__collect()));
    delays.push(...changeDelays(seen));
    for (const [id, changedAt] of finalOf) {
      const list = seen.get(id);
      if (!list || Math.max(...list.map((e) => e[1])) !== changedAt) unseen++;
    }
  }
  for (const context of contexts) await context.close();
  direct.close();
  const directDelays = changeDelays(direct.seen);
  delays.sort((a, b) => a - b);
  return {
    pages: pages.length,
    webhooks: measured.requests2xx,
    webhooksPerS: measured.requestsPerS,
    webhookLatencyMs: measured.latencyMs,
    changes: finalOf.size,
    observations: delays.length,
    unseen,
    delayMs: { p50: quantile(delays, 0.5), p99: quantile(delays, 0.99), max: delays.length ? delays[delays.length - 1] : null },
    directDelayMs: { p50: quantile(directDelays, 0.5), p99: quantile(directDelays, 0.99), max: directDelays.length ? directDelays[directDelays.length - 1] : null },
  };
}

/** A change's delay, for each event that brings a newer updatedAt to a reader: [arrival, updatedAt] by incident. */
function changeDelays(seen) {
  const delays = [];
  for (const list of seen.values()) {
    let previous = -Infinity;
    for (const [at, changedAt] of list) {
      if (changedAt > previous) delays.push(Math.max(0, at - changedAt));
      previous = Math.max(previous, changedAt);
    }
  }
  return delays.sort((a, b) => a - b);
}

/** The live stream read in this process (no browser): when each incident's events arrive. */
async function directReader(url, cookie) {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/v1/stream?${CONSOLE_FIELDS}`, { headers: { cookie: `${cookie.name}=${cookie.value}` }, signal: controller.signal });
  const seen = new Map();
  let buffer = '';
  let hello;
  const helloSeen = new Promise((resolve) => (hello = resolve));
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        const at = Date.now();
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith('retry:') || block.includes('event: hello')) hello(true);
          const data = /^event: incident\ndata: (.+)$/m.exec(block)?.[1];
          if (!data) continue;
          const incident = JSON.parse(data);
          const list = seen.get(incident.id) || [];
          list.push([at, Date.parse(incident.updatedAt)]);
          seen.set(incident.id, list);
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  await helloSeen;
  return { seen, close: () => controller.abort() };
}

async function runConsoleScenario(s, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const { chromium } = require('playwright-core');
  const dbFile = path.join(dir, 'console.db');
  const seeded = await seedSlaStore(dbFile, { incidents: s.consoleIncidents, due: 0 });
  const daemon = await processes.startDaemon(dir, { dbFile, configure: withPerson, env: { BENCH_CONSOLE_TOKEN: TOKEN }, timeoutMs: 120_000, nodeArgs: s.nodeArgs });
  const browser = await chromium.launch(LAUNCH);
  try {
    const cookie = await sessionCookie(daemon.url);
    const queue = await measureQueue(browser, daemon.url, cookie, s.consoleLoads, s.consoleIncidents);
    const live = await measureLive(browser, daemon.url, cookie, s);
    const out = { seeded: { incidents: seeded.incidents, totalMs: seeded.totalMs }, queue, live };
    const worst = Math.max(...queue.map((r) => r.interactiveMs));
    out.targets = [
      { scenario: 'W', metric: `queue of ${s.consoleIncidents} open incidents interactive in Chromium, worst of ${queue.length} loads, ms`, target: 1000, value: worst, met: worst < 1000 },
      {
        scenario: 'W',
        metric: `changes seen by ${live.pages} browsers at ${s.rate} webhooks/s, max delay ms`,
        target: 1000,
        value: live.delayMs.max,
        met: live.unseen === 0 && live.delayMs.max !== null && live.delayMs.max <= 1000,
      },
    ];
    return out;
  } finally {
    await browser.close();
    await processes.stopChild(daemon.handle);
  }
}

/**
 * A store of `n` incidents opened within one month (UTC), written straight into the daemon's
 * schema (the file is created and migrated by the daemon's store code first): spread over the
 * month, the categories, priorities and health models of the example rules; four in five
 * resolved; responses met, late or missing; some opened under maintenance.
 */
function seedReportStore(dbFile, n, monthStart) {
  const started = performance.now();
  const { openSqliteStore } = require(path.join(processes.REPO, 'dist', 'store', 'sqlite', 'sqlite-store'));
  const store = openSqliteStore(dbFile);
  return store.close().then(() => {
    const Database = require('better-sqlite3');
    const db = new Database(dbFile);
    db.pragma('journal_mode = WAL');
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = 'incidents'").all();
    for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);
    const models = [
      ['online-shop', 'checkout-available', 'software', 'full_outage', 'P1'],
      ['online-shop', 'checkout-success-rate', 'software', 'partial_outage', 'P2'],
      ['online-shop', 'search-latency', 'software', 'defect', 'P3'],
      ['shop-infrastructure', 'host-down', 'infrastructure', 'partial_outage', 'P3'],
      ['shop-infrastructure', 'disk-space', 'infrastructure', 'defect', 'P4'],
      ['web-banking', 'portal-available', 'software', 'full_outage', 'P1'],
    ];
    const insert = db.prepare(`INSERT INTO incidents (incident_key, status, priority, impact, category, health_model, metric, customer, title, summary,
      group_labels, alert_count, firing_count, delivery_count, started_at, opened_at, updated_at, acknowledged_at, resolved_at, auto_resolve, hold_down_ms,
      sla, opened_quiet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, 1, 300000, ?, ?)`);
    const span = 30 * DAY_MS;
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const [model, metric, category, impact, priority] = models[i % models.length];
        const openedAt = monthStart + Math.floor((i / n) * span);
        const responseMs = priority === 'P1' ? 15 * 60_000 : priority === 'P2' ? 30 * 60_000 : 4 * 3_600_000;
        const resolutionMs = priority === 'P1' ? 4 * 3_600_000 : priority === 'P2' ? 8 * 3_600_000 : 72 * 3_600_000;
        const resolved = i % 5 !== 0;
        const respondAfter = i % 7 === 0 ? null : (i % 11 === 0 ? 2 : 0.5) * responseMs;
        const resolveAfter = (i % 13 === 0 ? 1.5 : 0.6) * resolutionMs;
        const respondedAt = respondAfter === null ? null : openedAt + respondAfter;
        const resolvedAt = resolved ? openedAt + resolveAfter : null;
        const sla = JSON.stringify({
          policy: 'standard',
          responseDueAt: openedAt + responseMs,
          respondedAt,
          responseBreached: respondAfter !== null && respondAfter > responseMs,
          resolutionDueAt: openedAt + resolutionMs,
          resolutionBreached: resolved && resolveAfter > resolutionMs,
          paused: false,
          pausedSeconds: 0,
          pausedSince: null,
        });
        insert.run(
          `${model}/${metric}{instance="h${i}"}#${i}`,
          resolved ? 'resolved' : 'open',
          priority,
          impact,
          category,
          model,
          metric,
          i % 3 === 0 ? 'acme' : null,
          `${metric} on h${i}`,
          `${metric} on h${i}: 1 alert(s)`,
          1 + (i % 4),
          resolved ? 0 : 1,
          1 + (i % 9),
          openedAt - 30_000,
          openedAt,
          resolvedAt ?? openedAt,
          respondedAt,
          resolvedAt,
          sla,
          i % 50 === 0 ? 'maintenance' : null,
        );
      }
    })();
    db.transaction(() => {
      // The report's columns, as the store writes them with each incident it stores.
      db.exec(`${require('../dist/store/sqlite/report-columns').REPORT_COLUMNS_FROM_ROW_SQL} WHERE sla IS NOT NULL OR acknowledged_at IS NOT NULL`);
      for (const { sql } of indexes) db.exec(sql);
    })();
    db.close();
    return { incidents: n, totalMs: Math.round(performance.now() - started) };
  });
}

async function runReportScenario(s, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const dbFile = path.join(dir, 'report.db');
  const monthStart = Date.UTC(2026, 9, 1);
  const seeded = await seedReportStore(dbFile, s.reportIncidents, monthStart);
  const daemon = await processes.startDaemon(dir, { dbFile, configure: withPerson, env: { BENCH_CONSOLE_TOKEN: TOKEN }, timeoutMs: 300_000, nodeArgs: s.nodeArgs });
  try {
    const timed = async (query) => {
      const t0 = performance.now();
      const res = await fetch(`${daemon.url}/api/v1/reports/sla?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const text = await res.text();
      return { ms: performance.now() - t0, status: res.status, text };
    };
    const month = 'from=2026-10-01&to=2026-11-01&groupBy=healthModel,category,priority';
    const runs = [];
    let total = null;
    for (let i = 0; i < s.reportRuns; i++) {
      const r = await timed(month);
      if (r.status !== 200) throw new Error(`the report answered ${r.status}: ${r.text.slice(0, 300)}`);
      total = JSON.parse(r.text).total;
      runs.push(r.ms);
    }
    const csv = await timed(`${month}&format=csv`);
    // The printable report, by the command line on the same store (read-only).
    const t0 = performance.now();
    const { execFileSync } = require('node:child_process');
    execFileSync(process.execPath, [path.join(processes.REPO, 'dist', 'main.js'), 'report', '--config', daemon.config, '--db', dbFile, '--from', '2026-10-01', '--to', '2026-11-01', '--format', 'html', '--out', path.join(dir, 'report.html')], {
      env: { ...process.env, BENCH_CONSOLE_TOKEN: TOKEN },
    });
    const htmlMs = performance.now() - t0;
    const worst = Math.max(...runs);
    return {
      seeded,
      runsMs: runs,
      csvMs: csv.ms,
      htmlMs,
      total,
      targets: [{ scenario: 'R', metric: `monthly report over ${s.reportIncidents >= 1e6 ? `${s.reportIncidents / 1e6}M` : s.reportIncidents} incidents, worst of ${runs.length} (first cold), ms`, target: 3000, value: worst, met: worst < 3000 }],
    };
  } finally {
    await processes.stopChild(daemon.handle);
  }
}

module.exports = { runConsoleScenario, runReportScenario };
