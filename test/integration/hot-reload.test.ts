import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RULES_DIR } from '../helpers/fixtures';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

type Json = Record<string, unknown>;

const PROBES = [
  { alertname: 'BlackboxProbeFailed', instance: 'https://checkout.example.net/health' },
  { alertname: 'KubePodCrashLooping', namespace: 'payments', pod: 'pay-1' },
  { alertname: 'SearchLatencyHigh' },
  { alertname: 'HostDown', instance: 'web-1:9100' },
  { alertname: 'CatalogPricesStale', region: 'eu' },
  { alertname: 'NobodyKnowsThis' },
];
const probeBody = JSON.stringify({ version: '4', alerts: PROBES.map((labels) => ({ status: 'firing', labels, startsAt: '2025-03-18T09:00:00Z' })) });

/** The steady stream: the same firing alerts again and again, each delivery with a new annotation. */
const streamBody = (seq: number): string =>
  JSON.stringify({ version: '4', alerts: PROBES.map((labels) => ({ status: 'firing', labels, annotations: { seq: String(seq) }, startsAt: '2025-03-18T09:00:00Z' })) });

/** Four ways a rule file is broken while someone edits it. */
const invalidVariants = (valid: string): string[] => [
  `${valid}\n  - name: oops\n    matchers: ["alertname=\\"X\\""\n`,
  valid.replace('owner: team-shop', 'owner: team-shop\nownr: typo'),
  valid.replace('alertname="BlackboxProbeFailed"', 'alertname=~"(Blackbox+)+"'),
  valid.slice(0, valid.indexOf('Checkout is unreachable') + 10),
];

describe('hot reload under a steady stream of webhooks', () => {
  let t: TestApp;
  let rulesDir: string;
  beforeEach(async () => {
    rulesDir = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-reload-'));
    cpSync(path.join(RULES_DIR, 'online-shop.yaml'), path.join(rulesDir, 'online-shop.yaml'));
    cpSync(path.join(RULES_DIR, 'shop-infrastructure.yaml'), path.join(rulesDir, 'shop-infrastructure.yaml'));
    t = await startTestApp({ rulesDir, watchRules: true });
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  const classifyProbes = async (): Promise<string[]> => {
    const res = await t.request('POST', '/api/v1/explain?source=alertmanager', probeBody);
    expect(res.status).toBe(200);
    return (res.json.alerts as { classification: Json }[]).map((a) => `${a.classification.incidentKey} ${a.classification.priority}`);
  };
  const reloads = async (): Promise<{ ok: boolean; reloads: number }> => (await t.get('/api/v1/rules')).json as { ok: boolean; reloads: number };
  /** Polls (at most 2 s, the acceptance bound) until `done` holds; returns the time it took. */
  const within2s = async (done: () => Promise<boolean>): Promise<number> => {
    const started = Date.now();
    while (!(await done())) {
      if (Date.now() - started > 2000) throw new Error('not within 2 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return Date.now() - started;
  };

  test('50 invalid and 50 valid reloads: no request fails, invalid ones change nothing, valid ones apply within 2 s, no duplicate incident', async () => {
    const file = path.join(rulesDir, 'online-shop.yaml');
    const original = readFileSync(file, 'utf8');
    const variants = [original, original.replace('    category: software\n    title: "Checkout is unreachable', '    category: software\n    priority: P2\n    title: "Checkout is unreachable')];
    expect(variants[1]).not.toBe(original);

    let streaming = true;
    const statuses: number[] = [];
    const stream = (async () => {
      for (let seq = 0; streaming; seq++) statuses.push((await t.post('alertmanager', streamBody(seq))).status);
    })();

    let inForce = await classifyProbes();
    expect(inForce[0]).toBe('online-shop/checkout-available P1');
    for (let i = 0; i < 50; i++) {
      const before = await reloads();
      writeFileSync(file, invalidVariants(variants[i % 2] as string)[i % 4] as string);
      await within2s(async () => (await reloads()).reloads > before.reloads);
      expect((await reloads()).ok).toBe(false);
      expect(await classifyProbes()).toEqual(inForce);

      const next = variants[(i + 1) % 2] as string;
      if (i % 2 === 0) {
        // An editor's atomic save: write a temporary file, rename it over the rule file.
        writeFileSync(path.join(rulesDir, '.online-shop.yaml.tmp'), next);
        renameSync(path.join(rulesDir, '.online-shop.yaml.tmp'), file);
      } else {
        writeFileSync(file, next);
      }
      const expected = `online-shop/checkout-available ${i % 2 === 0 ? 'P2' : 'P1'}`;
      await within2s(async () => (await classifyProbes())[0] === expected && (await reloads()).ok);
      inForce = await classifyProbes();
    }
    streaming = false;
    await stream;

    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const incidents = (await t.get('/api/v1/incidents?limit=1000')).json.incidents as Json[];
    expect(incidents.map((i) => i.key).sort()).toEqual([...new Set(incidents.map((i) => i.key))].sort());
    expect(incidents).toHaveLength(PROBES.length);
    expect(incidents.every((i) => i.alertCount === 1 && i.status === 'open')).toBe(true);
  }, 120_000);

  test('a deleted rules directory keeps the rules in force; recreating it reloads', async () => {
    const infrastructure = readFileSync(path.join(rulesDir, 'shop-infrastructure.yaml'), 'utf8');
    const inForce = await classifyProbes();
    const before = await reloads();
    rmSync(rulesDir, { recursive: true, force: true });
    await within2s(async () => (await reloads()).reloads > before.reloads);
    expect((await t.get('/api/v1/rules')).json).toMatchObject({ ok: false, errors: [{ file: rulesDir, message: expect.stringContaining('cannot read rules directory') as string }] });
    expect(await classifyProbes()).toEqual(inForce);
    expect((await t.post('alertmanager', streamBody(1))).status).toBe(200);

    cpSync(path.join(RULES_DIR, 'online-shop.yaml'), path.join(rulesDir, 'online-shop.yaml'));
    writeFileSync(path.join(rulesDir, 'shop-infrastructure.yaml'), infrastructure);
    await within2s(async () => (await reloads()).ok);
    expect(await classifyProbes()).toEqual(inForce);
  });
});
