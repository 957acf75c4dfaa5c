import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FileProblemsError } from '../core/errors';
import type { FileProblem } from '../core/errors';
import { channelSecrets } from './channel-config';
import { findDuplicatePeople } from './duplicate-people';
import { escalationProblems } from './escalation-config';
import { maintenanceProblems } from './maintenance-config';
import { slaProblems } from './sla-config';
import { heartbeatProblems } from './quiet-config';
import { configSchema } from './schema';
import type { Config } from './schema';
import { expandEnvironment, parseYamlFile, problemAt, zodProblems } from './yaml-file';
import type { YamlFile } from './yaml-file';

/** Which store to open and where: `store.type` and what that type needs. */
export interface StoreSettings {
  type: 'sqlite';
  /** SQLite file, or `:memory:`. */
  path: string;
}

/** A validated configuration with absolute paths and the secret values the logger must mask. */
export interface LoadedConfig {
  file: string;
  config: Config;
  /** Absolute path of the SQLite file, or `:memory:`. */
  storePath: string;
  /** The store to open: `store.type` with the absolute path. */
  store: StoreSettings;
  /** Absolute path of the directory holding the health models. */
  rulesDir: string;
  secrets: string[];
  /**
   * Problems that leave the file valid but keep the daemon from serving it: an API without
   * `people` on an address beyond loopback would be open to anyone who reaches the port.
   */
  serveProblems: FileProblem[];
}

/** Command-line values that win over the file. */
export interface ConfigOverrides {
  listen?: string;
  db?: string;
}

/**
 * Reads, expands and validates the config file. Relative paths in it are relative to the file's
 * own directory. Throws FileProblemsError listing every problem as FILE:LINE:COL.
 */
export function loadConfig(file: string, overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FileProblemsError([{ file, line: 1, col: 1, message: `cannot read config: ${(error as Error).message}`, severity: 'error' }]);
  }
  return parseConfig(file, text, overrides, env);
}

/** Validates config text as `loadConfig` does, for a file already read. */
export function parseConfig(file: string, text: string, overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const { yaml, problems } = parseYamlFile(file, text);
  if (problems.length > 0) throw new FileProblemsError(problems);
  const envProblems = expandEnvironment(yaml, env);
  if (envProblems.length > 0) throw new FileProblemsError(envProblems);

  const raw: unknown = yaml.doc.toJS() ?? {};
  if (overrides.listen !== undefined && raw && typeof raw === 'object') (raw as Record<string, unknown>).listen = overrides.listen;
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new FileProblemsError(zodProblems(yaml, parsed.error));
  const config = parsed.data;

  const seen = new Map<string, number>();
  const more: FileProblem[] = [];
  config.sources.forEach((s, i) => {
    if (seen.has(s.name)) more.push(problemAt(yaml, ['sources', i, 'name'], `sources[${i}].name: duplicate source name "${s.name}"`));
    seen.set(s.name, i);
  });
  const channelNames = new Set<string>();
  config.notifications.channels.forEach((c, i) => {
    if (channelNames.has(c.name)) more.push(problemAt(yaml, ['notifications', 'channels', i, 'name'], `notifications.channels[${i}].name: duplicate channel name "${c.name}"`));
    channelNames.add(c.name);
  });
  config.notifications.routes.forEach((r, i) => {
    r.channels.forEach((c, j) => {
      if (!channelNames.has(c)) more.push(problemAt(yaml, ['notifications', 'routes', i, 'channels', j], `notifications.routes[${i}].channels[${j}]: no channel named "${c}"`));
    });
  });
  for (const d of findDuplicatePeople(config.people)) {
    const what =
      d.key === 'name'
        ? `duplicate person name "${config.people[d.index]?.name}"`
        : d.key === 'token'
          ? `the same token as people[${d.first}]; each person needs their own token`
          : `the same Telegram user as people[${d.first}]; a button press must name one person`;
    more.push(problemAt(yaml, ['people', d.index, d.key], `people[${d.index}].${d.key}: ${what}`));
  }
  more.push(...slaProblems(yaml, config));
  more.push(...escalationProblems(yaml, config));
  more.push(...maintenanceProblems(yaml, config));
  more.push(...heartbeatProblems(yaml, config));
  more.push(...customerProblems(yaml, config));
  const serveProblems: FileProblem[] = [];
  if (!isLoopback(config.listen)) {
    if (!config.people.some((p) => p.token !== undefined)) {
      const who = config.people.length === 0 ? 'no people are configured' : 'no person has a token';
      serveProblems.push(
        problemAt(yaml, ['listen'], `listen: ${who}, so the API would be open to anyone who reaches ${config.listen}; configure people with tokens, or listen on loopback (127.0.0.1)`),
      );
    }
    config.sources.forEach((s, i) => {
      if (!s.auth && !s.allowUnauthenticated) {
        more.push(problemAt(yaml, ['sources', i], `sources[${i}]: source "${s.name}" has no auth while listening on ${config.listen}; configure auth or set allowUnauthenticated: true`));
      }
    });
  }
  if (more.length > 0) throw new FileProblemsError(more);

  const baseDir = path.dirname(path.resolve(file));
  const dbPath = overrides.db ?? config.store.path;
  const storePath = dbPath === ':memory:' ? dbPath : path.resolve(overrides.db !== undefined ? process.cwd() : baseDir, dbPath);
  return {
    file,
    config,
    storePath,
    store: { type: config.store.type, path: storePath },
    rulesDir: path.resolve(baseDir, config.rules.dir),
    secrets: collectSecrets(config),
    serveProblems,
  };
}

