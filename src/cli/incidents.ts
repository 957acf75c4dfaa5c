import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock';
import type { Clock } from '../core/clock';
import { ApiClient, ApiError, DaemonUnreachableError } from './api-client';
import { renderIncidentDetail, renderIncidentSummary, renderIncidentTable } from './render-incidents';
import type { IncidentDetailJson, IncidentJson } from './render-incidents';

/** Where the command line finds the daemon when neither --url nor INCIDENT_BRIDGE_URL says. */
export const DEFAULT_URL = 'http://127.0.0.1:9095';

const USAGE = `usage: incident-bridge incidents COMMAND [--url URL] [--format text|json]
  list [--status S] [--priority P] [--health-model NAME] [--customer NAME] [--limit N] [--before ID]
  show ID
  ack ID [--note TEXT]
  assign ID PERSON [--note TEXT]
  comment ID TEXT...            (or --note TEXT)
  escalate ID [--line L2|L3] --note TEXT
  resolve ID --note TEXT
  reopen ID [--note TEXT]
  pause ID --reason TEXT
  resume ID [--note TEXT]
  prioritize ID P1|P2|P3|P4 --note TEXT
--url defaults to INCIDENT_BRIDGE_URL, else ${DEFAULT_URL}; the token comes from
INCIDENT_BRIDGE_TOKEN. --status and --priority take a comma-separated list or repeat.
Exit 0 on success, 1 when the daemon refuses or cannot be reached, 2 on a usage error.`;

/** Where a command writes and what it reads besides its arguments; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** The terminal's width, when the output goes to one. */
  columns?: number;
}

type Values = Record<string, string | string[] | boolean | undefined>;
type Option = { type: 'string'; multiple?: boolean };

/** One subcommand: its positional arguments, its options (those in `required` must be given) and the request it makes. */
interface Subcommand {
  args: string[];
  /** The last positional takes every remaining word (a comment's text). */
  rest?: boolean;
  options: Record<string, Option>;
  required?: string[];
  request(api: ApiClient, id: number, positionals: string[], values: Values): Promise<unknown>;
}

const text: Option = { type: 'string' };

/** An action of the API (`POST /api/v1/incidents/{id}/{action}`) whose body is built from the options. */
const action = (name: string, options: Record<string, Option>, body: (positionals: string[], values: Values) => Record<string, unknown>, more: Partial<Subcommand> = {}): Subcommand => ({
  args: ['ID'],
  options,
  ...more,
  request: (api, id, positionals, values) => api.post(`/api/v1/incidents/${id}/${name}`, body(positionals, values)),
});

const SUBCOMMANDS: Record<string, Subcommand> = {
  list: {
    args: [],
    options: { status: { type: 'string', multiple: true }, priority: { type: 'string', multiple: true }, 'health-model': text, customer: text, limit: text, before: text },
    request: (api, _id, _positionals, v) => {
      const query = new URLSearchParams();
      const join = (x: Values[string]) => (Array.isArray(x) ? x.join(',') : undefined);
      for (const [key, value] of [['status', join(v.status)], ['priority', join(v.priority)], ['healthModel', v['health-model']], ['customer', v.customer], ['limit', v.limit], ['before', v.before]] as const) {
        if (typeof value === 'string') query.set(key, value);
      }
      const qs = query.toString();
      return api.get(`/api/v1/incidents${qs ? `?${qs}` : ''}`);
    },
  },
  show: { args: ['ID'], options: {}, request: (api, id) => api.get(`/api/v1/incidents/${id}`) },
  ack: action('acknowledge', { note: text }, (_p, v) => ({ note: v.note })),
  assign: action('assign', { note: text }, (p, v) => ({ assignee: p[1], note: v.note }), { args: ['ID', 'PERSON'] }),
  comment: action('comment', { note: text }, (p, v) => ({ note: p.length > 1 ? p.slice(1).join(' ') : v.note }), { args: ['ID', 'TEXT'], rest: true }),
  escalate: action('escalate', { line: text, note: text }, (_p, v) => ({ line: v.line, note: v.note }), { required: ['note'] }),
  resolve: action('resolve', { note: text }, (_p, v) => ({ note: v.note }), { required: ['note'] }),
  reopen: action('reopen', { note: text }, (_p, v) => ({ note: v.note })),
  pause: action('pause', { reason: text }, (_p, v) => ({ reason: v.reason }), { required: ['reason'] }),
  resume: action('resume', { note: text }, (_p, v) => ({ note: v.note })),
  prioritize: action('prioritize', { note: text }, (p, v) => ({ priority: p[1], note: v.note }), { args: ['ID', 'PRIORITY'], required: ['note'] }),
};
SUBCOMMANDS.acknowledge = SUBCOMMANDS.ack as Subcommand;

/** A command line the command cannot run: exit 2 with the usage. */
export class UsageError extends Error {}

