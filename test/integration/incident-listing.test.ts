import { callApi } from '../helpers/api-client';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

const ENV = { TOKEN_ANNA: 'anna-token-0123456789' };
const CONFIG = `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
people:
  - {name: anna, role: responder, token: "\${TOKEN_ANNA}"}
sla:
  policies:
    - name: standard
      targets:
        P1: {response: 15m, resolution: 4h}
        P2: {response: 30m, resolution: 8h}
        P3: {response: 4h, resolution: 3d}
        P4: {response: 1d, resolution: 10d}
`;
const auth = { authorization: `Bearer ${ENV.TOKEN_ANNA}` };
const alert = (alertname: string, instance: string) => amBody([{ labels: { alertname, instance }, startsAt: '2026-05-04T09:59:00Z' }]);

describe('GET /api/v1/incidents: fields, pages and the queue order', () => {
  let t: TestApp;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock('2026-05-04T10:00:00Z');
    t = await startTestApp({ configYaml: CONFIG, env: ENV, clock });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
  });
  const get = async (query: string) => callApi(t.url, 'GET', `/api/v1/incidents?${query}`, { headers: auth });
  const open = async (alertname: string, instance: string) => ((await t.post('alertmanager', alert(alertname, instance))).json.incidents as number[])[0]!;
  const act = async (id: number, action: string, body: Record<string, unknown> = {}) => {
    const res = await callApi(t.url, 'POST', `/api/v1/incidents/${id}/${action}`, { headers: auth, body });
    expect(res.status).toBe(200);
  };

  test('fields= narrows each incident to the fields asked (id always), in the API order; an unknown field is a 400 naming it', async () => {
    const id = await open('PostgresqlDown', 'db-1:5432');
    const full = (await get('status=open')).json.incidents as Record<string, unknown>[];
    const narrow = (await get('status=open&fields=sla,title,priority')).json.incidents as Record<string, unknown>[];
    expect(Object.keys(narrow[0]!)).toEqual(['id', 'priority', 'title', 'sla']);
    expect(narrow[0]).toEqual({ id, priority: full[0]!.priority, title: full[0]!.title, sla: full[0]!.sla });
    expect((narrow[0]!.sla as Record<string, unknown>).responseDueAt).toBe('2026-05-04T10:15:00.000Z');
    // Every field asked one by one equals the full view's.
    for (const field of Object.keys(full[0]!)) {
      const one = (await get(`fields=${field}`)).json.incidents as Record<string, unknown>[];
      expect(one[0]).toEqual({ id, [field]: full[0]![field] });
    }
    const bad = await get('fields=title,password');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('invalid_query');
    expect(JSON.stringify(bad.json.detail)).toContain('unknown incident field \\"password\\"');
  });

  test('a page followed by another says so in a Link header (rel=next), the query kept and before set; the last has none', async () => {
    const ids = [];
    for (let n = 1; n <= 5; n++) ids.push(await open('HostDown', `web-${n}:9100`));
    const next = (res: { headers: Headers }) => {
      const link = res.headers.get('link');
      if (link === null) return null;
      expect(link).toMatch(/^<\/api\/v1\/incidents\?[^>]+>; rel="next"$/);
      return link.slice(1, link.indexOf('>'));
    };
    const first = await get('limit=2&fields=id');
    expect(first.json).toEqual({ incidents: [{ id: ids[4] }, { id: ids[3] }] });
    const second = await callApi(t.url, 'GET', next(first)!, { headers: auth });
    expect(new URL(next(first)!, t.url).searchParams.get('fields')).toBe('id');
    expect(second.json).toEqual({ incidents: [{ id: ids[2] }, { id: ids[1] }] });
    const last = await callApi(t.url, 'GET', next(second)!, { headers: auth });
    expect(last.json).toEqual({ incidents: [{ id: ids[0] }] });
    expect(next(last)).toBeNull();
    // A page that ends exactly at the last incident says so: no empty page after it.
    expect(next(await get('limit=5&fields=id'))).toBeNull();
  });

  test('order=queue: by priority, then the running clock due first (the response until met, then the resolution; paused last), then the oldest; total counts them all', async () => {
    const db = await open('PostgresqlDown', 'db-1:5432'); // P1, response due 10:15
    clock.advance({ minutes: 1 });
    const payments = await open('PaymentAuthorizationRateLow', 'pay-1'); // P1, response due 10:16
    const prices = await open('CatalogPricesStale', 'feed-1'); // P2, response due 10:31
    const odd = await open('SomethingOdd', 'db-9:9100'); // P4
    const order = async (limit = 10) => {
      const res = await get(`status=open,acknowledged&order=queue&fields=priority&limit=${limit}`);
      expect(res.status).toBe(200);
      return { ids: (res.json.incidents as { id: number }[]).map((i) => i.id), total: res.json.total, link: res.headers.get('link') };
    };
    expect(await order()).toEqual({ ids: [db, payments, prices, odd], total: 4, link: null });
    // Acknowledged: the database incident's response is met, its resolution (14:00) runs and comes after the payments' response (10:16).
    await act(db, 'acknowledge');
    expect((await order()).ids).toEqual([payments, db, prices, odd]);
    // Paused: its clocks stand still, it goes last among the P1s.
    await act(payments, 'pause', { reason: 'waiting for the provider' });
    expect((await order()).ids).toEqual([db, payments, prices, odd]);
    // A first screen of two says how many there are in all.
    expect(await order(2)).toEqual({ ids: [db, payments], total: 4, link: null });
    // Filters apply to the screen and the total alike.
    const p1 = await get('status=open,acknowledged&order=queue&priority=P1&fields=id&limit=1');
    expect(p1.json).toEqual({ incidents: [{ id: db }], total: 2 });
    // The queue is one page: no before.
    expect((await get('order=queue&before=3')).status).toBe(400);
  });
});
