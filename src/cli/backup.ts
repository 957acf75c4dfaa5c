import { parseArgs } from 'node:util';
import { BackupError, backupSqliteStore } from '../store/sqlite/sqlite-backup';
import { DEFAULT_CONFIG, loadCommandConfig } from './options';
import { formatRowCounts } from './row-counts';

const USAGE = 'usage: incident-bridge backup [--config FILE] [--db FILE] --out FILE';

/**
 * `incident-bridge backup [--config FILE] [--db FILE] --out FILE`: copies the store (the config's
 * `store.path`, or `--db`) to a new file, online beside a running daemon, checks the copy and
 * prints what it holds. Exits 0 with the copy in place, 1 when it cannot be made (no store, the
 * file exists, a failed check: nothing is left behind), 2 on a usage error.
 */
export function runBackup(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  let values: { config?: string; db?: string; out?: string };
  try {
    ({ values } = parseArgs({ args, options: { config: { type: 'string', short: 'c', default: DEFAULT_CONFIG }, db: { type: 'string' }, out: { type: 'string', short: 'o' } }, strict: true }));
  } catch (error) {
    err.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.out === undefined) {
    err.write(`--out is required\n${USAGE}\n`);
    return 2;
  }
  const loaded = loadCommandConfig(values.config, values.db, err);
  if (loaded === null) return 1;
  const started = Date.now();
  try {
    const summary = backupSqliteStore(loaded.store.path, values.out);
    const counts = formatRowCounts(summary.counts);
    out.write(`backed up ${loaded.store.path} to ${values.out} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${counts}; schema ${summary.schemaVersion ?? 'none'}, ${summary.bytes} bytes, integrity ok\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    err.write(`${error.message}\n`);
    return 1;
  }
}
