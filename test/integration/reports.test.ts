import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runReport } from '../../src/cli/report';
import { callApi } from '../helpers/api-client';
import { amBody } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { REPO_DIR } from '../helpers/fixtures';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

const RULES = path.join(REPO_DIR, 'test/fixtures/rules/customers');
const ENV = { T_ANNA: 'anna-token-0123456789', T_ACME: 'acme-token-0123456789' };
const as = (t: string) => ({ authorization: `Bearer ${t}` });

const CONFIG = `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
people:
  - {name: anna, role: viewer, token: "\${T_ANNA}"}
  - {name: acme-desk, role: customer, customer: acme, token: "\${T_ACME}"}
customers:
  - {name: acme, displayName: ACME Retail}
  - {name: globex, displayName: Globex}
`;

const probe = (instance: string) => amBody([{ labels: { alertname: 'BlackboxProbeFailed', instance, job: 'blackbox' }, startsAt: '2026-05-04T09:59:00Z' }]);
const MAY = 'from=2026-05-01&to=2026-06-01';

describe('GET /api/v1/reports/sla', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock: new FakeClock('2026-05-04T10:00:00Z'), configYaml: CONFIG, rulesDir: RULES, env: ENV });
    for (const instance of ['https://shop.acme.example/health', 'https://portal.globex.example/', 'https://wiki.internal.example/']) {
      expect((await t.post('alertmanager', probe(instance))).status).toBe(200);
    }
  });
  afterAll(async () => {
    await t.stop();
    t.cleanup();
  });
  const get = (query: string, token = ENV.T_ANNA) => callApi(t.url, 'GET', `/api/v1/reports/sla?${query}`, { headers: as(token) });

  test('a viewer gets every customer, grouped; the figures add up to the total', async () => {
    const r = await get(`${MAY}&groupBy=customer`);
    expect(r.status).toBe(200);
    const groups = r.json.groups as { key: { customer: string | null }; incidents: number }[];
    expect(groups.map((g) => [g.key.customer, g.incidents])).toEqual([
      [null, 1],
      ['acme', 1],
      ['globex', 1],
    ]);
    expect(r.json.total).toMatchObject({ incidents: 3, acknowledged: 0, resolved: 0 });
    expect(r.json).toMatchObject({ from: '2026-05-01', to: '2026-06-01', timezone: 'UTC', groupBy: ['customer'], customer: null });
  });

  test("a customer's person gets its own customer's report, and is refused another's", async () => {
    const own = await get(`${MAY}&groupBy=customer`, ENV.T_ACME);
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ customer: 'acme', total: { incidents: 1 } });
    expect((own.json.groups as unknown[]).length).toBe(1);
    expect(await get(`${MAY}&customer=globex`, ENV.T_ACME)).toMatchObject({ status: 403, json: { error: 'forbidden' } });
  });

  test('CSV as an attachment, with the total last', async () => {
    const r = await get(`${MAY}&groupBy=customer&format=csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename=sla-report-2026-05-01-2026-06-01.csv');
    const lines = r.text.trimEnd().split('\r\n');
    expect(lines[0]!.startsWith('customer,incidents,')).toBe(true);
    expect(lines[1]!.startsWith(',1,0,0,')).toBe(true);
    expect(lines[lines.length - 1]!.startsWith('total,3,0,0,')).toBe(true);
  });

  test('bad requests answer 400 naming the field; no person answers 401', async () => {
    const field = async (query: string) => {
      const r = await get(query);
      expect(r.status).toBe(400);
      expect(r.json.error).toBe('invalid_query');
      return (r.json.detail as { field: string }).field;
    };
    expect(await field('to=2026-06-01')).toBe('from');
    expect(await field('from=2026-05-01&to=2026-05-01')).toBe('to');
    expect(await field(`${MAY}&groupBy=colour`)).toBe('groupBy');
    expect(await field(`${MAY}&timezone=Nowhere/City`)).toBe('timezone');
    expect(await field(`${MAY}&format=xml`)).toBe('format');
    expect(await field(`${MAY}&limit=5`)).toBe('limit');
    expect(await field(`${MAY}&from=2026-04-01`)).toBe('from');
    expect((await callApi(t.url, 'GET', `/api/v1/reports/sla?${MAY}`)).status).toBe(401);
  });

  test('the command reads the same store: JSON, CSV into a file, and a bad request exits 1', async () => {
    const run = async (...args: string[]) => {
      const out = new PassThrough();
      const err = new PassThrough();
      let text = '';
      let errors = '';
      out.on('data', (c: Buffer) => (text += c.toString()));
      err.on('data', (c: Buffer) => (errors += c.toString()));
      const code = await runReport(['--config', path.join(REPO_DIR, 'config/incident-bridge.yaml'), '--db', t.dbFile, ...args], out, err);
      return { code, text, errors };
    };
    const json = await run('--from', '2026-05-01', '--to', '2026-06-01', '--group-by', 'customer');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.text) as { groups: { key: { customer: string | null }; incidents: number }[]; total: { incidents: number } };
    expect(report.groups.map((g) => [g.key.customer, g.incidents])).toEqual([
      [null, 1],
      ['acme', 1],
      ['globex', 1],
    ]);
    const file = path.join(t.dir, 'may.csv');
    expect((await run('--from', '2026-05-01', '--to', '2026-06-01', '--customer', 'acme', '--format', 'csv', '--out', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8').split('\r\n')[1]!.startsWith('1,0,0,')).toBe(true);
    expect(await run('--from', '2026-05-01', '--to', '2026-06-01', '--timezone', 'Nowhere/City')).toEqual({ code: 1, text: '', errors: '--timezone: unknown time zone "Nowhere/City"\n' });
    expect((await run('--from', '2026-05-01')).code).toBe(2);
    expect((await run('--from', '2026-05-01', '--to', '2026-06-01', '--format', 'pdf')).code).toBe(2);
    expect((await run('--from', '2026-05-01', '--to', '2026-06-01', '--target', '120')).code).toBe(2);
  });

  test('the printable report: HTML, and PDF through headless Chromium', async () => {
    const args = ['--config', path.join(REPO_DIR, 'config/incident-bridge.yaml'), '--db', t.dbFile, '--from', '2026-05-01', '--to', '2026-06-01', '--customer', 'acme'];
    const out = new PassThrough();
    let html = '';
    out.on('data', (c: Buffer) => (html += c.toString()));
    expect(await runReport([...args, '--format', 'html', '--target', '99'], out, new PassThrough())).toBe(0);
    expect(html).toContain('<h1>Service level report: ACME Retail</h1>');
    expect(html).toContain('target 99% within SLA');
    const dir = path.join(REPO_DIR, 'test-artifacts', 'report');
    mkdirSync(dir, { recursive: true });
    const pdf = path.join(dir, 'sla-report-acme-2026-05.pdf');
    expect(await runReport([...args, '--format', 'pdf', '--out', pdf], new PassThrough(), new PassThrough())).toBe(0);
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(10_000);
  }, 60_000);
});
