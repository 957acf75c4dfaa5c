import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitListen } from './config/load-config';
import type { LoadedConfig } from './config/load-config';
import { systemClock } from './core/clock';
import type { Clock } from './core/clock';
import { FileProblemsError, NotReadyError } from './core/errors';
import type { RuleSet } from './health-model/rule-set';
import type { FileProblem } from './core/errors';
import { createLogger } from './core/logger';
import type { Logger } from './core/logger';
import { createMetrics } from './core/metrics';
import type { Metrics } from './core/metrics';
import { loadRuleSet, ruleLoadOptions } from './health-model/load-rules';
import { RuleReloader } from './health-model/rule-reloader';
import { RuleSetHolder } from './health-model/rule-set-holder';
import { RuleWatcher } from './health-model/rule-watcher';
import { runAction } from './incidents/actions';
import { IngestQueue } from './incidents/ingest-queue';
import type { IncidentEvent } from './incidents/ingest';
import { ResolveWorker } from './incidents/resolve-worker';
import { SlaWorker } from './incidents/sla-worker';
import type { SlaStepRun } from './incidents/sla-worker';
import { SlaBook } from './sla/terms';
import { QuietWorker } from './incidents/quiet-worker';
import { compileInhibit } from './incidents/quiet-policy';
import { buildDelivery } from './incidents/delivery-digest';
import { QuietBook } from './quiet/quiet-book';
import { heartbeatHandler, heartbeatNameOf } from './http/heartbeats-route';
import { compileMaintenance } from './quiet/maintenance';
import { compileHeartbeats } from './quiet/heartbeats';
import { SourceAuthenticator } from './http/authenticate';
import { RejectionLog } from './http/rejection-log';
import { createServer } from './http/server';
import { LiveFeed } from './http/live-feed';
import { webhookHandler, webhookSourceOf } from './http/webhooks-route';
import type { WebhookSource } from './http/source-request';
import { createSource } from './sources';
import { openStore } from './store/open-store';
import type { IncidentReadModel, IncidentStore, OutboxStore, SilenceStore, Store } from './store/store';
import { OutboxWorker } from './notify/outbox-worker';
import { createChannel } from './notify/channels';
import type { Channel } from './notify/channel';
import { customerOfChannel, incidentRouter } from './notify/notify-router';
import type { RoutingConfig } from './notify/notify-router';
import type { NotifyChannels } from './incidents/ingest';
import { PeriodicTask } from './core/periodic-task';
import { PollLoop } from './core/poll-loop';
import { People, roleAllows } from './people/people';
import type { ActionResult } from './incidents/actions';
import type { PersonCommand } from './incidents/state-machine';
import { telegramBotsOf, TelegramUpdatePoller } from './notify/telegram-updates';
import { SessionStore } from './people/session-store';
import { SlaThread } from './sla-thread';
import { WriterGate } from './store/sqlite/writer-gate';

/** Side effects the app takes from outside; tests inject a fake clock and a silent logger. */
export interface AppOptions {
  config: LoadedConfig;
  clock?: Clock;
  logger?: Logger;
  /** Where the daemon's own JSON logger writes, secrets masked; stdout by default. Ignored with `logger`. */
  logStream?: NodeJS.WritableStream;
  /** Where the console's built assets are (default: beside the compiled daemon). */
  consoleDir?: string;
  /** Run the background timers (hold-down resolution, receipt pruning); tests call runOnce() instead. */
  timers?: boolean;
  /** Reload the rules when a file of the rules directory changes; defaults to `timers`. */
  watchRules?: boolean;
  /** How long file events must settle before that reload; default 200 ms. */
  watchDebounceMs?: number;
  /** Opens the store at start; default: the store the config's `store.type` names. */
  openStore?: () => Promise<Store>;
  /**
   * Run the SLA scheduler on a thread of its own with its own connection to the store (the
   * daemon, `serve`, does): a catch-up of many due steps then uses the other core instead of
   * ingest's. Only for a SQLite file opened by the app, on the system clock; otherwise, and if
   * the thread cannot start or ends, the scheduler runs on the daemon's thread.
   */
  slaThread?: boolean;
}

