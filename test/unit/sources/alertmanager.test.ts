import { readdirSync } from 'node:fs';
import path from 'node:path';
import { InvalidPayloadError } from '../../../src/core/errors';
import { AlertmanagerSource } from '../../../src/sources/alertmanager';
import { FIXTURES_DIR, fixture, fixtureText } from '../../helpers/fixtures';

const source = new AlertmanagerSource();

function parseError(body: unknown): { path: string; message: string }[] {
  try {
    source.parse(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError);
    return (error as InvalidPayloadError).detail as { path: string; message: string }[];
  }
  throw new Error('expected the payload to be rejected');
}

describe('AlertmanagerSource', () => {
  const files = readdirSync(path.join(FIXTURES_DIR, 'alertmanager')).filter((f) => f.endsWith('.json'));

  test.each(files)('parses every alert of %s', (file) => {
    const body = JSON.parse(fixtureText(`alertmanager/${file}`)) as { alerts: { status: string; fingerprint: string; labels: object; endsAt: string }[] };
    const alerts = source.parse(body);
    expect(alerts).toHaveLength(body.alerts.length);
    alerts.forEach((a, i) => {
      const raw = body.alerts[i]!;
      expect(a.fingerprint).toBe(raw.fingerprint);
      expect(a.status).toBe(raw.status);
      expect({ ...a.labels }).toEqual({ severity_level: expect.any(String), ...raw.labels });
      if (raw.endsAt.startsWith('0001-')) expect(a.endsAt).toBeNull();
      else expect(a.endsAt).toBe(Date.parse(raw.endsAt));
    });
  });

  test('reads am-03: two resolved alerts with their real endsAt', () => {
    const alerts = source.parse(fixture('alertmanager/am-03-mixed-firing-resolved.json'));
    const resolved = alerts.filter((a) => a.status === 'resolved');
    expect(resolved.map((a) => a.fingerprint).sort()).toEqual(['6685deaf24fd75c1', 'ab96405baa0e3937']);
    expect(resolved.find((a) => a.fingerprint === '6685deaf24fd75c1')?.endsAt).toBe(Date.parse('2025-03-18T09:58:35.118Z'));
    expect(alerts[0]?.annotations.summary).toContain('CrashLoopBackOff');
  });

  test.each([
    ['2025-03-18T09:14:27Z', Date.parse('2025-03-18T09:14:27Z')],
    ['2025-03-18T09:14:27.5Z', Date.parse('2025-03-18T09:14:27.500Z')],
    ['2025-03-18T09:14:27.123456789Z', Date.parse('2025-03-18T09:14:27.123Z')],
    ['2025-03-18T12:14:27.77+03:00', Date.parse('2025-03-18T09:14:27.770Z')],
  ])('accepts the timestamp %s', (startsAt, expected) => {
    const [alert] = source.parse({ alerts: [{ status: 'firing', labels: { alertname: 'A' }, startsAt }] });
    expect(alert?.startsAt).toBe(expected);
  });

  test('computes a missing fingerprint from the labels and tolerates absent optional fields', () => {
    const [alert] = source.parse({ alerts: [{ status: 'firing', labels: { alertname: 'alert1', lbl1: 'val1' }, startsAt: '2025-03-18T09:14:27Z', annotations: null, endsAt: null }] });
    expect(alert?.fingerprint).toBe('fac0861a85de433a');
    expect(alert?.generatorURL).toBeNull();
    expect(alert?.endsAt).toBeNull();
  });

  test('keeps __proto__ and constructor label names as data', () => {
    const body = JSON.parse('{"alerts":[{"status":"firing","labels":{"__proto__":"x","constructor":"y","alertname":"A"},"startsAt":"2025-03-18T09:14:27Z"}]}') as unknown;
    const [alert] = source.parse(body);
    expect(Object.keys(alert!.labels).sort()).toEqual(['__proto__', 'alertname', 'constructor', 'severity_level']);
    expect(alert!.labels['__proto__']).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test.each([
    ['a body that is not an object', [], '(body)'],
    ['missing alerts', { version: '4' }, 'alerts'],
    ['an unknown alert status', { alerts: [{ status: 'pending', labels: {}, startsAt: '2025-03-18T09:14:27Z' }] }, 'alerts[0].status'],
    ['a label that is a number', { alerts: [{ status: 'firing', labels: { code: 500 }, startsAt: '2025-03-18T09:14:27Z' }] }, 'alerts[0].labels.code'],
    ['labels as an array', { alerts: [{ status: 'firing', labels: ['a'], startsAt: '2025-03-18T09:14:27Z' }] }, 'alerts[0].labels'],
    ['a timestamp that is not RFC 3339', { alerts: [{ status: 'firing', labels: {}, startsAt: 'March 18' }] }, 'alerts[0].startsAt'],
    ['a bad fingerprint', { alerts: [{ status: 'firing', labels: {}, startsAt: '2025-03-18T09:14:27Z', fingerprint: 'xyz!' }] }, 'alerts[0].fingerprint'],
  ])('rejects %s naming the path', (_what, body, where) => {
    expect(parseError(body).map((i) => i.path)).toContain(where);
  });

  test.each([
    ['critical', 'critical'],
    ['warning', 'warning'],
    ['Page', 'critical'],
    ['none', 'none'],
    ['something-else', 'unknown'],
  ])('severity %s becomes severity_level %s', (severity, level) => {
    const [alert] = source.parse({ alerts: [{ status: 'firing', labels: { alertname: 'A', severity }, startsAt: '2025-03-18T09:14:27Z' }] });
    expect(alert?.labels.severity_level).toBe(level);
  });

  test('a severity_level the sender set is kept', () => {
    const [alert] = source.parse({ alerts: [{ status: 'firing', labels: { alertname: 'A', severity: 'critical', severity_level: 'info' }, startsAt: '2025-03-18T09:14:27Z' }] });
    expect(alert?.labels.severity_level).toBe('info');
  });

  test('one bad alert among good ones rejects the whole payload', () => {
    const body = fixture<{ alerts: Record<string, unknown>[] }>('alertmanager/am-02-firing-grouped.json');
    body.alerts[2]!.startsAt = 'yesterday';
    expect(parseError(body).map((i) => i.path)).toEqual(['alerts[2].startsAt']);
  });
});

describe('hostile Alertmanager bodies cost little', () => {
  const source2 = new AlertmanagerSource();
  const issuesOf = (body: unknown) => {
    try {
      source2.parse(body);
    } catch (error) {
      return (error as InvalidPayloadError).detail as { path: string; message: string }[];
    }
    throw new Error('expected a rejection');
  };

  test('a million numbers as alerts are refused in one pass with at most 50 issues', () => {
    const issues = issuesOf({ alerts: Array.from({ length: 1_000_000 }, (_, i) => i) });
    expect(issues).toEqual([{ path: 'alerts', message: 'more than 20000 alerts in one webhook' }]);
    const some = issuesOf({ alerts: Array.from({ length: 10_000 }, (_, i) => i) });
    expect(some).toHaveLength(50);
    expect(some[0]).toEqual({ path: 'alerts[0]', message: 'expected an alert object' });
  });

  test('a label set of 150,000 numbers answers a bounded list of issues', () => {
    const labels = Object.fromEntries(Array.from({ length: 150_000 }, (_, i) => [`k${i}`, i]));
    const issues = issuesOf({ alerts: [{ status: 'firing', labels, startsAt: '2025-03-18T09:00:00Z' }] });
    expect(issues).toHaveLength(50);
    expect(issues[0]).toEqual({ path: 'alerts[0].labels.k0', message: 'expected a string, got number' });
  });
});
