import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** How often the checkpointer copies the WAL's committed pages into the database file. */
const INTERVAL_MS = 250;
/**
 * The WAL size (pages) at which a commit checkpoints by itself, as SQLite does by default at
 * 1,000: a safety net should the checkpointer fall behind or stop; it keeps the WAL far smaller.
 */
const FALLBACK_PAGES = 20_000;

/**
 * The checkpointer's thread: its own connection, a passive checkpoint every interval (it never
 * waits for a lock, and never makes a writer wait), errors reported to the main thread. Plain
 * JavaScript evaluated as is, so that it runs the same from dist and under the test runner.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** A running checkpointer; `stop()` ends it (its connection closed) before the store closes. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves SQLite's WAL checkpoints off the commit path. By default a commit that finds the WAL at
 * 1,000 pages copies them into the database file and syncs it, inside the commit, on the event
 * loop: a webhook's answer waits for it. Here a thread of its own, on its own connection, checks
 * every 250 ms; the writer's own checkpoint stays as a safety net at 20,000 pages. Durability is
 * unchanged: a commit is durable when its WAL frames are synced (WalSync), checkpoint or not.
 */
export function startCheckpointer(db: Database.Database, file: string, onError: (message: string) => void): Checkpointer {
  const worker = new Worker(THREAD, { eval: true, workerData: { file, driver: require.resolve('better-sqlite3'), intervalMs: INTERVAL_MS } });
  db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
  worker.on('message', (m: { error?: string }) => {
    if (m.error) onError(m.error);
  });
  worker.on('error', (error) => onError(error.message));
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
