import path from 'node:path';
import { callApi } from '../helpers/api-client';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { REPO_DIR } from '../helpers/fixtures';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';
import { WebhookReceiver } from '../helpers/webhook-receiver';

type Json = Record<string, unknown>;
const RULES = path.join(REPO_DIR, 'test/fixtures/rules/customers');
const ENV = { T_ANNA: 'anna-token-0123456789', T_ACME: 'acme-token-0123456789', T_GLOBEX: 'globex-token-0123456789' };
const as = (t: string) => ({ authorization: `Bearer ${t}` });
const ANNA = as(ENV.T_ANNA);
const ACME = as(ENV.T_ACME);

const config = (support: string, acme: string, globex: string) => `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
notifications:
  channels:
    - {name: l1-hook, type: webhook, url: "${support}"}
    - {name: acme-news, type: webhook, url: "${acme}"}
    - {name: globex-news, type: webhook, url: "${globex}"}
people:
  - {name: anna, displayName: Anna Petrova, role: responder, lines: [L1], token: "\${T_ANNA}"}
  - {name: acme-desk, role: customer, customer: acme, token: "\${T_ACME}"}
  - {name: globex-desk, role: customer, customer: globex, token: "\${T_GLOBEX}"}
customers:
  - {name: acme, displayName: ACME Retail, team: [anna], channels: [acme-news]}
  - {name: globex, displayName: Globex, channels: [globex-news], events: [opened, resolved], locale: ru}
  - {name: initech, displayName: Initech}
`;

const probe = (instance: string) => amBody([{ labels: { alertname: 'BlackboxProbeFailed', instance, job: 'blackbox' }, startsAt: '2026-05-04T09:59:00Z' }]);

