'use strict';

/*
 * Synthetic Alertmanager traffic for the incident-bridge benchmark.
 *
 * A fixed catalogue of alert series (one label set each, so one fingerprint each) spread over
 * two clusters and over the example health models in rules/: host resources, disks, hosts
 * down, probes, crash-looping pods, stale prices, replication lag, a few business alerts, and
 * alerts that no rule claims (the fallback). Together they map to a few hundred incident keys.
 *
 * Every series runs a small state machine (firing repeats, resolves, fires again), so the
 * daemon sees opens, attaches, repeats, resolves and reopens in a realistic mix. Every body is
 * distinct: each alert carries a `$value`-style reading that is unique per delivery, so no
 * webhook is ever a byte-identical replay.
 *
 * Like a single Alertmanager, which notifies one group at a time, a series changes state only
 * once the server has answered the last webhook that carried it: while one is in flight the
 * series is sent again in the same state (a repeat, harmless in any order). `reorder: true`
 * lifts this, so that concurrent webhooks may carry successive states of one alert and arrive
 * in either order, as they can from an Alertmanager HA pair or after retries.
 */

const CLUSTERS = ['prod-eu1', 'prod-us1'];
const HOSTS_PER_CLUSTER = 60;
const MOUNTPOINTS = ['/', '/var', '/data', '/var/lib/postgresql'];
const UNCLASSIFIED_ALERTS = [
  'KafkaConsumerLagHigh',
  'RedisMemoryHigh',
  'CertificateExpiringSoon',
  'RabbitmqQueueTooLong',
  'NginxHighHttp5xxRate',
  'ElasticsearchHeapUsageHigh',
  'JvmGcPauseLong',
  'CronJobFailed',
  'ContainerOomKilled',
  'DnsResolutionSlow',
  'NtpClockSkew',
  'BackupTooOld',
];

/** Deterministic PRNG (mulberry32), so two runs with one seed send the same traffic. */
function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** Prometheus' label-set fingerprint (FNV-1a 64 over sorted names and values, 0xff separated). */
function fingerprint(labels) {
  let hash = FNV_OFFSET;
  const add = (byte) => {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK64;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const b of Buffer.from(name, 'utf8')) add(b);
    add(0xff);
    for (const b of Buffer.from(labels[name], 'utf8')) add(b);
    add(0xff);
  }
  return hash.toString(16).padStart(16, '0');
}

/** Labels as Alertmanager marshals them: keys in name order. */
function sortedLabels(labels) {
  const out = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k];
  return out;
}

function promUrl(cluster, expr) {
  return `https://prometheus.${cluster}.example.net/graph?g0.expr=${encodeURIComponent(expr).replace(/%20/g, '+')}&g0.tab=1`;
}

/**
 * One series: fixed labels plus what varies per delivery (the annotations, rendered from the
 * current reading). `describe(value)` returns the annotations for a reading.
 */
function series(cluster, labels, expr, describe) {
  const full = sortedLabels({ cluster, prometheus: 'monitoring/k8s', ...labels });
  return {
    cluster,
    labels: full,
    fingerprint: fingerprint(full),
    generatorURL: promUrl(cluster, expr),
    describe,
    // The current activation; startsAt 0 means never sent yet.
    firing: false,
    inflight: 0,
    startsAt: 0,
    endsAt: 0,
  };
}

