import { parseArgs } from 'node:util';
import { CopyError, copySqliteToPostgres } from '../store/store-copy';
import { displayStoreAddress, parseStoreAddress } from './store-address';
import { formatRowCounts } from './row-counts';

const USAGE = 'usage: incident-bridge copy --from sqlite:PATH --to postgres:URL';

/**
 * `incident-bridge copy --from sqlite:PATH --to postgres:URL`: moves a whole SQLite store into
 * an empty PostgreSQL store (migrated first) and verifies every table's row count on both sides;
 * prints the rows per table and the time it took. Exits 0 once the copy is committed, 1 when it
 * cannot be made (the target is left as it was), 2 on a usage error. The password of the URL is
 * never printed.
 */
export async function runCopy(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let values: { from?: string; to?: string };
  try {
    ({ values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true }));
  } catch (error) {
    err.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const from = values.from === undefined ? null : parseStoreAddress(values.from);
  const to = values.to === undefined ? null : parseStoreAddress(values.to);
  if (from?.type !== 'sqlite' || to?.type !== 'postgres') {
    err.write(`--from must name a SQLite store (sqlite:PATH) and --to a PostgreSQL one (postgres:URL)\n${USAGE}\n`);
    return 2;
  }
  try {
    const summary = await copySqliteToPostgres(from.path, to.url);
    const counts = formatRowCounts(summary.counts);
    out.write(`copied ${displayStoreAddress(from)} to ${displayStoreAddress(to)} in ${(summary.ms / 1000).toFixed(1)} s: ${counts}; counts verified\n`);
    return 0;
  } catch (error) {
    // Anything else (a connection refused, a bad password) is said without the URL, which may hold one.
    err.write(error instanceof CopyError ? `${error.message}\n` : `copy failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
