import { readdirSync } from 'node:fs';
import path from 'node:path';
import { InvalidPayloadError } from '../../../src/core/errors';
import { labelsFingerprint } from '../../../src/sources/fingerprint';
import { GrafanaSource } from '../../../src/sources/grafana';
import { FIXTURES_DIR, fixture, fixtureText } from '../../helpers/fixtures';

const source = new GrafanaSource();
const RECEIVED_AT = Date.parse('2025-03-18T09:31:40Z');
const parse = (body: unknown) => source.parse(body, { receivedAt: RECEIVED_AT });

type RawAlert = { status: string; fingerprint: string; labels: Record<string, string>; startsAt: string; endsAt: string };
type Legacy = Record<string, unknown> & { ruleId: number; orgId: number; state: string };

const unifiedFiles = readdirSync(path.join(FIXTURES_DIR, 'grafana/unified')).filter((f) => f.endsWith('.json'));
const legacyFiles = readdirSync(path.join(FIXTURES_DIR, 'grafana/legacy')).filter((f) => f.endsWith('.json'));
const unified = (name: string) => fixture<{ alerts: Record<string, unknown>[] }>(`grafana/unified/${name}.json`);
const legacy = (name: string) => fixture<Legacy>(`grafana/legacy/${name}.json`);

function parseError(body: unknown): { path: string; message: string }[] {
  try {
    parse(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError);
    return (error as InvalidPayloadError).detail as { path: string; message: string }[];
  }
  throw new Error('expected the payload to be rejected');
}

const oneAlert = (alert: Record<string, unknown>) => ({ version: '1', alerts: [{ status: 'firing', labels: { alertname: 'A' }, startsAt: '2025-03-18T09:14:27Z', ...alert }] });

