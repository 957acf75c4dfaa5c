import { writeFileSync } from 'node:fs';
import { eventually } from '../helpers/alertmanager-process';
import { RULES_DIR } from '../helpers/fixtures';
import { answerJson, LoopbackServer } from '../helpers/loopback-server';
import { createWorkspace, freePort, sleep, startDaemon } from '../reliability/support/daemon';
import type { Daemon, Workspace } from '../reliability/support/daemon';
import { postWebhook, request } from '../reliability/support/http-client';
import type { Answer } from '../reliability/support/http-client';

/*
 * Heartbeats (dead man's switch) on the real clock, against the built daemon (`node dist/main.js
 * serve`, a child process). Two heartbeats of the alertmanager source (bearer token), both with an
 * interval of 2 s: `am-watchdog`, fed by Alertmanager's always-firing Watchdog alert through the
 * webhook, and `cron-backup`, fed through `POST /heartbeats/cron-backup`.
 *
 * 1. The Watchdog arrives every second for about 3 s: it is accepted and opens nothing.
 *    Meanwhile cron-backup beats every second from the daemon's start (its interval counts from
 *    the start, so a late first beat would open its blind incident at once).
 * 2. The Watchdog stops: a monitoring-gap incident naming am-watchdog opens, not before the
 *    interval after the last heartbeat and within 12 s of it.
 * 3. One Watchdog again: that incident resolves at once.
 * 4. /heartbeats/cron-backup answers 401 to a wrong token and 404 for an unknown name; cron-backup
 *    stops beating: its own monitoring-gap incident opens within the same bounds; one beat
 *    resolves it.
 * 5. Both incidents paged `opened` and `resolved` through the webhook channel; SIGTERM ends the
 *    daemon with exit code 0.
 */

const TOKEN = 'heartbeat-e2e-token-4c1d';
const INTERVAL_MS = 2000;
/** The acceptance bound: the blind incident is open within this of the last heartbeat. */
const BLIND_WITHIN_MS = 12_000;
/** A heartbeat's return resolves its blind incident within this. */
const RESOLVE_WITHIN_MS = 3000;
/** How often the heartbeats are sent, and how often the incidents are polled. */
const BEAT_EVERY_MS = 1000;
const POLL_MS = 200;
const WATCHDOG_BEATS = 4;

interface IncidentJson {
  id: number;
  status: string;
  metric: string;
  title: string;
  groupLabels: Record<string, string>;
  openedAt: string;
  resolvedAt?: string | null;
}

/** One heartbeat as the test sent it: when the request left and when its answer came back. */
interface Beat {
  sentAt: number;
  answeredAt: number;
  answer: Answer;
}

/** Heartbeats sent every second in the background. */
interface Beater {
  beats: Beat[];
  stopped: boolean;
  timer: NodeJS.Timeout | null;
  inFlight: Promise<void>;
  stop(): Promise<void>;
}

function configYaml(workspace: Workspace, receiverUrl: string): string {
  return [
    // --listen and --db on the command line win over listen and store.
    'listen: 127.0.0.1:9095',
    'sources:',
    `  - { name: alertmanager, type: alertmanager, auth: { type: bearer, token: ${JSON.stringify(TOKEN)} } }`,
    `rules: { dir: ${JSON.stringify(RULES_DIR)} }`,
    `store: { path: ${JSON.stringify(workspace.dbFile)} }`,
    'log: { level: warn }',
    'heartbeats:',
    `  - { name: am-watchdog, source: alertmanager, matchers: ['alertname="Watchdog"'], interval: ${INTERVAL_MS / 1000}s }`,
    `  - { name: cron-backup, source: alertmanager, matchers: ['alertname="NeverSent"'], interval: ${INTERVAL_MS / 1000}s }`,
    'notifications:',
    '  channels:',
    `    - { name: pages, type: webhook, url: ${JSON.stringify(`${receiverUrl}/pages`)}, timeoutMs: 5000 }`,
    '  routes:',
    '    - { channels: [pages] }',
    '  outbox: { pollInterval: 200ms, initialBackoff: 200ms, maxBackoff: 1s }',
    '',
  ].join('\n');
}

