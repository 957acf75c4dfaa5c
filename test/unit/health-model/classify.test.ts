import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classify } from '../../../src/health-model/classify';
import { describeIncident } from '../../../src/incidents/describe-incident';
import { AlertmanagerSource } from '../../../src/sources/alertmanager';
import { fixture } from '../../helpers/fixtures';
import { exampleRuleSet } from '../../helpers/rules';

const ruleSet = exampleRuleSet();
const am = new AlertmanagerSource();
const labels = (l: Record<string, string>) => ({ labels: Object.assign(Object.create(null) as Record<string, string>, l) });

describe('classify with the example health models', () => {
  test.each([
    [{ alertname: 'BlackboxProbeFailed', instance: 'https://checkout.example.net/health' }, 'online-shop/checkout-available', 'full_outage', 'software'],
    [{ alertname: 'BlackboxProbeFailed', instance: 'https://api.example.net/healthz' }, 'online-shop/storefront-available', 'full_outage', 'software'],
    [{ alertname: 'BlackboxProbeFailed', instance: 'https://id.example.net/.well-known/openid-configuration' }, 'shop-infrastructure/endpoint-probes', 'partial_outage', 'infrastructure'],
    [{ alertname: 'KubePodCrashLooping', namespace: 'payments' }, 'online-shop/payments-workloads', 'partial_outage', 'software'],
    [{ alertname: 'KubePodCrashLooping', namespace: 'checkout' }, 'online-shop/checkout-workloads', 'partial_outage', 'software'],
    [{ alertname: 'PriceFeedImportFailed', supplier: 'acme' }, 'online-shop/price-feed-integration', 'defect', 'integration'],
    [{ alertname: 'CatalogPricesStale', region: 'eu' }, 'online-shop/catalogue-prices-fresh', 'defect', 'content'],
    [{ alertname: 'PostgresReplicationLagHigh', database: 'orders' }, 'shop-infrastructure/database-replication', 'defect', 'infrastructure'],
    [{ alertname: 'HostHighCpuLoad', instance: 'db-03:9100' }, 'shop-infrastructure/host-resources', 'defect', 'infrastructure'],
  ])('%j -> %s', (l, metric, impact, category) => {
    const c = classify(labels(l), ruleSet);
    expect(`${c.metric.healthModel.name}/${c.metric.name}`).toBe(metric);
    expect(c.metric.impact).toBe(impact);
    expect(c.metric.category).toBe(category);
    expect(c.matched).toBe(true);
  });

  test('first match wins: a checkout probe is the business metric, not the generic probe metric', () => {
    const c = classify(labels({ alertname: 'BlackboxProbeFailed', instance: 'https://checkout.example.net/health' }), ruleSet);
    expect(c.metric.name).toBe('checkout-available');
    expect(ruleSet.metrics.findIndex((m) => m.name === 'checkout-available')).toBeLessThan(ruleSet.metrics.findIndex((m) => m.name === 'endpoint-probes'));
  });

  test('an alert no health model claims goes to the fallback, grouped by alertname, P4', () => {
    const c = classify(labels({ alertname: 'Watchdog' }), ruleSet);
    expect(c.matched).toBe(false);
    expect(c.metric.healthModel.name).toBe('unclassified');
    expect(c.metric.priority).toBe('P4');
    expect(c.incidentKey).toBe('unclassified/unclassified{alertname="Watchdog"}');
  });

  test('a monitoring gap is not a business outage unless a metric claims it by its label', () => {
    const noData = classify(labels({ alertname: 'DatasourceNoData', rulename: 'Checkout error rate', monitoring_gap: 'nodata' }), ruleSet);
    expect(noData.metric.healthModel.name).toBe('monitoring');
    expect(noData.metric.name).toBe('monitoring-gap');
    expect(noData.incidentKey).toBe('monitoring/monitoring-gap{alertname="DatasourceNoData", rulename="Checkout error rate"}');
    // The original alert name would match checkout-success-rate; the gap label keeps it out.
    const asAlerting = classify(labels({ alertname: 'CheckoutErrorRateHigh', monitoring_gap: 'error' }), ruleSet);
    expect(asAlerting.metric.name).toBe('monitoring-gap');
    expect(asAlerting.matched).toBe(false);
  });

  test('a rule that matches on monitoring_gap takes such alerts', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-rules-'));
    writeFileSync(
      path.join(dir, 'shop.yaml'),
      'name: shop\nowner: t\ncriticality: high\nmetrics:\n  - name: checkout-blind\n    matchers: [\'alertname="CheckoutErrorRateHigh"\', \'monitoring_gap=~".+"\']\n    impact: partial_outage\n    category: software\n',
    );
    const own = exampleRuleSet(dir);
    expect(classify(labels({ alertname: 'CheckoutErrorRateHigh', monitoring_gap: 'nodata' }), own).metric.name).toBe('checkout-blind');
    expect(classify(labels({ alertname: 'Other', monitoring_gap: 'nodata' }), own).metric.name).toBe('monitoring-gap');
    rmSync(dir, { recursive: true });
  });

  test('the key holds the metric and its groupBy values only', () => {
    const a = classify(labels({ alertname: 'HostHighCpuLoad', instance: 'db-03:9100', pod: 'x' }), ruleSet);
    const b = classify(labels({ alertname: 'HostOutOfMemory', instance: 'db-03:9100' }), ruleSet);
    const c = classify(labels({ alertname: 'HostHighCpuLoad', instance: 'db-04:9100' }), ruleSet);
    expect(a.incidentKey).toBe('shop-infrastructure/host-resources{instance="db-03:9100"}');
    expect(b.incidentKey).toBe(a.incidentKey);
    expect(c.incidentKey).not.toBe(a.incidentKey);
    const pods = am.parse(fixture('alertmanager/am-02-firing-grouped.json')).filter((x) => x.labels.namespace === 'payments');
    expect(new Set(pods.map((p) => classify(p, ruleSet).incidentKey))).toEqual(new Set(['online-shop/payments-workloads']));
  });

  test('templates render labels and annotations, and survive missing values', () => {
    const [alert] = am.parse(fixture('alertmanager/am-01-firing-single.json'));
    const text = describeIncident('alertmanager', alert!, classify(alert!, ruleSet).metric);
    expect(text.title).toBe('Host CPU load is high on db-03.prod-eu1.example.net:9100');
    expect(text.runbookUrl).toBe('https://runbooks.example.net/node/HostHighCpuLoad');
    const feed = classify(labels({ alertname: 'PriceFeedUnreachable' }), ruleSet);
    const bare = { fingerprint: 'f', status: 'firing' as const, labels: labels({ alertname: 'PriceFeedUnreachable' }).labels, annotations: {}, startsAt: 0, endsAt: null, generatorURL: null };
    expect(describeIncident('alertmanager', bare, feed.metric)).toEqual({
      title: 'Supplier price feed import fails (all suppliers)',
      summary: '',
      runbookUrl: 'https://runbooks.example.net/shop/price-feed',
    });
  });
});