/** The whole catalogue, grouped by cluster. */
function buildCatalogue() {
  const all = [];
  const runbook = (name) => `https://runbooks.example.net/node/${name}`;
  for (const cluster of CLUSTERS) {
    for (let h = 0; h < HOSTS_PER_CLUSTER; h++) {
      const role = h % 3 === 0 ? 'db' : h % 3 === 1 ? 'app' : 'web';
      const instance = `${role}-${String(h).padStart(2, '0')}.${cluster}.example.net:9100`;
      const team = role === 'db' ? 'dba' : 'platform';
      all.push(
        series(cluster, { alertname: 'HostHighCpuLoad', instance, job: 'node-exporter', severity: 'warning', team },
          '100 - (avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100) > 90',
          (v) => ({ description: `CPU load on ${instance} is ${v}% (5m average, threshold 90%).`, runbook_url: runbook('HostHighCpuLoad'), summary: 'Host CPU load is high' })),
        series(cluster, { alertname: 'HostOutOfMemory', instance, job: 'node-exporter', severity: 'warning', team },
          'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < 10',
          (v) => ({ description: `Node memory is filling up (< 10% left): ${v}% available on ${instance}.`, runbook_url: runbook('HostOutOfMemory'), summary: 'Host out of memory' })),
        series(cluster, { alertname: 'HostDown', instance, job: 'node-exporter', severity: 'critical', team },
          'up{job="node-exporter"} == 0',
          (v) => ({ description: `${instance} has not answered the node exporter scrape for ${v} s.`, summary: 'Host is down' })),
      );
      for (const mountpoint of MOUNTPOINTS) {
        all.push(series(cluster, { alertname: 'HostOutOfDiskSpace', device: mountpoint === '/' ? '/dev/vda1' : '/dev/vdb1', fstype: 'ext4', instance, job: 'node-exporter', mountpoint, severity: 'warning', team },
          '(node_filesystem_avail_bytes * 100) / node_filesystem_size_bytes < 10',
          (v) => ({ description: `Disk ${mountpoint} on ${instance} is almost full: ${v}% left.`, runbook_url: runbook('HostOutOfDiskSpace'), summary: 'Host out of disk space' })));
      }
    }
    // Kubernetes workloads: payments and checkout match health-model rules; search and catalog do not.
    for (const namespace of ['payments', 'checkout', 'search', 'catalog']) {
      for (let p = 0; p < 20; p++) {
        const container = p % 2 === 0 ? 'api' : 'worker';
        const pod = `${namespace}-${container}-7d9f8b6c5d-${(p * 7919 + namespace.length * 31).toString(36).padStart(5, 'x').slice(-5)}`;
        all.push(series(cluster, { alertname: 'KubePodCrashLooping', container, endpoint: 'http', job: 'kube-state-metrics', namespace, pod, reason: 'CrashLoopBackOff', service: 'kube-prometheus-stack-kube-state-metrics', severity: 'warning' },
          'max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",reason="CrashLoopBackOff"}[5m]) >= 1',
          (v) => ({ description: `Pod ${namespace}/${pod} (${container}) is in waiting state (reason: "CrashLoopBackOff"), ${v} restarts.`, runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping', summary: 'Pod is crash looping.' })));
      }
    }
    for (let d = 0; d < 15; d++) {
      const database = `orders_${String(d).padStart(2, '0')}`;
      for (const replica of ['replica-a', 'replica-b']) {
        all.push(series(cluster, { alertname: 'PostgresqlReplicationLag', database, instance: `pg-${replica}.${cluster}.example.net:9187`, job: 'postgres-exporter', severity: 'warning' },
          'pg_replication_lag_seconds > 30',
          (v) => ({ description: `Replication lag of ${database} on ${replica} is ${v} s.`, summary: 'Postgres replication lag is high' })));
      }
    }
    for (let u = 0; u < UNCLASSIFIED_ALERTS.length; u++) {
      for (let i = 0; i < 5; i++) {
        const alertname = UNCLASSIFIED_ALERTS[u];
        all.push(series(cluster, { alertname, instance: `svc-${u}-${i}.${cluster}.example.net:8080`, job: 'misc', severity: i === 0 ? 'critical' : 'warning' },
          `${alertname.toLowerCase()}_value > 1`,
          (v) => ({ description: `${alertname} on svc-${u}-${i}: value ${v}.`, summary: alertname })));
      }
    }
  }
  // Probes, prices and business alerts come from the eu cluster's Prometheus.
  const eu = CLUSTERS[0];
  const probes = [];
  for (let s = 0; s < 40; s++) probes.push(`http://svc-${String(s).padStart(2, '0')}.internal.example.net:8080/healthz`);
  probes.push('https://checkout.example.net/health', 'https://checkout.example.net/api/cart', 'https://checkout.example.net/api/pay');
  probes.push('https://www.example.net/', 'https://api.example.net/v1/health', 'https://example.net/robots.txt');
  for (const instance of probes) {
    all.push(series(eu, { alertname: 'BlackboxProbeFailed', instance, job: 'blackbox', severity: 'critical' },
      'probe_success == 0',
      (v) => ({ description: `Probe of ${instance} failed for ${v} s.`, summary: 'Blackbox probe failed' })));
  }
  for (const region of ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south', 'ap-east']) {
    for (const shard of ['a', 'b', 'c']) {
      all.push(series(eu, { alertname: 'CatalogPricesStale', job: 'catalog-exporter', region, severity: 'critical', shard },
        'time() - catalog_prices_last_update_timestamp_seconds > 3600',
        (v) => ({ description: `Prices of region ${region} (shard ${shard}) were last updated ${v} s ago.`, summary: 'Catalogue prices are stale' })));
    }
  }
  const business = [
    ['CheckoutErrorRateHigh', { service: 'checkout-api' }, 'Checkout error rate above 5%'],
    ['CheckoutLatencyHigh', { service: 'checkout-api' }, 'Checkout p95 latency above 2 s'],
    ['PaymentProviderErrors', { provider: 'acme-pay' }, 'Payment provider returns errors'],
    ['PaymentProviderTimeouts', { provider: 'acme-pay' }, 'Payment provider times out'],
    ['SearchLatencyHigh', { service: 'search-api' }, 'Search p95 latency above 500 ms'],
    ['PriceFeedImportFailed', { supplier: 'north-wholesale' }, 'Price feed import failed'],
    ['PriceFeedImportFailed', { supplier: 'south-distribution' }, 'Price feed import failed'],
  ];
  for (const [alertname, extra, summary] of business) {
    all.push(series(eu, { alertname, job: 'shop', severity: 'critical', ...extra },
      `${alertname.toLowerCase()} > 0`,
      (v) => ({ description: `${summary}: current value ${v}.`, summary })));
  }
  const byCluster = new Map(CLUSTERS.map((c) => [c, all.filter((s) => s.cluster === c)]));
  return { all, byCluster };
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Traffic generator. `next(batch)` returns the alerts of one notification: `batch` distinct
 * series of one cluster, each advanced one step in its state machine. Bodies are built from
 * those alerts by `webhookBody` (Alertmanager's webhook) or `apiBody` (Alertmanager's own
 * POST /api/v2/alerts).
 */
function createTraffic(options = {}) {
  const random = prng(options.seed ?? 42);
  const reorder = options.reorder === true;
  const { all, byCluster } = buildCatalogue();
  const clusters = [...byCluster.keys()];
  let seq = 0;
  let lastMs = 0;
  const stats = { alerts: 0, firing: 0, resolved: 0 };

  /** Strictly increasing "now", so that every new activation is newer than the last. */
  function now() {
    lastMs = Math.max(Date.now(), lastMs + 1);
    return lastMs;
  }

  /** A reading unique to this delivery: the sequence number hides in the low digits. */
  function reading() {
    seq += 1;
    return (90 + (seq % 1000) / 100 + seq * 1e-9).toFixed(9);
  }

  function step(s) {
    const r = random();
    const t = now();
    if (s.inflight > 0 && !reorder) {
      // Still in flight: send the same state again.
    } else if (s.firing) {
      // Firing: 60% still firing (a repeat, new reading), 40% resolved now.
      if (r >= 0.6) {
        s.firing = false;
        s.endsAt = t;
      }
    } else if (s.startsAt === 0 || r < 0.85) {
      // Never seen or resolved: 85% fires again (a new activation), else the resolve is re-sent.
      s.firing = true;
      s.startsAt = t - Math.floor(random() * 30_000);
      if (s.startsAt <= s.endsAt) s.startsAt = s.endsAt + 1;
      s.endsAt = 0;
    }
    s.inflight += 1;
    stats.alerts += 1;
    if (s.firing) stats.firing += 1;
    else stats.resolved += 1;
    return {
      series: s,
      status: s.firing ? 'firing' : 'resolved',
      annotations: s.describe(reading()),
      startsAt: s.startsAt,
      endsAt: s.firing ? 0 : s.endsAt,
      sentAt: t,
    };
  }

  function next(batch) {
    const cluster = clusters[Math.floor(random() * clusters.length)];
    const pool = byCluster.get(cluster);
    if (batch > pool.length) throw new Error(`a batch of ${batch} alerts exceeds the ${pool.length} series of ${cluster}`);
    // A run of distinct series from a random start: one Alertmanager group (grouped by cluster).
    const start = Math.floor(random() * pool.length);
    const alerts = [];
    for (let i = 0; i < batch; i++) alerts.push(step(pool[(start + i) % pool.length]));
    return { cluster, alerts };
  }

  /** The server answered (or will never answer) the webhook that carried `notification`. */
  function done(notification) {
    for (const a of notification.alerts) a.series.inflight = Math.max(0, a.series.inflight - 1);
  }

  /** Forgets every webhook still in flight (after a load phase ended). */
  function releaseAll() {
    for (const s of all) s.inflight = 0;
  }

  return { next, done, releaseAll, stats, seriesCount: all.length };
}

function common(maps) {
  const out = {};
  const [first, ...rest] = maps;
  for (const k of Object.keys(first)) {
    if (rest.every((m) => m[k] === first[k])) out[k] = first[k];
  }
  return out;
}

const iso = (ms) => new Date(ms).toISOString();

/**
 * The webhook body (version 4) Alertmanager posts for one notification: compact JSON ending in a
 * newline, fields in Alertmanager's order. One-alert notifications are grouped by alertname and
 * cluster (as in the fixtures), larger ones by cluster.
 */
function webhookBody(notification) {
  const { cluster, alerts } = notification;
  const groupLabels = alerts.length === 1 ? { alertname: alerts[0].series.labels.alertname, cluster } : { cluster };
  const groupKey = `{}:{${Object.keys(groupLabels).map((k) => `${k}=${JSON.stringify(groupLabels[k])}`).join(', ')}}`;
  const body = {
    receiver: 'incident-bridge',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: a.series.labels,
      annotations: a.annotations,
      startsAt: iso(a.startsAt),
      endsAt: a.endsAt ? iso(a.endsAt) : GO_ZERO_TIME,
      generatorURL: a.series.generatorURL,
      fingerprint: a.series.fingerprint,
    })),
    groupLabels,
    commonLabels: common(alerts.map((a) => a.series.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: `https://alertmanager.${cluster}.example.net`,
    version: '4',
    groupKey,
    truncatedAlerts: 0,
  };
  return `${JSON.stringify(body)}\n`;
}

/**
 * The same alerts as Prometheus posts them to Alertmanager (POST /api/v2/alerts): firing alerts
 * carry an endsAt a few evaluation intervals ahead, resolved ones the time they ended.
 */
function apiBody(notification) {
  return JSON.stringify(
    notification.alerts.map((a) => ({
      labels: a.series.labels,
      annotations: a.annotations,
      startsAt: iso(a.startsAt),
      endsAt: iso(a.endsAt || a.sentAt + 4 * 60_000),
      generatorURL: a.series.generatorURL,
    })),
  );
}

module.exports = { createTraffic, webhookBody, apiBody, fingerprint, buildCatalogue, prng };