/** Alertmanager's webhook body for its always-firing Watchdog; `n` makes each delivery distinct. */
function watchdogBody(n: number, now: number): string {
  const labels = { alertname: 'Watchdog', severity: 'none', prometheus: 'monitoring/k8s' };
  return JSON.stringify({
    receiver: 'incident-bridge',
    status: 'firing',
    alerts: [{ status: 'firing', labels, annotations: { summary: 'The always-firing alert of the alerting pipeline' }, startsAt: new Date(now - 60_000).toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'e3b0c44298fc1c14' }],
    groupLabels: { alertname: 'Watchdog' },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: `http://alertmanager.invalid/${n}`,
    version: '4',
    groupKey: '{}:{alertname="Watchdog"}',
    truncatedAlerts: 0,
  });
}

/** Whether an incident is the monitoring-gap incident of heartbeat `name`. */
const blindOf = (i: IncidentJson, name: string): boolean => i.metric === 'monitoring-gap' && (Object.values(i.groupLabels).includes(name) || i.title.includes(name));

test('heartbeats on the real clock: silent for the interval opens a monitoring-gap incident within 12 s, the next heartbeat resolves it', async () => {
  const workspace = createWorkspace('heartbeat');
  const pages: { event: string; incidentId: number }[] = [];
  const receiver = new LoopbackServer();
  const receiverUrl = await receiver.start((req, res) => {
    try {
      const body = JSON.parse(req.raw) as { event: string; incident: { id: number } };
      pages.push({ event: body.event, incidentId: body.incident.id });
    } catch {
      pages.push({ event: `unparsable: ${req.raw.slice(0, 200)}`, incidentId: 0 });
    }
    answerJson(res, 200, { ok: true });
  });
  writeFileSync(workspace.configFile, configYaml(workspace, receiverUrl));

  const port = await freePort();
  let daemon: Daemon | null = null;
  let passed = false;
  const beaters: Beater[] = [];
  try {
    daemon = startDaemon({ workspace, port });
    const d = daemon;
    const baseUrl = d.url;
    const abort = (): Error | null => (d.hasExited() ? new Error(`the daemon exited:\n${d.output()}`) : null);
    const incidents = async (): Promise<IncidentJson[]> => {
      const res = await request(`${baseUrl}/api/v1/incidents?limit=100`, { method: 'GET', timeoutMs: 5000 });
      if (res.status !== 200) throw new Error(`GET /api/v1/incidents answered ${res.status ?? res.error}`);
      return (JSON.parse(res.body.toString('utf8')) as { incidents: IncidentJson[] }).incidents;
    };
    const incident = async (id: number): Promise<IncidentJson> => {
      const res = await request(`${baseUrl}/api/v1/incidents/${id}`, { method: 'GET', timeoutMs: 5000 });
      if (res.status !== 200) throw new Error(`GET /api/v1/incidents/${id} answered ${res.status ?? res.error}`);
      return JSON.parse(res.body.toString('utf8')) as IncidentJson;
    };
    const timed = async (send: () => Promise<Answer>): Promise<Beat> => {
      const sentAt = Date.now();
      const answer = await send();
      return { sentAt, answeredAt: Date.now(), answer };
    };
    const watchdog = (n: number): Promise<Beat> => timed(() => postWebhook(baseUrl, 'alertmanager', watchdogBody(n, Date.now()), { headers: { authorization: `Bearer ${TOKEN}` }, timeoutMs: 5000 }));
    const postHeartbeat = (name: string, token: string): Promise<Beat> =>
      timed(() => request(`${baseUrl}/heartbeats/${name}`, { method: 'POST', body: '', headers: { authorization: `Bearer ${token}` }, timeoutMs: 5000 }));
    const expectBeatOk = (beat: Beat, name: string): void => {
      expect({ status: beat.answer.status, error: beat.answer.error }).toEqual({ status: 200, error: null });
      const body = JSON.parse(beat.answer.body.toString('utf8')) as { heartbeat: string; at: string };
      expect(body.heartbeat).toBe(name);
      expect(Date.parse(body.at)).toBeGreaterThanOrEqual(beat.sentAt - 5);
      expect(Date.parse(body.at)).toBeLessThanOrEqual(beat.answeredAt + 5);
    };
    /** Polls until the blind incident of `name` is open; checks when, relative to the last heartbeat. */
    const awaitBlind = async (name: string, last: Beat): Promise<IncidentJson> => {
      let seen: IncidentJson[] = [];
      const found = await eventually(
        `an open monitoring-gap incident for ${name}`,
        async () => {
          seen = await incidents();
          return seen.find((i) => blindOf(i, name) && i.status === 'open');
        },
        { timeoutMs: last.sentAt + BLIND_WITHIN_MS - Date.now(), intervalMs: POLL_MS, abort },
      ).catch((error: Error) => {
        const shown = seen.map((i) => ({ id: i.id, status: i.status, metric: i.metric, title: i.title, groupLabels: i.groupLabels }));
        throw new Error(`${error.message}; the incidents then: ${JSON.stringify(shown)}`);
      });
      const seenAt = Date.now();
      const openedAt = Date.parse(found.openedAt);
      // The daemon stamped the last heartbeat between sentAt and answeredAt (same clock).
      expect(openedAt - last.sentAt).toBeGreaterThanOrEqual(INTERVAL_MS);
      expect(openedAt - last.answeredAt).toBeLessThanOrEqual(BLIND_WITHIN_MS);
      expect(seenAt - last.sentAt).toBeLessThanOrEqual(BLIND_WITHIN_MS + POLL_MS);
      return found;
    };
    const awaitResolved = (id: number, from: number): Promise<IncidentJson> =>
      eventually(`incident ${id} resolved`, async () => {
        const i = await incident(id);
        return i.status === 'resolved' ? i : undefined;
      }, { timeoutMs: from + RESOLVE_WITHIN_MS - Date.now(), intervalMs: POLL_MS, abort });

    await d.waitReady();

    /** Sends a heartbeat every second from `firstIn` ms on, until stopped; each is checked at the end. */
    const startBeating = (send: () => Promise<Beat>, firstIn: number): Beater => {
      const beater: Beater = { beats: [], stopped: false, timer: null, inFlight: Promise.resolve(), stop: async () => undefined };
      const beat = (): void => {
        beater.inFlight = send().then((b) => {
          beater.beats.push(b);
          if (!beater.stopped) beater.timer = setTimeout(beat, BEAT_EVERY_MS);
        });
      };
      beater.stop = async () => {
        beater.stopped = true;
        if (beater.timer) clearTimeout(beater.timer);
        await beater.inFlight;
      };
      beater.timer = setTimeout(beat, firstIn);
      beaters.push(beater);
      return beater;
    };

    // cron-backup beats every second from the start, until step 4 stops it.
    const cron = startBeating(() => postHeartbeat('cron-backup', TOKEN), 0);

    // 1. The Watchdog every second for ~3 s: accepted, counted, no incident.
    const watchdogBeats: Beat[] = [];
    for (let n = 0; n < WATCHDOG_BEATS; n++) {
      if (n > 0) await sleep(watchdogBeats[n - 1]!.sentAt + BEAT_EVERY_MS - Date.now());
      const beat = await watchdog(n);
      watchdogBeats.push(beat);
      expect({ status: beat.answer.status, error: beat.answer.error }).toEqual({ status: 200, error: null });
      expect(JSON.parse(beat.answer.body.toString('utf8'))).toMatchObject({ accepted: 1, incidents: [] });
      expect((await incidents()).filter((i) => i.metric === 'monitoring-gap')).toEqual([]);
    }
    expect(await incidents()).toEqual([]);

    // 2. Silence: the blind incident of am-watchdog opens after the interval, within 12 s.
    const lastWatchdog = watchdogBeats[watchdogBeats.length - 1]!;
    const watchdogBlind = await awaitBlind('am-watchdog', lastWatchdog);
    // cron-backup kept beating: it is not blind.
    expect((await incidents()).filter((i) => blindOf(i, 'cron-backup'))).toEqual([]);

    // 3. One Watchdog: the incident resolves, and the webhook's answer names it.
    const back = await watchdog(WATCHDOG_BEATS);
    expect(back.answer.status).toBe(200);
    expect(JSON.parse(back.answer.body.toString('utf8'))).toMatchObject({ accepted: 1, incidents: [watchdogBlind.id] });
    await awaitResolved(watchdogBlind.id, back.answeredAt);
    // From here on the Watchdog fires again, as Alertmanager repeats it: am-watchdog stays seen.
    const watchdogAgain = startBeating(() => watchdog(WATCHDOG_BEATS + 1 + watchdogAgain.beats.length), back.sentAt + BEAT_EVERY_MS - Date.now());

    // 4. /heartbeats/cron-backup: authentication and unknown names, then silence and return.
    expect((await postHeartbeat('cron-backup', 'not-the-token')).answer.status).toBe(401);
    expect((await postHeartbeat('cron-backup', '')).answer.status).toBe(401);
    expect((await postHeartbeat('no-such-heartbeat', TOKEN)).answer.status).toBe(404);
    await cron.stop();
    expect(cron.beats.length).toBeGreaterThanOrEqual(4);
    for (const beat of cron.beats) expectBeatOk(beat, 'cron-backup');
    const lastCron = cron.beats[cron.beats.length - 1]!;
    expect(lastCron.sentAt - cron.beats[0]!.sentAt).toBeGreaterThanOrEqual(3 * BEAT_EVERY_MS - 100);
    const cronBlind = await awaitBlind('cron-backup', lastCron);
    // Its own incident, not the Watchdog's reopened.
    expect(cronBlind.id).not.toBe(watchdogBlind.id);
    expect(blindOf(cronBlind, 'am-watchdog')).toBe(false);
    expect((await incident(watchdogBlind.id)).status).toBe('resolved');
    const cronBack = await postHeartbeat('cron-backup', TOKEN);
    expectBeatOk(cronBack, 'cron-backup');
    await awaitResolved(cronBlind.id, cronBack.answeredAt);
    // cron-backup beats on too, so that nothing goes blind again before the end.
    const cronAgain = startBeating(() => postHeartbeat('cron-backup', TOKEN), cronBack.sentAt + BEAT_EVERY_MS - Date.now());

    // Exactly the two blind incidents, both resolved; each paged opened and resolved.
    const all = await incidents();
    expect(all.map((i) => [i.id, i.metric, i.status]).sort()).toEqual([[watchdogBlind.id, 'monitoring-gap', 'resolved'], [cronBlind.id, 'monitoring-gap', 'resolved']].sort());
    const wanted = [`${watchdogBlind.id} opened`, `${watchdogBlind.id} resolved`, `${cronBlind.id} opened`, `${cronBlind.id} resolved`].sort();
    await eventually('the pages of both blind incidents', async () => (pages.length >= wanted.length ? true : undefined), { timeoutMs: 5000, intervalMs: POLL_MS, abort });
    expect(pages.map((p) => `${p.incidentId} ${p.event}`).sort()).toEqual(wanted);

    // Every heartbeat after the silences was accepted.
    await watchdogAgain.stop();
    await cronAgain.stop();
    for (const beat of watchdogAgain.beats) {
      expect(beat.answer.status).toBe(200);
      expect(JSON.parse(beat.answer.body.toString('utf8'))).toMatchObject({ accepted: 1, incidents: [] });
    }
    for (const beat of cronAgain.beats) expectBeatOk(beat, 'cron-backup');

    // 5. A clean stop.
    expect(await d.stop()).toBe(0);
    passed = true;
  } finally {
    for (const b of beaters) await b.stop();
    if (daemon && !daemon.hasExited()) await daemon.kill9();
    await receiver.stop();
    if (!passed && daemon) process.stdout.write(`daemon output:\n${daemon.output()}\n`);
    workspace.cleanup(!passed && process.env.KEEP_WORKSPACE === '1');
  }
}, 60_000);
