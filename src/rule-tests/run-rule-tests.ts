import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load-config';
import type { LoadedConfig } from '../config/load-config';
import { parseYamlFile, zodProblems } from '../config/yaml-file';
import type { Clock } from '../core/clock';
import { SlaBook } from '../sla/terms';
import { parseDurationMs } from '../core/duration';
import { compileInhibit } from '../incidents/quiet-policy';
import { compileHeartbeats } from '../quiet/heartbeats';
import { compileMaintenance } from '../quiet/maintenance';
import { QuietBook } from '../quiet/quiet-book';
import { AppError, FileProblemsError } from '../core/errors';
import type { FileProblem } from '../core/errors';
import { loadRuleFiles, loadRuleSet, ruleLoadOptions } from '../health-model/load-rules';
import type { RuleSet } from '../health-model/rule-set';
import { createPipeline } from '../incidents/pipeline';
import type { Pipeline } from '../incidents/pipeline';
import { parsePersonCommand } from '../incidents/person-command-schema';
import { SOURCE_TYPES } from '../sources/source-types';
import type { SourceType } from '../sources/source-types';
import { compareIncidents, compareNotifications } from './compare';
import type { QueuedNotification } from './compare';
import { incidentRouter } from '../notify/notify-router';
import { resolveTestTime, ruleTestFileSchema } from './test-file';
import type { RuleTestAct, RuleTestFile, RuleTestStep } from './test-file';

/** One test of a file: passed, or the first step that failed with its readable differences. */
export interface RuleTestOutcome {
  name: string;
  passed: boolean;
  failure: { step: number; at: string; lines: string[] } | null;
}

/** A rule test file's results; `problems` (an invalid file, config or rule) fail the whole file. */
export interface RuleTestFileResult {
  file: string;
  problems: FileProblem[];
  tests: RuleTestOutcome[];
}

/** Where the runner finds what a test file does not name. */
export interface RuleTestOptions {
  /** The config when the test file names none. */
  configFile: string;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_START = '2025-03-18T09:00:00Z';

/** A clock the runner sets to each step's time. */
class StepClock implements Clock {
  constructor(public ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
}

/**
 * Runs every test of a rule test file through the real pipeline (source parser, classify,
 * ingest, resolve worker) on a fresh in-memory SQLite store per test, stepping a simulated
 * clock, and compares the incidents after each step with the expectation.
 */
export async function runRuleTestFile(file: string, options: RuleTestOptions): Promise<RuleTestFileResult> {
  const env = options.env ?? process.env;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { file, problems: [{ file, line: 1, col: 1, message: `cannot read: ${(error as Error).message}`, severity: 'error' }], tests: [] };
  }
  const parsed = parseYamlFile(file, text);
  if (parsed.problems.length > 0) return { file, problems: parsed.problems, tests: [] };
  const validated = ruleTestFileSchema.safeParse(parsed.yaml.doc.toJS() ?? {});
  if (!validated.success) return { file, problems: zodProblems(parsed.yaml, validated.error), tests: [] };
  const data = validated.data;
  const dir = path.dirname(file);
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(data.config ? path.resolve(dir, data.config) : options.configFile, {}, env);
  } catch (error) {
    if (error instanceof FileProblemsError) return { file, problems: error.problems, tests: [] };
    throw error;
  }
  const loadOptions = ruleLoadOptions(loaded.config, loaded.file, loaded.rulesDir, { now: () => new Date(0) });
  const rules = data.rules ? loadRuleFiles(data.rules.map((r) => path.resolve(dir, r)), loadOptions) : loadRuleSet(loadOptions);
  if (!rules.ruleSet) return { file, problems: rules.problems.filter((p) => p.severity === 'error'), tests: [] };
  const fixturesDir = env.INCIDENT_BRIDGE_FIXTURES ?? path.resolve(dir, data.fixtures ?? '.');
  const tests: RuleTestOutcome[] = [];
  for (const test of data.tests) {
    tests.push(await runTest(test, { data, loaded, ruleSet: rules.ruleSet, fixturesDir }));
  }
  return { file, problems: [], tests };
}

interface TestContext {
  data: RuleTestFile;
  loaded: LoadedConfig;
  ruleSet: RuleSet;
  fixturesDir: string;
  /** The silences the test created, in order, and the covers they feed. */
  silences?: { ids: string[]; book: QuietBook };
}

