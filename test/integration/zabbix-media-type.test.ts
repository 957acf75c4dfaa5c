import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO_DIR, fixture } from '../helpers/fixtures';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

// Runs the media type's script in Zabbix's own scripting engine (Duktape with HttpRequest):
// `zabbix_js` ships in the Debian package zabbix-server-pgsql (or zabbix-server-mysql).
const ZABBIX_JS = process.env.ZABBIX_JS ?? 'zabbix_js';
const MEDIA_TYPE_FILE = path.join(REPO_DIR, 'deploy/zabbix/incident-bridge-media-type.yaml');
const TOKEN = 'zabbix-test-token';

interface MediaType {
  name: string;
  type: string;
  parameters: { name: string; value?: string }[];
  script: string;
  process_tags?: string;
}

function loadMediaType(): MediaType {
  const doc = parseYaml(readFileSync(MEDIA_TYPE_FILE, 'utf8')) as { zabbix_export: { version: string; media_types: MediaType[] } };
  expect(doc.zabbix_export.version).toBe('6.0');
  return doc.zabbix_export.media_types[0]!;
}

/**
 * The `value` Zabbix hands the script: every parameter with its macros expanded. Macros resolve
 * from the fixture (its keys are the parameter names); the ones it does not know stay literal, as
 * Zabbix leaves a macro that does not apply or a user macro that is not defined.
 */
function expandParameters(media: MediaType, event: Record<string, unknown>, url: string): string {
  const macros = new Map<string, string>();
  for (const p of media.parameters) {
    const value = p.value ?? '';
    if (/^\{[^{}]+\}$/.test(value) && Object.hasOwn(event, p.name)) {
      const v = event[p.name];
      macros.set(value, typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
  const params: Record<string, string> = {};
  for (const p of media.parameters) params[p.name] = (p.value ?? '').replace(/\{[^{}]+\}/g, (m) => macros.get(m) ?? m);
  params.url = url;
  params.token = TOKEN;
  return JSON.stringify(params);
}

/** Runs the script once; zabbix_js prints the return value, or the error it threw, on stdout. */
function runScript(scriptFile: string, value: string, dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const input = path.join(dir, `value-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(input, value);
  return new Promise((resolve) => {
    // Asynchronous on purpose: the daemon answering the script runs in this same process.
    execFile(ZABBIX_JS, ['-s', scriptFile, '-i', input, '-t', '10'], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

describe('Zabbix webhook media type, run by zabbix_js', () => {
  let app: TestApp;
  let dir: string;
  let media: MediaType;
  let scriptFile: string;

  beforeAll(() => {
    const probe = spawnSync(ZABBIX_JS, ['-V'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error(`${ZABBIX_JS} is not available (${probe.error?.message ?? `exit ${probe.status}`}): install the Debian package zabbix-server-pgsql, which provides /usr/bin/zabbix_js`);
    }
  });

  beforeEach(async () => {
    media = loadMediaType();
    dir = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-zabbix-'));
    scriptFile = path.join(dir, 'media-type.js');
    writeFileSync(scriptFile, media.script);
    app = await startTestApp({
      configYaml: `
listen: 127.0.0.1:0
sources:
  - name: zabbix
    type: zabbix
    auth:
      type: bearer
      token: ${TOKEN}
`,
    });
  });

  afterEach(async () => {
    await app?.stop();
    app?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const deliver = (name: string, url = `${app.url}/webhooks/zabbix`) => runScript(scriptFile, expandParameters(media, fixture(`zabbix/${name}.json`), url), dir);

  test('the export is a webhook whose parameters cover every field of the body', () => {
    expect(media.type).toBe('WEBHOOK');
    expect(media.process_tags).toBe('YES');
    const names = media.parameters.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['url', 'token']));
    expect(media.parameters.find((p) => p.name === 'url')?.value).toBe('{ALERT.SENDTO}');
    for (const key of Object.keys(fixture('zabbix/zbx-01-problem.json'))) expect(names).toContain(key);
  });

  test('problem, update, recovery: one incident, the update on its timeline, resolved', async () => {
    const problem = await deliver('zbx-01-problem');
    expect(problem).toMatchObject({ code: 0 });
    const list = await app.get('/api/v1/incidents');
    const incidents = list.json.incidents as { id: number; status: string }[];
    expect(incidents).toHaveLength(1);
    const id = incidents[0]!.id;
    expect(JSON.parse(problem.stdout)).toEqual({ tags: { __zbx_incident_id: String(id), __zbx_incident_url: `${app.url}/api/v1/incidents/${id}` } });

    const update = await deliver('zbx-02-update-acknowledge');
    expect(update).toMatchObject({ code: 0, stdout: '{"tags":{}}' });
    const recovery = await deliver('zbx-04-recovery');
    expect(recovery.code).toBe(0);

    const detail = (await app.get(`/api/v1/incidents/${id}`)).json as {
      status: string;
      alertCount: number;
      deliveryCount: number;
      alerts: { labels: Record<string, string> }[];
      timeline: { event: string; detail: Record<string, unknown> }[];
    };
    expect(detail).toMatchObject({ status: 'resolved', alertCount: 1, deliveryCount: 3 });
    // The script parsed {EVENT.TAGSJSON}: the tags arrived as labels.
    expect(detail.alerts[0]!.labels).toMatchObject({ service: 'orders,billing', team: 'dba', zabbix_event_id: '48213377' });
    expect(detail.timeline.map((t) => t.event)).toEqual(['opened', 'source_update', 'alert_resolved', 'resolved']);
    expect(detail.timeline[1]!.detail).toMatchObject({ action: 'acknowledged and commented', user: 'Иван Петров (ipetrov)', updatedAt: '2025-03-18T09:25:08.000Z' });
    expect((await app.get('/api/v1/incidents')).json.incidents).toHaveLength(1);
  });

  test('a refused delivery makes the script fail, so that Zabbix retries it', async () => {
    const wrongToken = await runScript(
      scriptFile,
      expandParameters(media, fixture('zabbix/zbx-01-problem.json'), `${app.url}/webhooks/zabbix`).replace(TOKEN, 'wrong'),
      dir,
    );
    expect(wrongToken.code).not.toBe(0);
    expect(wrongToken.stdout).toContain('incident-bridge delivery failed: HTTP 401');
    const unknownSource = await deliver('zbx-01-problem', `${app.url}/webhooks/nagios`);
    expect(unknownSource).toMatchObject({ code: 1, stdout: expect.stringContaining('HTTP 404') });
    expect((await app.get('/api/v1/incidents')).json.incidents).toEqual([]);
  });
});