/** The host (brackets of an IPv6 address removed) and port of a `listen` value. */
export function splitListen(listen: string): [string, number] {
  const i = listen.lastIndexOf(':');
  return [listen.slice(0, i).replace(/^\[|\]$/g, ''), Number(listen.slice(i + 1))];
}

/** True for 127.0.0.0/8, ::1 and localhost: only this machine can reach the daemon. */
export function isLoopback(listen: string): boolean {
  const host = splitListen(listen)[0].toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function collectSecrets(config: Config): string[] {
  const secrets: string[] = [];
  for (const s of config.sources) {
    if (s.auth?.type === 'bearer') secrets.push(s.auth.token);
    if (s.auth?.type === 'basic') secrets.push(s.auth.password);
    if (s.auth?.type === 'hmac') secrets.push(s.auth.secret);
  }
  for (const c of config.notifications.channels) secrets.push(...channelSecrets(c));
  for (const p of config.people) if (p.token !== undefined) secrets.push(p.token);
  return secrets;
}

/**
 * What is wrong with the customers: a repeated name, a team member or channel that does not
 * exist, a channel two customers share or a support-line route names (a customer's channel hears
 * only that customer's own news), a policy that does not exist.
 */
function customerProblems(yaml: YamlFile, config: Config): FileProblem[] {
  const problems: FileProblem[] = [];
  const people = new Set(config.people.map((p) => p.name));
  const channels = new Set(config.notifications.channels.map((c) => c.name));
  const owner = new Map<string, string>();
  const names = new Set<string>();
  const slaPolicies = new Set((config.sla?.policies ?? []).map((p) => p.name));
  const escalationPolicies = new Set((config.escalation?.policies ?? []).map((p) => p.name));
  config.customers.forEach((c, i) => {
    const at = (...path: (string | number)[]) => ['customers', i, ...path];
    if (names.has(c.name)) problems.push(problemAt(yaml, at('name'), `customers[${i}].name: duplicate customer name "${c.name}"`));
    names.add(c.name);
    c.team.forEach((member, j) => {
      if (!people.has(member)) problems.push(problemAt(yaml, at('team', j), `customers[${i}].team[${j}]: no person named "${member}" in people`));
    });
    c.channels.forEach((channel, j) => {
      if (!channels.has(channel)) problems.push(problemAt(yaml, at('channels', j), `customers[${i}].channels[${j}]: no channel named "${channel}"`));
      else if (config.notifications.channels.some((ch) => ch.name === channel && ch.type === 'telegram' && ch.buttons.enabled)) {
        problems.push(problemAt(yaml, at('channels', j), `customers[${i}].channels[${j}]: channel "${channel}" has buttons for the support line; a customer's channel may not`));
      } else if (owner.has(channel) && owner.get(channel) !== c.name) {
        problems.push(problemAt(yaml, at('channels', j), `customers[${i}].channels[${j}]: channel "${channel}" already belongs to customer "${owner.get(channel)}"; a customer's channel hears only that customer`));
      }
      owner.set(channel, c.name);
    });
    if (c.sla !== undefined && !slaPolicies.has(c.sla)) problems.push(problemAt(yaml, at('sla'), `customers[${i}].sla: no SLA policy named "${c.sla}"`));
    if (c.escalation !== undefined && !escalationPolicies.has(c.escalation)) {
      problems.push(problemAt(yaml, at('escalation'), `customers[${i}].escalation: no escalation policy named "${c.escalation}"`));
    }
  });
  config.people.forEach((p, i) => {
    if (p.customer !== undefined && !names.has(p.customer)) problems.push(problemAt(yaml, ['people', i, 'customer'], `people[${i}].customer: no customer named "${p.customer}" in customers`));
  });
  config.notifications.routes.forEach((r, i) => {
    r.channels.forEach((channel, j) => {
      const customer = owner.get(channel);
      if (customer !== undefined) {
        problems.push(problemAt(yaml, ['notifications', 'routes', i, 'channels', j], `notifications.routes[${i}].channels[${j}]: channel "${channel}" belongs to customer "${customer}" and hears only its customer news`));
      }
    });
  });
  return problems;
}