describe('GrafanaSource, unified alerting', () => {
  test.each(unifiedFiles)('parses every alert of %s with its fingerprint, status and times', (file) => {
    const body = JSON.parse(fixtureText(`grafana/unified/${file}`)) as { alerts: RawAlert[] };
    const alerts = parse(body);
    expect(alerts).toHaveLength(body.alerts.length);
    alerts.forEach((a, i) => {
      const raw = body.alerts[i]!;
      expect(a.fingerprint).toBe(raw.fingerprint);
      expect(a.status).toBe(raw.status);
      expect(a.labels).toMatchObject(raw.labels);
      expect(a.startsAt).toBe(Date.parse(raw.startsAt));
      expect(a.endsAt).toBe(raw.endsAt.startsWith('0001-') ? null : Date.parse(raw.endsAt));
    });
  });

  test('gu-01 keeps Cyrillic text and adds the links and values as annotations', () => {
    const raw = unified('gu-01-firing-grouped').alerts[0]!;
    const [alert] = parse(unified('gu-01-firing-grouped'));
    expect(alert!.labels.grafana_folder).toBe('Инфраструктура');
    expect(alert!.annotations.description).toBe('Загрузка CPU на app-01.prod.example.net:9100 составляет 93.41% (порог 90%).');
    expect(alert!.annotations).toMatchObject({
      dashboard_url: raw.dashboardURL,
      panel_url: raw.panelURL,
      silence_url: raw.silenceURL,
      value_string: raw.valueString,
      values: '{"A":93.41,"B":93.41,"C":1}',
    });
    expect(alert!.annotations.dashboard_url).toContain('&orgId=1');
    expect(alert!.generatorURL).toBe('https://grafana.example.net/alerting/grafana/be2x7kq9m3ny8d/view?orgId=1');
    expect(alert!.labels.severity_level).toBe('critical');
  });

  test('gu-10 wire bytes parse to the same alerts as gu-01', () => {
    expect(parse(JSON.parse(fixtureText('grafana/unified/gu-10-hmac-signed.wire.json')))).toEqual(parse(unified('gu-01-firing-grouped')));
  });

  test('gu-05 reads the +03:00 offset', () => {
    const [alert] = parse(unified('gu-05-datasource-nodata'));
    expect(alert!.startsAt).toBe(Date.parse('2025-03-18T10:20:30Z'));
  });

  test('gu-07 parses the alerts sent and ignores truncatedAlerts', () => {
    const alerts = parse(unified('gu-07-truncated-max-alerts'));
    expect(alerts.map((a) => a.fingerprint)).toEqual(['a898090efcfe63f5', '147bd90db6866dd2']);
    expect(alerts[0]!.annotations.values).toBe('{"A":0.0512,"C":1}');
  });

  test('gu-08, the Test button: no generatorURL, nanosecond startsAt, no values', () => {
    const [alert] = parse(unified('gu-08-test-notification'));
    expect(alert).toMatchObject({ fingerprint: '57c6d9296de2ad39', generatorURL: null, startsAt: Date.parse('2025-03-18T09:05:12.481Z'), endsAt: null });
    expect(alert!.annotations.values).toBeUndefined();
    expect(alert!.annotations.dashboard_url).toBeUndefined();
  });

  test('gu-09, the Grafana 10 shape without ruleUID or per-alert orgId', () => {
    const [alert] = parse(unified('gu-09-grafana10-era-shape'));
    expect(alert).toMatchObject({ fingerprint: '574d61b130a742b7', status: 'firing' });
    expect(alert!.annotations.dashboard_url).toBe('https://grafana.example.net/d/rYdddlPWk?orgId=1');
  });

  test('an alert with 200 labels keeps them all', () => {
    const labels: Record<string, string> = { alertname: 'Wide' };
    for (let i = 0; i < 199; i++) labels[`label_${i}`] = `значение ${i}`;
    const [alert] = parse(oneAlert({ labels, fingerprint: 'ABCDEF0123456789' }));
    expect(Object.keys(alert!.labels)).toHaveLength(201);
    expect({ ...alert!.labels }).toEqual({ ...labels, severity_level: 'unknown' });
    expect(alert!.fingerprint).toBe('abcdef0123456789');
  });

  test('computes a missing fingerprint from the labels sent and tolerates null optional fields', () => {
    const [alert] = parse(
      oneAlert({ labels: { alertname: 'alert1', lbl1: 'val1' }, annotations: null, endsAt: null, generatorURL: null, dashboardURL: null, values: null, imageURL: 5, valueString: '' }),
    );
    expect(alert).toMatchObject({ fingerprint: 'fac0861a85de433a', endsAt: null, generatorURL: null });
    expect({ ...alert!.annotations }).toEqual({});
  });

  test('an annotation the rule set itself wins over the extra of the same name', () => {
    const [alert] = parse(oneAlert({ annotations: { dashboard_url: 'https://wiki.example.net/board' }, dashboardURL: 'https://grafana.example.net/d/x', imageURL: 'https://img.example.net/1.png' }));
    expect(alert!.annotations).toMatchObject({ dashboard_url: 'https://wiki.example.net/board', image_url: 'https://img.example.net/1.png' });
  });

  test("Grafana's Alertmanager-compatible webhook (version 4) parses on the same endpoint", () => {
    expect(parse(fixture('alertmanager/am-01-firing-single.json'))).toHaveLength(1);
  });
});

describe('GrafanaSource, monitoring gaps', () => {
  test.each([
    ['gu-04-datasource-error', 'c91721519a8cf674', 'error'],
    ['gu-05-datasource-nodata', '0e40c26432acc927', 'nodata'],
    ['gu-06-nodata-as-alerting-and-missing-series', '5787e2387a4683b1', 'nodata'],
  ])('%s marks %s as monitoring_gap=%s and nothing else', (name, fingerprint, gap) => {
    const alerts = parse(unified(name));
    expect(alerts.filter((a) => a.labels.monitoring_gap !== undefined).map((a) => [a.fingerprint, a.labels.monitoring_gap])).toEqual([[fingerprint, gap]]);
  });

  test('no other unified fixture is a monitoring gap', () => {
    const others = unifiedFiles.filter((f) => !/gu-0[456]/.test(f));
    for (const file of others) for (const a of parse(fixture(`grafana/unified/${file}`))) expect(a.labels.monitoring_gap).toBeUndefined();
  });

  test.each([
    ['DatasourceError', undefined, 'error'],
    ['DatasourceNoData', undefined, 'nodata'],
    ['Disk space low', 'Error', 'error'],
    ['Disk space low', 'NoData', 'nodata'],
    ['Disk space low', 'MissingSeries', undefined],
    ['Disk space low', 'Paused', undefined],
    ['Disk space low', 'RuleDeleted', undefined],
    ['Disk space low', 'NoData, KeepLast', undefined],
    ['Disk space low', undefined, undefined],
    ['constructor', undefined, undefined],
  ])('alertname %j with grafana_state_reason %j gives monitoring_gap %j', (alertname, reason, gap) => {
    const [alert] = parse(oneAlert({ labels: { alertname }, annotations: reason === undefined ? {} : { grafana_state_reason: reason } }));
    expect(alert!.labels.monitoring_gap).toBe(gap);
  });

  test('a monitoring_gap label the sender set is kept', () => {
    const [alert] = parse(oneAlert({ labels: { alertname: 'DatasourceError', monitoring_gap: 'custom' } }));
    expect(alert!.labels.monitoring_gap).toBe('custom');
  });
});

