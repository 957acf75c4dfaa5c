// The ingest engine alone, in process: parse, classify and commit the same webhooks through
// createPipeline on a SQLite file, without HTTP, and print the CPU time per alert. Usage:
//   npm run build && node bench/engine.js [REPO] [alertsPerWebhook] [webhooks]
// REPO defaults to this repository; give another checkout's folder (built) to compare two commits.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const repo = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
const per = Number(process.argv[3] ?? 1);
const total = Number(process.argv[4] ?? 20000);
const { loadConfig } = require(path.join(repo, 'dist/config/load-config.js'));
const { loadRuleSet, ruleLoadOptions } = require(path.join(repo, 'dist/health-model/load-rules.js'));
const { createPipeline } = require(path.join(repo, 'dist/incidents/pipeline.js'));
const loaded = loadConfig(path.join(repo, 'config/incident-bridge.yaml'), {}, {});
let now = Date.parse('2026-05-04T10:00:00Z');
const clock = { now: () => new Date(now) };
const { ruleSet } = loadRuleSet(ruleLoadOptions(loaded.config, loaded.file, loaded.rulesDir, clock));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eb-'));
const p = createPipeline({ ruleSet, clock, file: path.join(dir, 's.db'), policy: { reopenWindowMs: 600000 } });
const names = ['HostHighCpuLoad', 'BlackboxProbeFailed', 'KubePodCrashLooping', 'CheckoutErrorRateHigh'];
function body(i) {
  const alerts = [];
  for (let j = 0; j < per; j++) {
    const k = (i * per + j) % 5000;
    alerts.push({ status: (Math.floor((i * per + j) / 5000) % 2) ? 'resolved' : 'firing', labels: { alertname: names[k % 4], instance: `host-${k}:9100`, namespace: 'payments' }, annotations: {}, startsAt: '2026-05-04T09:00:00Z', endsAt: (Math.floor((i * per + j) / 5000) % 2) ? '2026-05-04T09:30:00Z' : '0001-01-01T00:00:00Z' });
  }
  return { version: '4', status: 'firing', alerts, receiver: 'x', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am', groupKey: `g${i}` };
}
(async () => {
  const conc = 64;
  // warm-up
  for (let i = 0; i < 2000 / per; i += conc) await Promise.all(Array.from({ length: conc }, (_, j) => p.push(body(100000 + i + j), { name: 'alertmanager', type: 'alertmanager' })));
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < total; i += conc) {
    now += 1000;
    await Promise.all(Array.from({ length: conc }, (_, j) => p.push(body(i + j), { name: 'alertmanager', type: 'alertmanager' })));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  console.log(JSON.stringify({ repo: path.basename(repo), per, webhooks: total, alertsPerSec: Math.round((total * per) / (ms / 1000)), cpuUsPerAlert: +(((cpu.user + cpu.system) / (total * per))).toFixed(2) }));
  await p.close();
  fs.rmSync(dir, { recursive: true, force: true });
})();