/** The running daemon. */
export interface App {
  /** Listens, then opens the store and loads the rules; ingest answers 503 until both are done. */
  start(): Promise<void>;
  /** Stops listening, commits what is queued and closes the store. */
  stop(): Promise<void>;
  address(): { host: string; port: number };
  url(): string;
  /** Reloads the health models; a file with any error keeps the rules in force. */
  reload(): { ok: boolean; problems: FileProblem[] };
  resolveWorker(): ResolveWorker;
  /** Flapping settles, the edges of maintenance windows and silences, and silent heartbeats. */
  quietWorker(): QuietWorker;
  /** The SLA scheduler: reminders, escalations and breaches as their clocks come due. */
  slaWorker(): SlaWorker;
  outboxWorker(): OutboxWorker;
  /** One poller per Telegram bot with buttons; the app loops them when timers are on, tests call runOnce(). */
  telegramPollers(): TelegramUpdatePoller[];
  readonly metrics: Metrics;
  readonly logger: Logger;
}

const RESOLVE_INTERVAL_MS = 1000;
/** How often the quiet worker looks for settles, cover edges and silent heartbeats. */
const QUIET_INTERVAL_MS = 1000;
/** How often the SLA scheduler looks for due steps at most; it is also woken at the next step's due time. */
const SLA_INTERVAL_MS = 1000;