describe('GrafanaSource, legacy dashboard alerting', () => {
  test.each(legacyFiles)('%s becomes one alert identified by (orgId, ruleId)', (file) => {
    const body = fixture<Legacy>(`grafana/legacy/${file}`);
    const alerts = parse(body);
    expect(alerts).toHaveLength(1);
    const expected = { grafana_org_id: String(body.orgId), grafana_rule_id: String(body.ruleId) };
    expect(alerts[0]!.fingerprint).toBe(labelsFingerprint(expected));
    expect(alerts[0]!.labels).toMatchObject({ ...expected, alertname: body.ruleName });
    expect(alerts[0]!.status).toBe(body.state === 'ok' ? 'resolved' : 'firing');
  });

  test('gl-01 alerting: rule tags as labels, receive time as startsAt, matches as value_string', () => {
    const [alert] = parse(legacy('gl-01-alerting'));
    expect({ ...alert!.labels }).toEqual({
      alertname: 'Nginx 5xx rate',
      severity: 'critical',
      team: 'web',
      grafana_org_id: '1',
      grafana_rule_id: '17',
      grafana_dashboard_id: '42',
      grafana_panel_id: '6',
      severity_level: 'critical',
    });
    expect(alert).toMatchObject({ status: 'firing', startsAt: RECEIVED_AT, endsAt: null, generatorURL: 'https://grafana.example.net/d/nGx5xx01/nginx-overview?tab=alert&viewPanel=6&orgId=1' });
    expect(alert!.annotations).toMatchObject({
      summary: 'Доля ответов 5xx выше 5% — проверьте апстримы и последние деплои.',
      image_url: 'https://grafana.example.net/public/img/attachments/9Qm2x7Lk1vB3nP0sRt4Y.png',
      value_string: 'web-01:9113=12.5, web-02:9113=7.25',
      grafana_state: 'alerting',
    });
    expect(alert!.labels.monitoring_gap).toBeUndefined();
  });

  test('gl-02 ok resolves the same alert, starting and ending at the receive time', () => {
    const [firing] = parse(legacy('gl-01-alerting'));
    const [ok] = parse(legacy('gl-02-ok'));
    expect(ok).toMatchObject({ fingerprint: firing!.fingerprint, status: 'resolved', startsAt: RECEIVED_AT, endsAt: RECEIVED_AT });
    expect(ok!.annotations.image_url).toBeUndefined();
  });

  test('gl-03 no_data fires as a monitoring gap; without a message the title is the summary', () => {
    const [alert] = parse(legacy('gl-03-no-data'));
    expect(alert).toMatchObject({ status: 'firing', endsAt: null });
    expect(alert!.labels.monitoring_gap).toBe('nodata');
    expect(alert!.annotations.summary).toBe('[No Data] Kafka consumer lag');
  });

  test('gl-04 keeps the Cyrillic rule name, tag and message, and org 2', () => {
    const [alert] = parse(legacy('gl-04-alerting-templated-name-multi'));
    expect(alert!.labels).toMatchObject({ alertname: 'Диск заполнен: db-01:9100, db-02:9100', ответственный: 'группа эксплуатации', grafana_org_id: '2', severity_level: 'warning' });
    expect(alert!.annotations.summary).toContain('<ops@example.net>');
    expect(alert!.annotations.value_string?.split(', ')).toHaveLength(3);
  });

  test('gl-05, the test notification: a ruleId beyond 2^53 keeps the digits JSON.parse left', () => {
    const text = fixtureText('grafana/legacy/gl-05-test-notification.json');
    expect(text).toContain('"ruleId": 7008839925862512012');
    const [alert] = parse(JSON.parse(text));
    expect(alert!.labels).toMatchObject({ grafana_rule_id: '7008839925862512000', grafana_org_id: '0', alertname: 'Test notification' });
    expect(alert!.annotations.value_string).toBe('High value=100, Higher Value=200');
  });

  test.each([
    ['paused', 'resolved'],
    ['alerting', 'firing'],
  ])('state %s is %s', (state, status) => {
    expect(parse({ ...legacy('gl-01-alerting'), state })[0]!.status).toBe(status);
  });

  test.each(['pending', 'unknown'])('state %s is not notified and gives no alert', (state) => {
    expect(parse({ ...legacy('gl-01-alerting'), state })).toEqual([]);
  });

  test('tolerates null optional fields', () => {
    const [alert] = parse({ ruleId: 5, ruleName: 'R', state: 'alerting', message: null, imageUrl: null, tags: null, evalMatches: null, orgId: null, ruleUrl: null });
    expect(alert).toMatchObject({ fingerprint: labelsFingerprint({ grafana_org_id: '', grafana_rule_id: '5' }), generatorURL: null });
  });

  test('needs the receive time', () => {
    expect(() => source.parse(legacy('gl-01-alerting'))).toThrow('receive time');
  });
});

