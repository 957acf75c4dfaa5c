import { parseArgs } from 'node:util';
import { parseDurationMs } from '../core/duration';
import { timestamp } from '../sources/payload-fields';
import { ApiClient, ApiError, DaemonUnreachableError } from './api-client';
import { DEFAULT_URL, UsageError, daemonUrl, describeApiError, processIo } from './incidents';
import type { CliIo } from './incidents';
import { renderSilenceExpired, renderSilenceTable } from './render-silences';
import type { SilenceJson } from './render-silences';

const USAGE = `usage: incident-bridge silence COMMAND [--url URL] [--format text|json]
  add --matcher TEXT [--matcher TEXT...] (--duration DUR | --end TIME) [--start TIME] --comment TEXT [--force]
  list [--all]
  expire ID
TEXT is in Alertmanager's matcher syntax (alertname="DiskFull", or several: {job="api", env="prod"});
TIME is ISO 8601 with an offset (2026-05-04T18:00:00Z); DUR counts from --start, else now (90m, 2h, 1d).
list shows the silences in force and pending; --all adds those ended lately. add prints the new id.
--url defaults to INCIDENT_BRIDGE_URL, else ${DEFAULT_URL}; the token comes from
INCIDENT_BRIDGE_TOKEN. Exit 0 on success, 1 when the daemon refuses or cannot be reached, 2 on a usage error.`;

type Values = Record<string, string | string[] | boolean | undefined>;

/** One subcommand: its positional arguments and options, and the request it makes. */
interface Subcommand {
  args: string[];
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  /** Checks the command line (throws UsageError) and returns the call to make and how to show its answer. */
  prepare(positionals: string[], values: Values, io: CliIo): { request: (api: ApiClient) => Promise<unknown>; render: (answer: unknown) => string };
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  add: {
    args: [],
    options: { matcher: { type: 'string', multiple: true }, duration: { type: 'string' }, end: { type: 'string' }, start: { type: 'string' }, comment: { type: 'string' }, force: { type: 'boolean' } },
    prepare(_positionals, v, io) {
      const matchers = (v.matcher as string[] | undefined) ?? [];
      if (matchers.length === 0) throw new UsageError('--matcher is required');
      if (typeof v.comment !== 'string') throw new UsageError('--comment is required');
      if ((v.duration === undefined) === (v.end === undefined)) throw new UsageError('give either --duration or --end');
      const start = typeof v.start === 'string' ? time(v.start, '--start') : null;
      let endsAt: string;
      if (typeof v.duration === 'string') {
        const ms = parseDurationMs(v.duration);
        if (ms === null) throw new UsageError(`--duration: "${v.duration}" is not a duration (e.g. 90m, 2h, 1d)`);
        endsAt = new Date((start ?? io.clock.now().getTime()) + ms).toISOString();
      } else {
        time(v.end as string, '--end');
        endsAt = v.end as string;
      }
      const body = { matchers, ...(typeof v.start === 'string' ? { startsAt: v.start } : {}), endsAt, comment: v.comment, ...(v.force === true ? { force: true } : {}) };
      return { request: (api) => api.post('/api/v1/silences', body), render: (answer) => `${(answer as { id: string }).id}\n` };
    },
  },
  list: {
    args: [],
    options: { all: { type: 'boolean' } },
    prepare(_positionals, v, io) {
      const all = v.all === true;
      return {
        // The API lists the ended ones it keeps; without --all only what quiets alerts now or later is shown.
        request: async (api) => {
          const answer = (await api.get('/api/v1/silences')) as { silences: SilenceJson[] };
          return all ? answer : { silences: answer.silences.filter((s) => s.status !== 'expired') };
        },
        render: (answer) => renderSilenceTable((answer as { silences: SilenceJson[] }).silences, io.columns),
      };
    },
  },
  expire: {
    args: ['ID'],
    options: {},
    prepare(positionals) {
      const id = positionals[0] as string;
      return { request: (api) => api.delete(`/api/v1/silences/${encodeURIComponent(id)}`), render: (answer) => renderSilenceExpired(answer as SilenceJson) };
    },
  },
};

/**
 * `incident-bridge silence add|list|expire`: silences through a running daemon's HTTP API, as
 * the person of INCIDENT_BRIDGE_TOKEN (never printed). Prints for a person, or the API's JSON
 * with `--format json`. Resolves the exit status: 0 on success, 1 when the daemon answers an
 * error (its code, message and field problems go to stderr) or cannot be reached, 2 on a usage error.
 */
export async function runSilence(args: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let call: { request: (api: ApiClient) => Promise<unknown>; render: (answer: unknown) => string; url: string; json: boolean };
  try {
    if (name === undefined) throw new UsageError('a command is missing');
    const sub = SUBCOMMANDS[name];
    if (!sub) throw new UsageError(`unknown command "${name}"`);
    const parsed = parseCommandLine(sub, rest);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    call = { ...sub.prepare(parsed.positionals, parsed.values, io), url: daemonUrl(parsed.values.url, io.env), json: parsed.json };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`incident-bridge silence: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const token = io.env.INCIDENT_BRIDGE_TOKEN?.trim();
  const api = new ApiClient({ url: call.url, ...(token ? { token } : {}) });
  try {
    const answer = await call.request(api);
    io.stdout.write(call.json ? `${JSON.stringify(answer, null, 2)}\n` : call.render(answer));
    return 0;
  } catch (error) {
    if (error instanceof DaemonUnreachableError) io.stderr.write(`${error.message}\n`);
    else if (error instanceof ApiError) io.stderr.write(describeApiError(error, token !== undefined && token !== ''));
    else throw error;
    return 1;
  }
}

/** Checks the options and positional arguments of one subcommand; throws UsageError. */
function parseCommandLine(sub: Subcommand, args: string[]): { positionals: string[]; values: Values; json: boolean } | 'help' {
  if (args.some((a) => a === '--token' || a.startsWith('--token='))) throw new UsageError('there is no --token: the token comes from INCIDENT_BRIDGE_TOKEN');
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { ...sub.options, url: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains how to pass a positional that starts with '-'; the usage says enough.
    const message = (error as { message?: unknown }).message;
    throw new UsageError(typeof message === 'string' ? (message.split('. To specify')[0] as string) : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${String(format)}"`);
  const missing = sub.args.slice(positionals.length);
  if (missing.length > 0) throw new UsageError(`${missing.join(' and ')} missing`);
  if (positionals.length > sub.args.length) throw new UsageError(`unexpected argument "${positionals[sub.args.length] as string}"`);
  return { positionals, values, json: format === 'json' };
}

/** A time as the API takes it (ISO 8601 with an offset), as epoch ms; throws UsageError. */
function time(text: string, option: string): number {
  const parsed = timestamp.safeParse(text);
  if (!parsed.success) throw new UsageError(`${option}: "${text}" is not an ISO 8601 time with an offset (e.g. 2026-05-04T18:00:00Z)`);
  return parsed.data;
}
