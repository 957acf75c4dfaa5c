import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { parseDurationMs } from '../core/duration';
import { addWorkingTime, compileCalendars } from '../sla/calendar';
import { rebuildSla } from '../incidents/sla-rebuild';
import { openStore, openStoreReadOnly } from '../store/open-store';
import { DEFAULT_CONFIG, loadCommandConfig } from './options';

const USAGE = `usage: incident-bridge sla due [--config FILE] --calendar NAME --from TIME --duration DUR
       incident-bridge sla rebuild [--config FILE] [--db FILE] [--fix]`;

/**
 * `incident-bridge sla due [--config FILE] --calendar NAME --from TIME --duration DUR`: prints the
 * moment when DUR of working time of the calendar has passed from TIME (ISO 8601 with an offset),
 * as ISO 8601 UTC, and exits 0. An unknown calendar, a bad time or duration, or a config with
 * errors exits 1 with a message; a usage error exits 2.
 */
export function runSla(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number | Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'rebuild') return runRebuild(rest, out, err);
  if (sub !== 'due') {
    err.write(`${sub ? `unknown sla command "${sub}"\n` : ''}${USAGE}\n`);
    return 2;
  }
  let values: { config?: string; calendar?: string; from?: string; duration?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { config: { type: 'string', short: 'c', default: DEFAULT_CONFIG }, calendar: { type: 'string' }, from: { type: 'string' }, duration: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    err.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.calendar === undefined || values.from === undefined || values.duration === undefined) {
    err.write(`--calendar, --from and --duration are required\n${USAGE}\n`);
    return 2;
  }
  const loaded = loadCommandConfig(values.config, undefined, err);
  if (loaded === null) return 1;
  const calendars = compileCalendars(loaded.config.sla?.calendars);
  const calendar = calendars.get(values.calendar);
  if (!calendar) {
    err.write(`unknown calendar "${values.calendar}" (calendars: ${[...calendars.keys()].join(', ')})\n`);
    return 1;
  }
  // The time must say its offset (Z or ±HH:MM): a local time would be ambiguous.
  const from = DateTime.fromISO(values.from, { setZone: true });
  if (!from.isValid || !/(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(values.from)) {
    err.write(`--from: "${values.from}" is not an ISO 8601 time with an offset (e.g. 2026-12-24T16:30:00+01:00 or ...Z)\n`);
    return 1;
  }
  const duration = parseDurationMs(values.duration);
  if (duration === null) {
    err.write(`--duration: "${values.duration}" is not a duration (e.g. 15m, 4h, 3d)\n`);
    return 1;
  }
  out.write(`${new Date(addWorkingTime(calendar, from.toMillis(), duration)).toISOString()}\n`);
  return 0;
}

/**
 * `incident-bridge sla rebuild [--config FILE] [--db FILE] [--fix]`: recomputes every incident's
 * SLA from its timeline and prints each stored field that differs (`incident N: FIELD stored X,
 * computed Y`). Exits 0 when nothing differs or `--fix` repaired it all, 1 when differences
 * remain (or the config has errors), 2 on a usage error. Without `--fix` the store is opened
 * read-only and not migrated; with it, stop the daemon first or run it beside the daemon only
 * on a store it can share (the repair goes through the store's own transactions).
 */
async function runRebuild(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let values: { config?: string; db?: string; fix?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { config: { type: 'string', short: 'c', default: DEFAULT_CONFIG }, db: { type: 'string' }, fix: { type: 'boolean', default: false } }, strict: true }));
  } catch (error) {
    err.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const loaded = loadCommandConfig(values.config, values.db, err);
  if (loaded === null) return 1;
  const store = await (values.fix ? openStore(loaded.store) : openStoreReadOnly(loaded.store));
  try {
    const report = await rebuildSla(store, Date.now(), values.fix === true);
    const show = (v: unknown): string => (typeof v === 'number' && v > 1e12 ? new Date(v).toISOString() : JSON.stringify(v));
    for (const d of report.differences) out.write(`incident ${d.incidentId}: ${d.field} stored ${show(d.stored)}, computed ${show(d.computed)}\n`);
    const incidents = new Set(report.differences.map((d) => d.incidentId)).size;
    out.write(`checked ${report.checked} incidents with an SLA: ${report.differences.length} differences in ${incidents} incidents${values.fix ? `, fixed ${report.fixed}` : ''}\n`);
    return incidents === 0 || (values.fix === true && report.fixed === incidents) ? 0 : 1;
  } finally {
    await store.close();
  }
}
