import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixtureText } from '../helpers/fixtures';
import { RULES_DIR } from '../helpers/fixtures';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';
import { FakeClock } from '../helpers/fake-clock';

type Json = Record<string, unknown>;

describe('rules API: GET /api/v1/rules, POST /-/reload, POST /api/v1/explain', () => {
  let t: TestApp;
  let rulesDir: string;
  beforeEach(async () => {
    rulesDir = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-rules-'));
    cpSync(path.join(RULES_DIR, 'online-shop.yaml'), path.join(rulesDir, 'online-shop.yaml'));
    cpSync(path.join(RULES_DIR, 'shop-infrastructure.yaml'), path.join(rulesDir, 'shop-infrastructure.yaml'));
    t = await startTestApp({
      rulesDir,
      clock: new FakeClock('2025-03-18T09:40:00Z'),
      configYaml: 'listen: 127.0.0.1:0\nsources:\n  - {name: alertmanager, type: alertmanager}\n  - {name: secured, type: alertmanager, auth: {type: bearer, token: s3cret-token}}\n',
    });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  test('the rules in force, then a broken reload that keeps them, then a good one', async () => {
    const first = await t.get('/api/v1/rules');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ ok: true, reloads: 1, errors: [], warnings: [], metrics: 17, loadedAt: '2025-03-18T09:40:00.000Z' });
    expect((first.json.healthModels as Json[]).map((m) => [m.name, (m.metrics as string[]).length])).toEqual([['online-shop', 9], ['shop-infrastructure', 8]]);

    const broken = path.join(rulesDir, 'zz-broken.yaml');
    writeFileSync(broken, 'name: broken\nowner: x\ncriticality: high\nmetrics:\n  - name: m\n    matchers: [\'job=~"(a+)+"\']\n    impact: defect\n    category: software\n');
    const failed = await t.request('POST', '/-/reload');
    expect(failed.status).toBe(422);
    expect(failed.json).toMatchObject({ error: 'reload_failed' });
    expect((failed.json.detail as Json[]).map((p) => p.text)).toEqual([`${broken}:6:22: error: metrics[0].matchers[0]: regular expression can backtrack catastrophically: nested quantifier in "(a+)+"`]);
    const after = await t.get('/api/v1/rules');
    expect(after.json).toMatchObject({ ok: false, reloads: 2, metrics: 17, lastSuccessAt: '2025-03-18T09:40:00.000Z' });
    expect((after.json.errors as Json[])[0]).toMatchObject({ file: broken, line: 6, col: 22, severity: 'error' });
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^incident_bridge_rules_last_reload_successful 0$/m);
    // The rules in force still classify.
    expect((await t.post('alertmanager', fixtureText('alertmanager/am-01-firing-single.json'))).status).toBe(200);

    rmSync(broken);
    const ok = await t.request('POST', '/-/reload');
    expect(ok).toEqual({ status: 200, json: { ok: true, warnings: [] } });
    expect((await t.get('/api/v1/rules')).json).toMatchObject({ ok: true, reloads: 3, errors: [] });
    expect(await fetch(`${t.url}/metrics`).then((r) => r.text())).toMatch(/^incident_bridge_rules_last_reload_successful 1$/m);
  });

  test('explain answers for each alert of a payload and stores nothing', async () => {
    const res = await t.request('POST', '/api/v1/explain?source=alertmanager', fixtureText('alertmanager/am-02-firing-grouped.json'), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const alerts = res.json.alerts as { classification: Json; decision: Json; tried: unknown[] }[];
    expect(alerts.map((a) => [a.classification.metric, a.decision.action])).toEqual([
      ['payments-workloads', 'open'],
      ['payments-workloads', 'attach'],
      ['checkout-workloads', 'open'],
      ['payments-workloads', 'attach'],
    ]);
    expect(alerts[0]!.tried).toHaveLength(5);
    expect((await t.get('/api/v1/incidents')).json.incidents).toEqual([]);

    await t.post('alertmanager', fixtureText('alertmanager/am-02-firing-grouped.json'));
    const again = await t.request('POST', '/api/v1/explain?source=alertmanager', fixtureText('alertmanager/am-02-firing-grouped.json'));
    expect((again.json.alerts as { decision: Json }[]).map((a) => a.decision.action)).toEqual(['repeat', 'repeat', 'repeat', 'repeat']);
  });

  test("explain takes the source's authentication, body checks and name", async () => {
    const body = fixtureText('alertmanager/am-01-firing-single.json');
    expect((await t.request('POST', '/api/v1/explain?source=secured', body)).status).toBe(401);
    expect((await t.request('POST', '/api/v1/explain?source=secured', body, { authorization: 'Bearer s3cret-token' })).status).toBe(200);
    expect((await t.request('POST', '/api/v1/explain?source=nope', body)).json).toMatchObject({ error: 'unknown_source' });
    expect((await t.request('POST', '/api/v1/explain?source=alertmanager', '{"alerts": [')).json).toMatchObject({ error: 'invalid_json' });
    expect((await t.request('POST', '/api/v1/explain?source=alertmanager', '{"alerts": [{}]}')).json).toMatchObject({ error: 'invalid_payload' });
    expect((await t.request('POST', '/api/v1/explain?source=alertmanager', body, { 'content-type': 'text/plain' })).status).toBe(415);
  });
});