describe('customers: scoping, communication in their words, and nothing else', () => {
  const receivers = { support: new WebhookReceiver(), acme: new WebhookReceiver(), globex: new WebhookReceiver() };
  let t: TestApp;
  let clock: FakeClock;
  let acmeId: number;
  let globexId: number;
  let internalId: number;

  beforeEach(async () => {
    for (const r of Object.values(receivers)) r.requests.length = 0;
    const [s, a, g] = [await receivers.support.start(), await receivers.acme.start(), await receivers.globex.start()];
    clock = new FakeClock('2026-05-04T10:00:00Z');
    t = await startTestApp({ clock, configYaml: config(s, a, g), rulesDir: RULES, env: ENV });
    acmeId = ((await t.post('alertmanager', probe('https://shop.acme.example/health'))).json.incidents as number[])[0]!;
    globexId = ((await t.post('alertmanager', probe('https://portal.globex.example/'))).json.incidents as number[])[0]!;
    internalId = ((await t.post('alertmanager', probe('https://wiki.internal.example/'))).json.incidents as number[])[0]!;
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
    for (const r of Object.values(receivers)) await r.stop();
  });
  const deliver = async () => {
    await t.app.outboxWorker().runOnce();
    await t.app.outboxWorker().runOnce();
  };
  const api = (headers: Record<string, string>, method: string, p: string, body?: unknown) => callApi(t.url, method, p, { headers, body });

  test('incidents carry their customer, and the API filters by it', async () => {
    const all = (await api(ANNA, 'GET', '/api/v1/incidents')).json.incidents as Json[];
    expect(Object.fromEntries(all.map((i) => [i.id, i.customer]))).toEqual({ [acmeId]: 'acme', [globexId]: 'globex', [internalId]: null });
    const acme = (await api(ANNA, 'GET', '/api/v1/incidents?customer=acme')).json.incidents as Json[];
    expect(acme.map((i) => i.id)).toEqual([acmeId]);
  });

  test("a customer's person sees only its customer's incidents, never another's, in any answer", async () => {
    const seen = [
      await api(ACME, 'GET', '/api/v1/incidents'),
      await api(ACME, 'GET', '/api/v1/incidents?customer=globex'),
      await api(ACME, 'GET', '/api/v1/incidents?status=open'),
      await api(ACME, 'GET', `/api/v1/incidents/${acmeId}`),
    ];
    expect((seen[0]!.json.incidents as Json[]).map((i) => i.id)).toEqual([acmeId]);
    expect(seen[1]!.json.incidents).toEqual([]);
    for (const id of [globexId, internalId]) {
      const answers = [
        await api(ACME, 'GET', `/api/v1/incidents/${id}`),
        await api(ACME, 'POST', `/api/v1/incidents/${id}/comment`, { note: 'hello?' }),
        await api(ACME, 'POST', `/api/v1/incidents/${id}/acknowledge`),
      ];
      expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
      seen.push(...answers);
    }
    // Globex's own person sees Globex's incident and nothing of ACME's.
    const globexSees = (await api(as(ENV.T_GLOBEX), 'GET', '/api/v1/incidents')).json.incidents as Json[];
    expect(globexSees.map((i) => i.id)).toEqual([globexId]);
    for (const a of seen) {
      expect(a.text).not.toContain('globex');
      expect(a.text).not.toContain('wiki');
    }
    // Its own incident in its words: no title made of labels, no runbook, no alerts, no staff.
    const own = seen[3]!;
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ id: acmeId, customer: 'acme', healthModel: 'acme-shop', metric: 'checkout-available', status: 'open' });
    for (const secret of ['shop.acme.example', 'runbooks', 'blackbox', 'alerts', 'groupLabels']) expect(own.text).not.toContain(secret);
  });

  test("a customer's person may comment publicly on its own incident, and nothing else", async () => {
    expect((await api(ACME, 'POST', `/api/v1/incidents/${acmeId}/acknowledge`)).status).toBe(403);
    expect((await api(ACME, 'POST', `/api/v1/incidents/${acmeId}/resolve`, { note: 'x' })).status).toBe(403);
    const comment = await api(ACME, 'POST', `/api/v1/incidents/${acmeId}/comment`, { note: 'Our customers cannot pay since 09:55.' });
    expect(comment.status).toBe(200);
    const timeline = (await api(ANNA, 'GET', `/api/v1/incidents/${acmeId}`)).json.timeline as Json[];
    expect(timeline.at(-1)).toMatchObject({ event: 'commented', actor: { type: 'person', name: 'acme-desk' }, detail: { note: 'Our customers cannot pay since 09:55.', public: true } });
  });

  test("customer news: opened in its words, a public update once, internal notes never; the support line's wording never reaches it", async () => {
    await deliver();
    const acmeOpened = receivers.acme.requests.map((r) => r.body);
    expect(acmeOpened.map((b) => [b.event, (b.incident as Json).id])).toEqual([['opened', acmeId]]);
    const text = JSON.stringify(acmeOpened[0]);
    expect(text).toContain('we are working on it');
    for (const secret of ['shop.acme.example', 'runbooks', 'Anna', 'anna', 'blackbox', 'Checkout down on']) expect(text).not.toContain(secret);
    // Globex hears its own opening, in Russian; the support line hears all three in its own words.
    expect(receivers.globex.requests.map((r) => [r.body.event, (r.body.incident as Json).id])).toEqual([['opened', globexId]]);
    expect(JSON.stringify(receivers.globex.requests[0]!.body)).toContain('мы работаем над ним');
    expect(receivers.support.requests.map((r) => (r.body.incident as Json).id).sort()).toEqual([acmeId, globexId, internalId].sort());
    expect(JSON.stringify(receivers.support.requests.map((r) => r.body))).not.toContain('we are working on it');

    await api(ANNA, 'POST', `/api/v1/incidents/${acmeId}/comment`, { note: 'internal: the PSP certificate expired, anna is on it' });
    await api(ANNA, 'POST', `/api/v1/incidents/${acmeId}/comment`, { note: 'Payments fail because of an expired certificate; a new one is being issued.', public: true });
    await deliver();
    await deliver();
    const updates = receivers.acme.requests.slice(1).map((r) => r.body);
    expect(updates.map((b) => b.event)).toEqual(['update']);
    expect(String(updates[0]!.text)).toContain('a new one is being issued');
    expect(JSON.stringify(receivers.acme.requests.map((r) => r.body))).not.toContain('internal:');
    expect(receivers.support.requests).toHaveLength(3);

    clock.advance({ minutes: 30 });
    await api(ANNA, 'POST', `/api/v1/incidents/${acmeId}/resolve`, { note: 'Certificate renewed, payments work again.', public: true });
    await deliver();
    const resolved = receivers.acme.requests.at(-1)!.body;
    expect(resolved.event).toBe('resolved');
    expect(String(resolved.text)).toContain('Certificate renewed, payments work again.');
    expect(String(resolved.text)).not.toContain('anna');

    // The timeline records what the customer was told and when.
    const told = ((await api(ANNA, 'GET', `/api/v1/incidents/${acmeId}`)).json.timeline as Json[]).filter((e) => e.event === 'customer_notified');
    expect(told.map((e) => (e.detail as Json).event)).toEqual(['opened', 'update', 'resolved']);
    expect(told.map((e) => (e.detail as Json).channel)).toEqual(['acme-news', 'acme-news', 'acme-news']);
  });

  test('a private resolution note is not told; globex hears no updates it did not ask for', async () => {
    await api(ANNA, 'POST', `/api/v1/incidents/${globexId}/comment`, { note: 'Портал восстанавливается', public: true });
    await api(ANNA, 'POST', `/api/v1/incidents/${globexId}/resolve`, { note: 'restarted pod portal-7d9f on node k8s-12' });
    await deliver();
    const events = receivers.globex.requests.map((r) => r.body.event);
    expect(events).toEqual(['opened', 'resolved']);
    expect(JSON.stringify(receivers.globex.requests.at(-1)!.body)).not.toContain('portal-7d9f');
  });

  test('a public comment needs a customer with channels: 400 naming why, nothing changed', async () => {
    const none = await api(ANNA, 'POST', `/api/v1/incidents/${internalId}/comment`, { note: 'x', public: true });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.json.detail)).toContain('no customer');
    const timeline = (await api(ANNA, 'GET', `/api/v1/incidents/${internalId}`)).json.timeline as Json[];
    expect(timeline.map((e) => e.event)).toEqual(['opened']);
  });
});