describe('GrafanaSource, bad shapes', () => {
  test.each([
    ['a body that is not an object', [], '(body)'],
    ['null', null, '(body)'],
    ['neither alerts nor a legacy rule', { version: '1', title: 'x' }, 'alerts'],
    ['alerts that are not an array', { alerts: { a: 1 } }, 'alerts'],
    ['an unknown alert status', oneAlert({ status: 'pending' }), 'alerts[0].status'],
    ['a label that is a number', oneAlert({ labels: { code: 500 } }), 'alerts[0].labels.code'],
    ['a timestamp that is not RFC 3339', oneAlert({ startsAt: '18.03.2025 09:14' }), 'alerts[0].startsAt'],
    ['a bad fingerprint', oneAlert({ fingerprint: 'xyz!' }), 'alerts[0].fingerprint'],
    ['a legacy body without ruleId', { ruleName: 'R', state: 'alerting' }, 'ruleId'],
    ['a legacy ruleId that is not an integer', { ruleId: 1.5, state: 'alerting' }, 'ruleId'],
    ['a legacy ruleId of letters', { ruleId: 'abc', state: 'alerting' }, 'ruleId'],
    ['an unknown legacy state', { ruleId: 1, state: 'firing' }, 'state'],
    ['legacy evalMatches that are not an array', { ruleId: 1, state: 'alerting', evalMatches: 'x' }, 'evalMatches'],
  ])('rejects %s naming the path', (_what, body, where) => {
    expect(parseError(body).map((i) => i.path)).toContain(where);
  });

  test('one bad alert among good ones rejects the whole payload', () => {
    const body = unified('gu-02-mixed-firing-resolved');
    body.alerts[1]!.endsAt = 'later';
    expect(parseError(body).map((i) => i.path)).toEqual(['alerts[1].endsAt']);
  });
});

describe('hostile Grafana values', () => {
  test('deeply nested values are dropped, not serialized', () => {
    let deep: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const [alert] = new GrafanaSource().parse({ alerts: [{ status: 'firing', labels: { alertname: 'Deep' }, startsAt: '2025-03-18T09:00:00Z', fingerprint: 'abc', values: deep }] });
    expect(alert?.annotations.values).toBeUndefined();
    const [flat] = new GrafanaSource().parse({ alerts: [{ status: 'firing', labels: { alertname: 'Flat' }, startsAt: '2025-03-18T09:00:00Z', values: { B: 93.4, C: null } }] });
    expect(flat?.annotations.values).toBe('{"B":93.4,"C":null}');
  });
});