/** Wires every component; the only place that constructs them. */
export function createApp(options: AppOptions): App {
  const { config: loaded } = options;
  const config = loaded.config;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.log.level, secrets: loaded.secrets, ...(options.logStream ? { stream: options.logStream } : {}) });
  const rules = new RuleSetHolder();
  let opened: Store | null = null;
  let store: IncidentStore | null = null;
  let readModel: IncidentReadModel | null = null;
  let outbox: OutboxStore | null = null;
  let ready = false;
  const metrics = createMetrics({
    countOpenIncidents: async () => (readModel ? readModel.countOpenByPriority() : {}),
    outboxStats: async () => (outbox ? outbox.pendingStats() : []),
    nextSlaDue: async () => (store ? store.nextSlaDue() : null),
    now: () => clock.now().getTime(),
  });
  const slaBook = new SlaBook(config.sla, config.escalation);
  // What covers alerts (maintenance windows, silences), inhibit rules and heartbeats.
  const quietBook = new QuietBook(compileMaintenance(config.maintenance));
  const quiet = { ...quietBook.covers(), inhibit: compileInhibit(config.inhibit) };
  const heartbeats = compileHeartbeats(config.heartbeats);
  const channels = new Map<string, Channel>(config.notifications.channels.map((c) => [c.name, createChannel(c, { clock })]));
  const routing: RoutingConfig = { routes: config.notifications.routes, channels: [...channels.keys()], lines: config.lines, customers: config.customers, locale: config.notifications.locale };
  const notifyChannels: NotifyChannels = incidentRouter(routing);
  const timersOn = options.timers ?? true;
  let outboxWorker: OutboxWorker | null = null;
  const outboxTask = new PeriodicTask({
    intervalMs: config.notifications.outbox.pollInterval,
    run: () => (outboxWorker ? outboxWorker.runOnce() : Promise.resolve(0)),
    onError: (error) => logger.error('outbox worker failed', { error }),
  });
  const rejections = new RejectionLog({ clock, maxCount: config.rejections.maxCount, maxBodyBytes: config.rejections.maxBodyBytes });
  const onEvent = (event: IncidentEvent): void => {
    metrics.incidentEvents.inc({ event: event.kind, priority: event.priority });
    if (event.kind === 'attached') return;
    logger.info(`incident ${event.kind}`, { incidentId: event.incidentId, priority: event.priority });
    // A change the support line hears about: deliver now rather than at the next poll.
    if (timersOn && channels.size > 0) outboxTask.kick();
  };
  const queue = new IngestQueue({
    store: delegateTo(requireStore),
    policy: () => ({ reopenWindowMs: config.incidents.reopenWindow, channelsFor: notifyChannels, slaTermsFor: (model) => slaBook.termsFor(model), quiet }),
    onBatch: (size) => metrics.commitBatchSize.observe(size),
    onResult: (result) => result.events.forEach(onEvent),
  });
  let worker: ResolveWorker | null = null;
  let slaWorker: SlaWorker | null = null;
  let slaThread: SlaThread | null = null;
  const threadGate = options.slaThread && !options.openStore && !options.clock && loaded.store.type === 'sqlite' && loaded.store.path !== ':memory:' ? new WriterGate() : null;
  /** An SLA step ran: count it, log it, deliver now. */
  const onSlaStep = (run: SlaStepRun): void => {
    metrics.slaSteps.inc({ action: run.step.action });
    if (run.step.action === 'breach') metrics.slaBreaches.inc({ clock: run.step.clock, priority: run.priority });
    if (run.escalatedTo !== null) metrics.escalations.inc({ line: run.escalatedTo, by: 'sla' });
    logger.info(`sla ${run.step.action}`, { incidentId: run.incidentId, step: run.step.key, lateSeconds: Math.round(run.lateMs / 1000) });
    if (timersOn && channels.size > 0) outboxTask.kick();
  };
  const sources = new Map<string, WebhookSource>(
    config.sources.map((s) => [s.name, { config: s, parser: createSource(s.type), authenticator: new SourceAuthenticator(s.auth, clock) }]),
  );
  const ruleReloader = new RuleReloader({ holder: rules, load: () => loadRuleSet(ruleLoadOptions(config, loaded.file, loaded.rulesDir, clock)), metrics, logger, clock });
  const ruleWatcher = new RuleWatcher({ dir: loaded.rulesDir, logger, onChange: () => void reload(), debounceMs: options.watchDebounceMs });
  const webhookDeps = {
    sources,
    rules,
    queue,
    rejections,
    metrics,
    logger,
    clock,
    maxBodyBytes: config.limits.maxBodyBytes,
    isReady: () => ready,
    secrets: loaded.secrets,
    heartbeats,
  };
  const people = new People(config.people);
  /** After a person's action committed, from the API or Telegram: log it, count it, deliver now. */
  const afterAction = (incidentId: number, command: PersonCommand, result: ActionResult): void => {
    if (!result.changed) return;
    logger.info(`incident ${command.type}`, { incidentId, person: command.actor.name });
    if (command.type === 'escalate') metrics.escalations.inc({ line: result.incident.line, by: 'person' });
    if (result.outcome) onEvent({ kind: result.outcome, incidentId, priority: result.incident.priority });
    else if (timersOn && channels.size > 0) outboxTask.kick();
  };
  let quietWorker: QuietWorker | null = null;
  /** The silences not ended yet, into the covers; the incidents they cover are re-examined now. */
  const loadSilences = async (): Promise<void> => {
    const now = clock.now().getTime();
    quietBook.setSilences(await requireSilences().list({ endedAfter: now, limit: 100_000 }));
  };
  /** A silence was created or ended through the API, and the change is committed. */
  const silencesChanged = (): void => {
    void loadSilences().then(
      () => {
        quietWorker?.coversChangedNow();
        if (timersOn) quietTask.kick();
      },
      (error: unknown) => logger.error('reading the silences failed', { error }),
    );
  };
  const telegramBots = telegramBotsOf(config.notifications.channels);
  let pollers: TelegramUpdatePoller[] = [];
  let pollLoops: PollLoop[] = [];
  // The console's live stream: every committed change of an incident, to every open console.
  const liveFeed = new LiveFeed({ readModel: delegateTo(requireReadModel), clock, logger });
  let stopFeed: (() => void) | null = null;
  const server = createServer({
    ...webhookDeps,
    liveFeed,
    ...(options.consoleDir === undefined ? {} : { consoleDir: options.consoleDir }),
    people,
    sessions: new SessionStore({ clock }),
    ruleReloader,
    reopenWindowMs: config.incidents.reopenWindow,
    readModel: delegateTo(requireReadModel),
    silences: delegateTo(requireSilences),
    keepExpiredSilencesMs: config.silences.keepExpired,
    onSilencesChanged: silencesChanged,
    maintenance: () => quietBook.maintenanceWindows(),
    customerChannels: (name) => config.customers.find((c) => c.name === name)?.channels ?? null,
    runAction: async (incidentId, command) => {
      const result = await runAction({ store: requireStore(), channelsFor: notifyChannels, quiet }, incidentId, command, clock.now().getTime());
      afterAction(incidentId, result.command, result);
      return result;
    },
    notifications: {
      listForIncident: (id) => requireOutbox().listForIncident(id),
      requeue: async (id) => {
        const done = await requireOutbox().requeue(id, clock.now().getTime());
        if (done && timersOn) outboxTask.kick();
        return done;
      },
    },
  });
  let http: Server | null = null;
  const resolveTask = new PeriodicTask({
    intervalMs: RESOLVE_INTERVAL_MS,
    run: () => (worker ? worker.runOnce() : Promise.resolve(0)),
    onError: (error) => logger.error('resolve worker failed', { error }),
  });
  const quietTask = new PeriodicTask({
    intervalMs: QUIET_INTERVAL_MS,
    run: () => (quietWorker ? quietWorker.runOnce() : Promise.resolve(0)),
    onError: (error) => logger.error('quiet worker failed', { error }),
  });
  // Woken at the next step's due time when that comes before the interval: a step runs on time.
  const slaTask = new PeriodicTask({
    intervalMs: SLA_INTERVAL_MS,
    run: async () => {
      await (slaThread?.alive ? slaThread.runOnce() : slaWorker ? slaWorker.runOnce() : Promise.resolve(0));
      return store ? store.nextSlaDue() : null;
    },
    nextRunAt: (next) => next,
    now: () => clock.now().getTime(),
    onError: (error) => logger.error('SLA scheduler failed', { error }),
  });

  function requireStore(): IncidentStore {
    if (!store) throw new Error('store is not open');
    return store;
  }
  function requireOutbox(): OutboxStore {
    if (!outbox) throw new Error('store is not open');
    return outbox;
  }
  function requireReadModel(): IncidentReadModel {
    if (!readModel) throw new Error('store is not open');
    return readModel;
  }
  function currentRules(): RuleSet {
    const ruleSet = rules.current();
    if (!ruleSet) throw new NotReadyError('rules not loaded yet');
    return ruleSet;
  }
  function requireSilences(): SilenceStore {
    if (!opened) throw new Error('store is not open');
    return opened.silences;
  }

  function reload(): { ok: boolean; problems: FileProblem[] } {
    return ruleReloader.reload();
  }

  return {
    metrics,
    logger,
    async start() {
      // Refuse before listening: an API without people beyond loopback would be open to anyone.
      if (loaded.serveProblems.length > 0) throw new FileProblemsError(loaded.serveProblems);
      const [host, port] = splitListen(config.listen);
      const handleWebhook = webhookHandler(webhookDeps);
      const handleHeartbeat = heartbeatHandler(webhookDeps);
      // Webhooks take a lean path on plain node:http; everything else goes through Express.
      http = createHttpServer((req, res) => {
        const name = webhookSourceOf(req);
        if (name !== null) return void handleWebhook(req, res, name);
        const beat = heartbeatNameOf(req);
        if (beat !== null) return void handleHeartbeat(req, res, beat);
        server(req, res);
      });
      http.listen(port, host);
      await new Promise<void>((resolve, reject) => {
        http!.once('listening', resolve);
        http!.once('error', reject);
      });
      http.keepAliveTimeout = 65_000;
      opened = await (options.openStore ?? (() => openStore(loaded.store, threadGate ? { gate: threadGate } : undefined)))();
      ({ incidents: store, readModel, outbox } = opened);
      stopFeed = store.onCommitted((ids) => liveFeed.changed(ids));
      worker = new ResolveWorker({ store, clock, logger, replayWindowMs: config.incidents.replayWindow, onEvent, channelsFor: notifyChannels, quiet, silences: { store: opened.silences, keepExpiredMs: config.silences.keepExpired } });
      await loadSilences();
      quietWorker = new QuietWorker({
        store: opened,
        clock,
        logger,
        ctx: { channelsFor: notifyChannels, quiet },
        heartbeats,
        submit: (delivery) => queue.submit(delivery),
        blindDelivery: (h, alert, now) => buildDelivery(h.source, [alert], now, currentRules()),
        onEvent: (event) => {
          logger.info(`quiet: ${event.kind}`, { incidentId: event.incidentId, detail: event.detail });
          if (timersOn && channels.size > 0) outboxTask.kick();
        },
      });
      slaWorker = new SlaWorker({ store, clock, logger, channelsFor: notifyChannels, onStep: onSlaStep, ingestBusy: () => queue.busy(100) });
      if (threadGate) {
        try {
          slaThread = await SlaThread.start({
            storePath: loaded.store.path,
            gate: threadGate,
            routing,
            logLevel: config.log.level,
            secrets: loaded.secrets,
            logger,
            onStep: onSlaStep,
            onCommitted: (ids) => liveFeed.changed(ids),
            onEnded: () => metrics.slaSchedulerThread.set(0),
          });
          metrics.slaSchedulerThread.set(1);
        } catch (error) {
          threadGate.reset();
          logger.error('the SLA scheduler thread did not start; the daemon runs the scheduler itself', { error });
        }
      }
      outboxWorker = new OutboxWorker({
        store: outbox,
        channels,
        clock,
        logger,
        metrics,
        policy: {
          maxAgeMs: config.notifications.outbox.maxAge,
          leaseMs: config.notifications.outbox.lease,
          backoff: { initialMs: config.notifications.outbox.initialBackoff, maxMs: config.notifications.outbox.maxBackoff },
          locale: config.notifications.locale,
          publicUrl: config.notifications.publicUrl ?? null,
          batchPerChannel: 20,
          customerOf: customerOfChannel(routing),
        },
      });
      const loadedRules = reload();
      if (!loadedRules.ok) {
        await this.stop();
        throw new Error(`health models have errors:\n${loadedRules.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n')}`);
      }
      const current = opened;
      pollers = telegramBots.map(
        (bot) =>
          new TelegramUpdatePoller({
            bot,
            store: current.incidents,
            readModel: current.readModel,
            clock,
            logger,
            locale: config.notifications.locale,
            publicUrl: config.notifications.publicUrl ?? null,
            // The buttons' actions are the API's: a responder or an admin may press them.
            personFor: (telegramUserId) => {
              const person = people.byTelegramUserId(telegramUserId);
              return person && { name: person.name, may: () => roleAllows(person.role, 'responder') };
            },
            channelsFor: notifyChannels,
            quiet,
            onAction: afterAction,
          }),
      );
      if (pollers.length > 0 && !people.list().some((p) => p.telegramUserId !== null)) logger.warn('Telegram buttons are on, but no person has a telegramUserId: every press is refused');
      ready = true;
      if (options.watchRules ?? timersOn) ruleWatcher.start();
      if (timersOn) {
        resolveTask.start();
        slaTask.start();
        quietTask.start();
        outboxTask.start();
        pollLoops = pollers.map((p) => new PollLoop({ run: async () => (await p.runOnce()).delayMs, onError: (error) => logger.error('telegram poller failed', { error }), errorDelayMs: 5_000, minDelayMs: 100 }));
        pollLoops.forEach((l) => l.start());
      }
      logger.info('incident-bridge ready', { listen: this.url(), store: loaded.storePath, rules: loaded.rulesDir });
    },
    async stop() {
      ready = false;
      ruleWatcher.stop();
      // A long poll ends now; what it fetched and did not commit is fetched again by the next start.
      await Promise.all(pollers.map((p) => p.stop()));
      await Promise.all(pollLoops.map((l) => l.stop()));
      await resolveTask.stop();
      await slaTask.stop();
      await slaThread?.close();
      slaThread = null;
      await quietTask.stop();
      await outboxTask.stop();
      stopFeed?.();
      liveFeed.close();
      if (http) {
        const h = http;
        await new Promise<void>((resolve) => {
          h.close(() => resolve());
          h.closeIdleConnections();
        });
      }
      await queue.flush();
      await opened?.close();
      opened = null;
      store = null;
      readModel = null;
      outbox = null;
    },
    address() {
      const a = http?.address() as AddressInfo | null;
      if (!a) throw new Error('not listening');
      return { host: a.address, port: a.port };
    },
    url() {
      const { host, port } = this.address();
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    },
    reload,
    resolveWorker() {
      if (!worker) throw new Error('not started');
      return worker;
    },
    quietWorker() {
      if (!quietWorker) throw new Error('not started');
      return quietWorker;
    },
    slaWorker() {
      if (!slaWorker) throw new Error('not started');
      return slaWorker;
    },
    outboxWorker() {
      if (!outboxWorker) throw new Error('not started');
      return outboxWorker;
    },
    telegramPollers() {
      return pollers;
    },
  };
}

/** An object whose methods call the current target's: the store opens after the server is built. */
function delegateTo<T extends object>(target: () => T): T {
  return new Proxy({} as T, {
    get: (_unused, prop) => (...args: unknown[]) => (target() as Record<PropertyKey, (...a: unknown[]) => unknown>)[prop]!(...args),
  });
}
