import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { REPO_DIR } from '../helpers/fixtures';
import { createWorkspace, freePort, startDaemon } from '../reliability/support/daemon';
import type { Daemon } from '../reliability/support/daemon';
import { postWebhook, request } from '../reliability/support/http-client';

/*
 * The console in headless Chromium (Debian's, driven by playwright-core) against the built daemon
 * (`node dist/main.js serve`, a child process) with people configured:
 * 1. `/` asks for a token; a wrong one is refused on the page; the responder's token opens the queue.
 * 2. A webhook's incident appears in the queue without a reload, within 2 s of its 200.
 * 3. It is acknowledged by keyboard (j, a), a second one by a click; the API agrees.
 * 4. The incident page (o) shows its clocks, alerts and timeline; the board and the report page open.
 * Any console error or failed request of the page fails the test; each page's screenshot is kept
 * in test-artifacts/console/.
 */

const SOURCE_TOKEN = 'console-e2e-source-token-77f1';
const ANNA_TOKEN = 'console-e2e-anna-token-0c4b9';
const ARTIFACTS = path.join(REPO_DIR, 'test-artifacts', 'console');
const LAUNCH = { executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] };

const extra = [
  'people:',
  '  - { name: anna, displayName: Anna Petrova, role: responder, token: "${CONSOLE_E2E_ANNA}" }',
  'sla:',
  '  policies:',
  '    - name: standard',
  '      calendar: 24x7',
  '      targets:',
  '        P1: { response: 15m, resolution: 4h }',
  '        P2: { response: 30m, resolution: 8h }',
  '        P3: { response: 4h, resolution: 3d }',
  '        P4: { response: 1d, resolution: 10d }',
  '  default: standard',
  'maintenance:',
  '  - { name: weekly-db, healthModels: [online-shop], timezone: Europe/Amsterdam, rrule: "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0", duration: 2h }',
].join('\n');

const probe = (instance: string) =>
  JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'incident-bridge',
    alerts: [{ status: 'firing', labels: { alertname: 'BlackboxProbeFailed', instance }, annotations: {}, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: '0001-01-01T00:00:00Z' }],
  });

test('the console: log in, see incidents arrive live, acknowledge by keyboard and by click, open an incident, the board and the report', async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const workspace = createWorkspace('console', extra);
  // The source needs a token too: with people, the daemon may not listen beyond loopback anyway.
  const config = workspace.configFile;
  writeFileSync(config, readFileSync(config, 'utf8').replace('  - { name: alertmanager, type: alertmanager }', `  - { name: alertmanager, type: alertmanager, auth: { type: bearer, token: ${JSON.stringify(SOURCE_TOKEN)} } }`));
  const port = await freePort();
  let daemon: Daemon | null = null;
  let browser: Browser | null = null;
  let passed = false;
  const problems: string[] = [];
  const api = async (pathAndQuery: string) => JSON.parse((await request(`${daemon!.url}${pathAndQuery}`, { method: 'GET', headers: { authorization: `Bearer ${ANNA_TOKEN}` } })).body.toString()) as Record<string, unknown>;
  const webhook = async (instance: string) => {
    const answer = await postWebhook(daemon!.url, 'alertmanager', probe(instance), { headers: { authorization: `Bearer ${SOURCE_TOKEN}` } });
    expect(answer.status).toBe(200);
    return (JSON.parse(answer.body.toString()) as { incidents: number[] }).incidents[0]!;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  try {
    daemon = startDaemon({ workspace, port, env: { CONSOLE_E2E_ANNA: ANNA_TOKEN } });
    await daemon.waitReady();
    const home = await fetch(`${daemon.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");

    browser = await chromium.launch(LAUNCH);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    page.on('requestfailed', (r) => {
      // The live stream is cut when the page navigates away or closes: that is not a failure.
      if (!r.url().endsWith('/api/v1/stream')) problems.push(`request: ${r.url()} ${r.failure()?.errorText ?? ''}`);
    });

    // 1. The token is asked for; a wrong one is refused.
    await page.goto(`${daemon.url}/`);
    await page.getByLabel('Your token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'This token is not known.' }).waitFor();
    // The page's own request answered 401: the browser logs it, it is expected here.
    problems.splice(0, problems.length);
    await shot(page, '1-login');
    await page.getByLabel('Your token').fill(ANNA_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Queue/ }).waitFor();
    await page.getByText('Nothing open. All quiet.').waitFor();
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor();

    // 2. A webhook's incident appears without a reload.
    const firstId = await webhook('https://checkout.example.net/health');
    const answeredAt = Date.now();
    const firstRow = page.locator(`tr[data-incident="${firstId}"]`);
    await firstRow.waitFor({ timeout: 5000 });
    const seenAfterMs = Date.now() - answeredAt;
    expect(seenAfterMs).toBeLessThan(2000);
    await shot(page, '2-queue-live');

    // 3. Acknowledged by keyboard: j moves to the first row, a acknowledges it.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await page.keyboard.press('a');
    await firstRow.getByText('acknowledged').waitFor();
    expect(await api(`/api/v1/incidents/${firstId}`)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'anna' });

    const secondId = await webhook('https://shop.example.net/');
    const secondRow = page.locator(`tr[data-incident="${secondId}"]`);
    await secondRow.waitFor({ timeout: 5000 });
    await secondRow.getByRole('button', { name: 'Acknowledge' }).click();
    await secondRow.getByText('acknowledged').waitFor();
    expect(await api(`/api/v1/incidents/${secondId}`)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'anna' });
    await shot(page, '3-queue-acknowledged');

    // 4. The incident page, opened by keyboard.
    await firstRow.focus();
    await page.keyboard.press('o');
    await page.waitForURL(`**/incidents/${firstId}`);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.getByText('acknowledged').first().waitFor();
    await page.getByRole('heading', { name: /Alerts/ }).waitFor();
    await shot(page, '4-incident');

    await page.getByRole('link', { name: 'Board' }).click();
    await page.getByRole('heading', { name: 'Board' }).waitFor();
    await page.locator('article.model').first().waitFor();
    await shot(page, '5-board');

    // Silences and the config's maintenance windows, with when the next one comes.
    await page.getByRole('link', { name: 'Silences' }).click();
    await page.getByRole('heading', { name: 'Maintenance windows' }).waitFor();
    const windowRow = page.locator('section[aria-labelledby="maintenance-title"] tbody tr');
    await windowRow.filter({ hasText: 'weekly-db' }).waitFor();
    expect(await windowRow.filter({ hasText: 'weekly-db' }).textContent()).toContain('FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0');
    await shot(page, '6-silences');

    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('table.report').waitFor();
    await shot(page, '7-reports');

    expect(problems).toEqual([]);
    passed = true;
  } finally {
    await browser?.close();
    if (daemon) await daemon.stop();
    workspace.cleanup(!passed);
  }
}, 90_000);