/**
 * `incident-bridge incidents list|show|ack|assign|comment|escalate|resolve|reopen|pause|resume|prioritize`:
 * the command line client of a running daemon's HTTP API. Prints a table or one incident for a
 * person, or the API's JSON with `--format json`. Resolves the exit status: 0 on success, 1 when
 * the daemon answers an error (its code, message and field problems go to stderr) or cannot be
 * reached, 2 on a usage error. The token is read from INCIDENT_BRIDGE_TOKEN and never printed.
 */
export async function runIncidents(args: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let call: { sub: Subcommand; id: number; positionals: string[]; values: Values; url: string; json: boolean };
  try {
    if (name === undefined) throw new UsageError('a command is missing');
    const sub = SUBCOMMANDS[name];
    if (!sub) throw new UsageError(`unknown command "${name}"`);
    const parsed = parseCommandLine(sub, rest);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    call = { sub, ...parsed, url: daemonUrl(parsed.values.url, io.env) };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`incident-bridge incidents: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const token = io.env.INCIDENT_BRIDGE_TOKEN?.trim();
  const api = new ApiClient({ url: call.url, ...(token ? { token } : {}) });
  try {
    const answer = await call.sub.request(api, call.id, call.positionals, call.values);
    io.stdout.write(call.json ? `${JSON.stringify(answer, null, 2)}\n` : render(name as string, answer, io));
    return 0;
  } catch (error) {
    if (error instanceof DaemonUnreachableError) io.stderr.write(`${error.message}\n`);
    else if (error instanceof ApiError) io.stderr.write(describeApiError(error, token !== undefined && token !== ''));
    else throw error;
    return 1;
  }
}

/** Checks the options and positional arguments of one subcommand; throws UsageError. */
function parseCommandLine(sub: Subcommand, args: string[]): { id: number; positionals: string[]; values: Values; json: boolean } | 'help' {
  if (args.some((a) => a === '--token' || a.startsWith('--token='))) throw new UsageError('there is no --token: the token comes from INCIDENT_BRIDGE_TOKEN');
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { ...sub.options, url: text, format: text, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains how to pass a positional that starts with '-'; the usage says enough.
    const message = (error as { message?: unknown }).message;
    throw new UsageError(typeof message === 'string' ? (message.split('. To specify')[0] as string) : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${String(format)}"`);
  // A comment's text may come from --note instead of the words after the ID.
  const missing = sub.args.slice(positionals.length).filter((a) => !(sub.rest && a === 'TEXT' && values.note !== undefined));
  if (missing.length > 0) throw new UsageError(`${missing.join(' and ')} missing`);
  if (positionals.length > sub.args.length && !sub.rest) throw new UsageError(`unexpected argument "${positionals[sub.args.length] as string}"`);
  if (sub.rest && positionals.length > 1 && values.note !== undefined) throw new UsageError('give the text either as words or with --note, not both');
  for (const option of sub.required ?? []) if (values[option] === undefined) throw new UsageError(`--${option} is required`);
  let id = 0;
  if (sub.args[0] === 'ID') {
    if (!/^[1-9][0-9]{0,15}$/.test(positionals[0] as string)) throw new UsageError(`ID must be an incident's number, not "${positionals[0] as string}"`);
    id = Number(positionals[0]);
  }
  return { id, positionals, values, json: format === 'json' };
}

/** --url, else INCIDENT_BRIDGE_URL, else the daemon's default address; an http(s) URL. Throws UsageError. */
export function daemonUrl(flag: Values[string], env: NodeJS.ProcessEnv): string {
  const url = typeof flag === 'string' ? flag : env.INCIDENT_BRIDGE_URL || DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url "${url}" must start with http:// or https://`);
  return url;
}

function render(name: string, answer: unknown, io: CliIo): string {
  const nowMs = io.clock.now().getTime();
  if (name === 'list') return renderIncidentTable((answer as { incidents: IncidentJson[] }).incidents, nowMs, io.columns);
  if (name === 'show') return renderIncidentDetail(answer as IncidentDetailJson, nowMs);
  return renderIncidentSummary(answer as IncidentJson);
}

/** `conflict: a resolved incident cannot be acknowledged; reopen it first`, then each bad field on its own line. */
export function describeApiError(error: ApiError, tokenSet: boolean): string {
  const lines = [`${error.code}: ${error.message}`];
  const fields = error.fieldProblems();
  for (const f of fields) lines.push(`  ${f.path}: ${f.message}`);
  if (fields.length === 0 && typeof error.detail === 'object' && error.detail !== null && !Array.isArray(error.detail)) {
    lines[0] += ` (${Object.entries(error.detail).map(([k, v]) => `${k}: ${String(v)}`).join(', ')})`;
  }
  if (error.status === 401) lines.push(tokenSet ? '  the daemon does not accept the token in INCIDENT_BRIDGE_TOKEN' : '  set INCIDENT_BRIDGE_TOKEN to your API token');
  return `${lines.join('\n')}\n`;
}

/** The process's own streams, environment and clock. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, clock: systemClock, ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}) };
}
