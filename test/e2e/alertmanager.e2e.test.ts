import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app';
import type { App } from '../../src/app';
import { parseConfig } from '../../src/config/load-config';
import { createLogger } from '../../src/core/logger';
import { eventually, startAlertmanager } from '../helpers/alertmanager-process';
import type { AlertmanagerProcess, PostableAlert } from '../helpers/alertmanager-process';

// The real path: Alertmanager groups the alerts and calls the webhook; nothing here calls it directly.

const RULES_DIR = path.resolve(__dirname, '../../rules');
const POLL = { timeoutMs: 20_000, intervalMs: 200 };

interface IncidentJson {
  id: number;
  status: string;
  priority: string;
  impact: string;
  category: string;
  healthModel: string;
  metric: string;
  title: string;
  runbookUrl: string | null;
  groupLabels: Record<string, string>;
  alertCount: number;
  firingCount: number;
  deliveryCount: number;
  openedAt: string;
  resolvedAt: string | null;
}

interface IncidentDetailJson extends IncidentJson {
  alerts: { fingerprint: string; status: string; labels: Record<string, string>; endsAt: string | null }[];
  timeline: { event: string }[];
}

// The whole timeline runs twice: with no authentication, and with a bearer token that the real
// Alertmanager sends from its http_config.
const MODES = [
  { name: 'without authentication', token: undefined },
  { name: 'with a bearer token in http_config', token: 'e2e-bearer-token-7f3a' },
];