async function runTest(test: RuleTestFile['tests'][number], ctx: TestContext): Promise<RuleTestOutcome> {
  const startMs = Date.parse(ctx.data.start ?? DEFAULT_START);
  const clock = new StepClock(startMs);
  const { config } = ctx.loaded;
  const slaBook = new SlaBook(config.sla, config.escalation);
  const quietBook = new QuietBook(compileMaintenance(config.maintenance));
  const quiet = { ...quietBook.covers(), inhibit: compileInhibit(config.inhibit) };
  const route = incidentRouter({ routes: config.notifications.routes, channels: config.notifications.channels.map((c) => c.name), customers: config.customers, locale: config.notifications.locale, lines: config.lines });
  const pipeline = createPipeline({
    ruleSet: ctx.ruleSet,
    clock,
    policy: {
      reopenWindowMs: config.incidents.reopenWindow,
      channelsFor: route,
      slaTermsFor: (model) => slaBook.termsFor(model),
    },
    replayWindowMs: config.incidents.replayWindow,
    quiet: { policy: quiet, heartbeats: compileHeartbeats(config.heartbeats) },
  });
  const seen = { lastNotificationId: 0 };
  const silences = { ids: [] as string[], book: quietBook };
  try {
    for (const [i, step] of test.steps.entries()) {
      const lines = await runStep(step, pipeline, clock, startMs, { ...ctx, silences }, seen);
      if (lines.length > 0) return { name: test.name, passed: false, failure: { step: i + 1, at: step.at, lines } };
    }
    return { name: test.name, passed: true, failure: null };
  } finally {
    await pipeline.close();
  }
}

async function runStep(step: RuleTestStep, pipeline: Pipeline, clock: StepClock, startMs: number, ctx: TestContext, seen: { lastNotificationId: number }): Promise<string[]> {
  const at = resolveTestTime(step.at, startMs);
  if (at < clock.ms) return [`at: ${step.at} is earlier than the step before; a timeline only moves forward`];
  // Everything due by now runs first, each at its own due time and in time order, as the
  // daemon's timers would have run it: hold-downs, then SLA steps and breaches.
  await runDueUntil(pipeline, clock, at);
  clock.ms = at;
  const body = stepBody(step, at, startMs, ctx.fixturesDir);
  if (body !== undefined) {
    const source = resolveSource(step.source ?? 'alertmanager', ctx.loaded);
    if (!source) return [`source: no source named "${step.source}" in ${ctx.loaded.file} and no source type of that name`];
    if (step.alerts && source.type !== 'alertmanager') return [`alerts: is Alertmanager's shape; use payload: or fixture: for a ${source.type} source`];
    try {
      await pipeline.push(body, source);
    } catch (error) {
      if (error instanceof AppError) return [`the ${source.type} source refused the payload: ${error.message} ${JSON.stringify(error.detail ?? null)}`];
      throw error;
    }
  }
  if (step.act) {
    const problem = await runAct(step.act, pipeline, ctx.loaded);
    if (problem !== null) return [problem];
  }
  if (step.silence || step.expireSilence !== undefined) {
    const problem = await changeSilences(step, pipeline, at, ctx.silences!);
    if (problem !== null) return [problem];
  }
  if (step.heartbeat !== undefined) {
    const heartbeat = ctx.loaded.config.heartbeats.find((h) => h.name === step.heartbeat);
    if (!heartbeat) return [`heartbeat: no heartbeat named "${step.heartbeat}" in ${ctx.loaded.file}`];
    await pipeline.heartbeat(heartbeat.name, heartbeat.source);
  }
  // What the input made due at once (a reopen past its SLA) runs now, as the daemon's next tick would.
  await runDueUntil(pipeline, clock, at);
  // The notifications this step queued, whether or not the step checks them.
  const queued = await queuedSince(pipeline, seen.lastNotificationId);
  if (queued.length > 0) seen.lastNotificationId = queued[queued.length - 1]!.id;
  if (!step.expect) return [];
  const lines: string[] = [];
  if (step.expect.incidents) {
    const actual = (await pipeline.readModel.listIncidents({ limit: 10_000 })).reverse();
    lines.push(...compareIncidents(step.expect.incidents, actual, clock.ms));
  }
  if (step.expect.notifications) lines.push(...compareNotifications(step.expect.notifications, queued));
  return lines;
}

/** Moves the clock to each due time up to `until` in turn and runs what is due then. */
async function runDueUntil(pipeline: Pipeline, clock: StepClock, until: number): Promise<void> {
  const incidents = pipeline.store.incidents;
  // Times at or before `floor` were run and stay due (nothing can run them now): look past them.
  let floor = -Infinity;
  for (let round = 0; round < 10_000; round++) {
    const times = [await incidents.nextResolveDue(), await incidents.nextSlaDue(), (await pipeline.quiet?.nextDue()) ?? null].filter((t): t is number => t !== null && t <= until && t > floor);
    if (times.length === 0) return;
    const next = Math.max(clock.ms, Math.min(...times));
    clock.ms = next;
    const ran = (await pipeline.worker.runOnce()) + (await pipeline.sla.runOnce()) + ((await pipeline.quiet?.runOnce()) ?? 0);
    if (ran === 0) floor = next;
  }
}

