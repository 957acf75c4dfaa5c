import { explainAlerts } from '../../../src/incidents/explain';
import { createSource } from '../../../src/sources/index';
import { amBody, createEngine } from '../../helpers/engine';
import { exampleRuleSet } from '../../helpers/rules';

type Alert = Parameters<typeof amBody>[0][number];
const T0 = '2025-03-18T09:00:00Z';
const probe = (instance: string, extra: Partial<Alert> = {}): Alert => ({ labels: { alertname: 'BlackboxProbeFailed', instance }, startsAt: T0, ...extra });

describe('explain', () => {
  let engine: ReturnType<typeof createEngine>;
  const ruleSet = exampleRuleSet();
  beforeEach(() => {
    engine = createEngine();
  });
  afterEach(() => engine.close());

  const explain = (alerts: Alert[]) => {
    const parsed = createSource('alertmanager').parse(amBody(alerts));
    return explainAlerts('alertmanager', parsed, ruleSet, engine.readModel, { reopenWindowMs: 600_000, nowMs: engine.clock.now().getTime() });
  };

  test('a match: the first metric whose matchers all hold, with what ingest would do', async () => {
    const [e] = await explain([probe('https://checkout.example.net/health')]);
    expect(e!.tried).toEqual([
      {
        healthModel: 'online-shop',
        metric: 'checkout-available',
        file: expect.stringMatching(/rules\/online-shop\.yaml$/) as string,
        line: 16,
        matched: true,
        skipped: null,
        matchers: [
          { matcher: 'alertname="BlackboxProbeFailed"', matched: true, actual: 'BlackboxProbeFailed' },
          { matcher: 'instance=~"https?://checkout\\.example\\.net/.*"', matched: true, actual: 'https://checkout.example.net/health' },
        ],
      },
    ]);
    expect(e!.classification).toEqual({
      healthModel: 'online-shop',
      metric: 'checkout-available',
      by: 'rule',
      impact: 'full_outage',
      category: 'software',
      priority: 'P1',
      incidentKey: 'online-shop/checkout-available',
      groupLabels: {},
      title: 'Checkout is unreachable (https://checkout.example.net/health)',
    });
    expect(e!.decision).toEqual({ alert: 'activate', action: 'open', incidentId: null, reason: 'opens a new incident' });
  });

  test('no match: each metric tried before the one that claims the alert says which matcher failed', async () => {
    const [e] = await explain([{ labels: { alertname: 'KubePodCrashLooping', namespace: 'payments' }, startsAt: T0 }]);
    expect(e!.tried.map((t) => [t.metric, t.matched, t.matchers.filter((m) => !m.matched).map((m) => `${m.matcher} saw ${m.actual}`)])).toEqual([
      ['checkout-available', false, ['alertname="BlackboxProbeFailed" saw KubePodCrashLooping', 'instance=~"https?://checkout\\.example\\.net/.*" saw null']],
      ['checkout-success-rate', false, ['alertname=~"CheckoutErrorRateHigh|CheckoutSuccessRateLow|CheckoutLatencyHigh" saw KubePodCrashLooping']],
      ['checkout-workloads', false, ['namespace="checkout" saw payments']],
      ['payments-authorization', false, ['alertname=~"PaymentAuthorizationRateLow|PaymentProviderErrors|PaymentProviderTimeouts" saw KubePodCrashLooping']],
      ['payments-workloads', true, []],
    ]);
  });

  test('the fallback: every metric tried, none matched', async () => {
    const [e] = await explain([{ labels: { alertname: 'Mystery' }, startsAt: T0 }]);
    expect(e!.tried).toHaveLength(ruleSet.metrics.length);
    expect(e!.tried.every((t) => !t.matched)).toBe(true);
    expect(e!.classification).toMatchObject({ healthModel: 'unclassified', metric: 'unclassified', by: 'fallback', priority: 'P4', incidentKey: 'unclassified/unclassified{alertname="Mystery"}' });
  });

  test('a monitoring gap skips the metrics that do not match on monitoring_gap', async () => {
    const [e] = await explain([{ labels: { alertname: 'DatasourceNoData', monitoring_gap: 'nodata', rulename: 'r' }, startsAt: T0 }]);
    expect(e!.tried.every((t) => t.skipped === 'monitoring_gap')).toBe(true);
    expect(e!.classification).toMatchObject({ by: 'monitoring_gap', healthModel: 'monitoring', metric: 'monitoring-gap' });
  });

  test("attach: to the key's open incident, or to the one an earlier alert of the same payload opens", async () => {
    const [first, second] = await explain([probe('https://checkout.example.net/a'), probe('https://checkout.example.net/b')]);
    expect([first!.decision.action, second!.decision.action]).toEqual(['open', 'attach']);
    expect(second!.decision.reason).toBe('attaches to the incident an earlier alert of this payload opens');
    await engine.push(amBody([probe('https://checkout.example.net/a')]));
    const [later] = await explain([probe('https://checkout.example.net/b')]);
    expect(later!.decision).toEqual({ alert: 'activate', action: 'attach', incidentId: 1, reason: 'attaches to incident 1, open' });
  });

  test('repeat, stale and record', async () => {
    await engine.push(amBody([probe('https://checkout.example.net/a', { startsAt: '2025-03-18T09:05:00Z' })]));
    const [repeat] = await explain([probe('https://checkout.example.net/a', { startsAt: '2025-03-18T09:05:00Z' })]);
    const [stale] = await explain([probe('https://checkout.example.net/a', { startsAt: '2025-03-18T09:01:00Z' })]);
    const [record] = await explain([probe('https://checkout.example.net/zzz', { status: 'resolved', endsAt: '2025-03-18T09:06:00Z' })]);
    expect(repeat!.decision).toMatchObject({ alert: 'repeat', action: 'repeat', incidentId: 1 });
    expect(stale!.decision).toMatchObject({ alert: 'stale', action: 'stale', incidentId: 1 });
    expect(record!.decision).toMatchObject({ alert: 'record', action: 'record', incidentId: null });
  });

  test('resolve, end of one alert among several, hold-down, and reopen', async () => {
    await engine.push(amBody([probe('https://checkout.example.net/a'), probe('https://checkout.example.net/b'), { labels: { alertname: 'SearchLatencyHigh' }, startsAt: T0 }]));
    const resolved = (a: Alert): Alert => ({ ...a, status: 'resolved', endsAt: '2025-03-18T09:10:00Z' });
    const [endOne] = await explain([resolved(probe('https://checkout.example.net/a'))]);
    expect(endOne!.decision).toEqual({ alert: 'resolve', action: 'end_alert', incidentId: 1, reason: 'ends the alert on incident 1, which stays open: 1 of its alerts still fires' });
    const [hold] = await explain([resolved({ labels: { alertname: 'SearchLatencyHigh' }, startsAt: T0 })]);
    expect(hold!.decision).toEqual({ alert: 'resolve', action: 'hold', incidentId: 2, reason: 'schedules incident 2 to resolve at 2025-03-18T09:05:00.000Z, after its hold-down' });

    await engine.push(amBody([resolved(probe('https://checkout.example.net/a'))]));
    const [last] = await explain([resolved(probe('https://checkout.example.net/b'))]);
    expect(last!.decision).toEqual({ alert: 'resolve', action: 'resolve', incidentId: 1, reason: 'resolves incident 1: none of its alerts fires any more' });
    await engine.push(amBody([resolved(probe('https://checkout.example.net/b'))]));

    const [reopen] = await explain([probe('https://checkout.example.net/a', { startsAt: '2025-03-18T09:15:00Z' })]);
    expect(reopen!.decision).toMatchObject({ alert: 'activate', action: 'reopen', incidentId: 1 });
    const [tooLate] = await explain([probe('https://checkout.example.net/a', { startsAt: '2025-03-18T09:30:00Z' })]);
    expect(tooLate!.decision.action).toBe('open');
  });

  test('explaining changes nothing in the store', async () => {
    await engine.push(amBody([probe('https://checkout.example.net/a')]));
    const before = await engine.incidents();
    await explain([probe('https://checkout.example.net/b'), { ...probe('https://checkout.example.net/a'), status: 'resolved', endsAt: '2025-03-18T09:10:00Z' }]);
    expect(await engine.incidents()).toEqual(before);
    expect(engine.db.prepare('SELECT COUNT(*) AS n FROM alerts').get()).toEqual({ n: 1 });
  });
});