describe.each(MODES)('Alertmanager -> incident-bridge $name', ({ token }) => {
let tmpDir = '';
let app: App | null = null;
let alertmanager: AlertmanagerProcess | null = null;

beforeAll(async () => {
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-e2e-'));
  const configText = [
    'listen: 127.0.0.1:0',
    `store: { path: ${JSON.stringify(path.join(tmpDir, 'incident-bridge.db'))} }`,
    `rules: { dir: ${JSON.stringify(RULES_DIR)} }`,
    'sources:',
    '  - name: alertmanager',
    '    type: alertmanager',
    ...(token ? ['    auth: { type: bearer, token: "${E2E_TOKEN}" }'] : []),
    '',
  ].join('\n');
  const config = parseConfig(path.join(tmpDir, 'incident-bridge.yaml'), configText, {}, token ? { E2E_TOKEN: token } : {});
  app = createApp({ config, logger: createLogger({ silent: true }), timers: false });
  await app.start();
  alertmanager = await startAlertmanager({
    dir: tmpDir,
    webhookUrl: `${app.url()}/webhooks/alertmanager`,
    // Short intervals keep the run fast; a repeat_interval notification re-sends an identical body,
    // which the daemon must recognise as a replay.
    timing: { groupWait: '1s', groupInterval: '1s', repeatInterval: '2s' },
    ...(token ? { bearerToken: token } : {}),
  });
}, 30_000);

afterAll(async () => {
  // Alertmanager first, so that it stops calling the webhook before the daemon closes its store.
  await alertmanager?.stop();
  await app?.stop();
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

async function getJson<T>(pathAndQuery: string): Promise<T> {
  const res = await fetch(`${(app as App).url()}${pathAndQuery}`);
  if (!res.ok) throw new Error(`GET ${pathAndQuery} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function incidentsOf(healthModel: string): Promise<IncidentJson[]> {
  const body = await getJson<{ incidents: IncidentJson[] }>(`/api/v1/incidents?healthModel=${encodeURIComponent(healthModel)}`);
  return body.incidents;
}

const incident = (id: number): Promise<IncidentDetailJson> => getJson<IncidentDetailJson>(`/api/v1/incidents/${id}`);

/** Runs one step of the timeline; a failure carries Alertmanager's log and the daemon's rejections. */
async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const show = (pathAndQuery: string): Promise<string> =>
      getJson<unknown>(pathAndQuery).then(
        (r) => JSON.stringify(r, null, 2),
        (e: unknown) => `(unavailable: ${String(e)})`,
      );
    const original = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new Error(
      [
        `step "${name}" failed`,
        original,
        '--- incident-bridge incidents ---',
        await show('/api/v1/incidents'),
        '--- incident-bridge rejections ---',
        await show('/api/v1/rejections'),
        '--- alertmanager log ---',
        alertmanager?.logs() ?? '(not started)',
      ].join('\n'),
      { cause: error },
    );
  }
}

test('Alertmanager notifications open, attach to and resolve classified incidents', async () => {
  const am = alertmanager as AlertmanagerProcess;
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const checkout = (instance: string): PostableAlert => ({
    labels: { alertname: 'CheckoutErrorRateHigh', job: 'checkout', instance, severity: 'critical' },
    annotations: { summary: 'Checkout error rate above 5%' },
    startsAt,
    generatorURL: 'http://prometheus.example.net/graph?g0.expr=checkout_errors',
  });

  const opened = await step('first alert opens a classified incident', async () => {
    await am.postAlerts([checkout('checkout-1:8080')]);
    const [first] = await eventually('an online-shop incident', async () => {
      const list = await incidentsOf('online-shop');
      return list.length > 0 ? list : undefined;
    }, POLL);
    const list = await incidentsOf('online-shop');
    expect(list).toHaveLength(1);
    expect(first).toMatchObject({
      status: 'open',
      healthModel: 'online-shop',
      metric: 'checkout-success-rate',
      // online-shop has criticality high; partial_outage on a high application is P2 in the matrix.
      priority: 'P2',
      impact: 'partial_outage',
      category: 'software',
      title: 'Checkout degraded: Checkout error rate above 5%',
      runbookUrl: 'https://runbooks.example.net/shop/checkout-success-rate',
      alertCount: 1,
      firingCount: 1,
      deliveryCount: 1,
      resolvedAt: null,
    });
    return first as IncidentJson;
  });

  await step('a second alert of the same metric attaches to the open incident', async () => {
    await am.postAlerts([checkout('checkout-2:8080')]);
    await eventually('the second alert on the incident', async () => ((await incident(opened.id)).alertCount >= 2 ? true : undefined), POLL);
    const list = await incidentsOf('online-shop');
    expect(list.map((i) => i.id)).toEqual([opened.id]);
    const detail = await incident(opened.id);
    // Alertmanager sends the group again with both alerts: a repeat of the first, the second new.
    // Its repeat_interval re-sends are byte-identical bodies, counted once as replays.
    expect(detail).toMatchObject({ status: 'open', alertCount: 2, firingCount: 2, deliveryCount: 3, resolvedAt: null });
    expect(detail.alerts.map((a) => [a.labels.instance, a.status]).sort()).toEqual([
      ['checkout-1:8080', 'firing'],
      ['checkout-2:8080', 'firing'],
    ]);
    expect(detail.timeline.map((t) => t.event)).toEqual(expect.arrayContaining(['opened', 'alert_attached']));
  });

  await step('resolving both alerts resolves the incident', async () => {
    const endsAt = new Date(Date.now() - 1_000).toISOString();
    await am.postAlerts([{ ...checkout('checkout-1:8080'), endsAt }, { ...checkout('checkout-2:8080'), endsAt }]);
    const resolved = await eventually('the incident resolved', async () => {
      const detail = await incident(opened.id);
      return detail.status === 'resolved' ? detail : undefined;
    }, POLL);
    expect(resolved.resolvedAt).not.toBeNull();
    expect(Date.parse(resolved.resolvedAt as string)).toBeGreaterThanOrEqual(Date.parse(opened.openedAt));
    expect(resolved).toMatchObject({ alertCount: 2, firingCount: 0 });
    // One delivery per resolution at least; Alertmanager may split them over two notifications.
    expect(resolved.deliveryCount).toBeGreaterThanOrEqual(5);
    expect(resolved.alerts.every((a) => a.status === 'resolved' && a.endsAt !== null)).toBe(true);
    expect(resolved.timeline.map((t) => t.event)).toEqual(expect.arrayContaining(['alert_resolved', 'resolved']));
  });

  await step('another alert name opens a second, separate incident', async () => {
    await am.postAlerts([
      {
        labels: { alertname: 'HostHighCpuLoad', job: 'node', instance: 'db-03:9100', severity: 'warning' },
        startsAt: new Date().toISOString(),
        generatorURL: 'http://prometheus.example.net/graph?g0.expr=node_load1',
      },
    ]);
    const [host] = await eventually('a shop-infrastructure incident', async () => {
      const list = await incidentsOf('shop-infrastructure');
      return list.length > 0 ? list : undefined;
    }, POLL);
    expect(host).toMatchObject({
      status: 'open',
      healthModel: 'shop-infrastructure',
      metric: 'host-resources',
      // shop-infrastructure has criticality medium; defect on a medium application is P4.
      priority: 'P4',
      impact: 'defect',
      category: 'infrastructure',
      title: 'HostHighCpuLoad on db-03:9100',
      groupLabels: { instance: 'db-03:9100' },
      alertCount: 1,
      firingCount: 1,
      deliveryCount: 1,
    });
    expect((host as IncidentJson).id).not.toBe(opened.id);
    const all = await getJson<{ incidents: IncidentJson[] }>('/api/v1/incidents');
    expect(all.incidents.map((i) => i.id).sort((a, b) => a - b)).toEqual([opened.id, (host as IncidentJson).id].sort((a, b) => a - b));
    expect((await incident(opened.id)).status).toBe('resolved');
  });

  // Every notification was accepted: no 401 (or other refusal) on the way.
  expect((await getJson<{ rejections: unknown[] }>('/api/v1/rejections')).rejections).toEqual([]);
  if (token) {
    const anonymous = await fetch(`${(app as App).url()}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"alerts":[]}' });
    expect(anonymous.status).toBe(401);
  }
}, 60_000);
});