/** Creates or expires a silence as the API would, and hands the silences to the covers. */
async function changeSilences(step: RuleTestStep, pipeline: Pipeline, at: number, silences: { ids: string[]; book: QuietBook }): Promise<string | null> {
  const store = pipeline.store.silences;
  if (step.silence) {
    const id = `silence-${silences.ids.length + 1}`;
    const durationMs = parseDurationMs(step.silence.duration)!;
    await store.create({ id, matchers: step.silence.matchers, startsAt: at, endsAt: at + durationMs, createdBy: step.silence.by, comment: step.silence.comment, createdAt: at });
    silences.ids.push(id);
  }
  if (step.expireSilence !== undefined) {
    const id = silences.ids[step.expireSilence - 1];
    if (id === undefined) return `expireSilence: there is no silence ${step.expireSilence} (${silences.ids.length} so far)`;
    await store.expire(id, at);
  }
  silences.book.setSilences(await store.list({ endedAfter: at, limit: 100_000 }));
  pipeline.quiet?.coversChangedNow();
  return null;
}

/** Runs a step's `act:` on the N-th incident (oldest first); a refusal is the step's failure. */
async function runAct(act: RuleTestAct, pipeline: Pipeline, loaded: LoadedConfig): Promise<string | null> {
  if (!loaded.config.people.some((p) => p.name === act.by)) return `act.by: no person named "${act.by}" in ${loaded.file}`;
  const incidents = (await pipeline.readModel.listIncidents({ limit: 10_000 })).reverse();
  const incident = incidents[act.incident - 1];
  if (!incident) return `act.incident: there is no incident ${act.incident} (${incidents.length} so far)`;
  const { incident: _n, action, by, ...body } = act;
  const parsed = parsePersonCommand(action, body, { type: 'person', name: by });
  if ('issues' in parsed) return `act: ${parsed.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`;
  try {
    await pipeline.act(incident.id, parsed.command);
  } catch (error) {
    if (error instanceof AppError) return `act: ${action} of incident ${act.incident} by ${by} refused (${error.code}): ${error.message}`;
    throw error;
  }
  return null;
}

/** The notifications queued after `afterId`, with their incident's health model and metric. */
async function queuedSince(pipeline: Pipeline, afterId: number): Promise<({ id: number } & QueuedNotification)[]> {
  const rows = await pipeline.readModel.listNotifications({ afterId, limit: 100_000 });
  if (rows.length === 0) return [];
  const incidents = new Map((await pipeline.readModel.listIncidents({ limit: 10_000 })).map((i) => [i.id, i]));
  return rows.map((n) => {
    const incident = incidents.get(n.incidentId);
    return { id: n.id, channel: n.channel, event: n.event, healthModel: incident?.healthModel ?? '', metric: incident?.metric ?? '', line: n.payload?.line ?? null };
  });
}

function stepBody(step: RuleTestStep, at: number, startMs: number, fixturesDir: string): unknown {
  if (step.fixture !== undefined) return JSON.parse(readFileSync(path.resolve(fixturesDir, step.fixture), 'utf8')) as unknown;
  if (step.payload !== undefined) return step.payload;
  if (!step.alerts) return undefined;
  const time = (text: string | undefined, fallback: number): string => new Date(text === undefined ? fallback : resolveTestTime(text, startMs)).toISOString();
  const alerts = step.alerts.map((a) => ({
    status: a.status,
    labels: a.labels,
    annotations: a.annotations ?? {},
    startsAt: time(a.startsAt, at),
    endsAt: a.status === 'resolved' || a.endsAt !== undefined ? time(a.endsAt, at) : '0001-01-01T00:00:00Z',
    ...(a.fingerprint ? { fingerprint: a.fingerprint } : {}),
  }));
  return { version: '4', status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved', alerts };
}

function resolveSource(name: string, loaded: LoadedConfig): { name: string; type: SourceType } | null {
  const configured = loaded.config.sources.find((s) => s.name === name);
  if (configured) return { name: configured.name, type: configured.type };
  return (SOURCE_TYPES as readonly string[]).includes(name) ? { name, type: name as SourceType } : null;
}
