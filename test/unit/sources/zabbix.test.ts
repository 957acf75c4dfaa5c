import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { InvalidPayloadError } from '../../../src/core/errors';
import { labelsFingerprint } from '../../../src/sources/fingerprint';
import { ZabbixSource } from '../../../src/sources/zabbix';
import { FIXTURES_DIR, fixture } from '../../helpers/fixtures';

const source = new ZabbixSource();
const LOCAL_DIR = path.resolve(__dirname, '../../fixtures/zabbix');
const ZBX = (name: string) => fixture<Record<string, unknown>>(`zabbix/${name}.json`);
const ZBX60 = (name: string) => JSON.parse(readFileSync(path.join(LOCAL_DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;
const parseOne = (body: unknown) => {
  const alerts = source.parse(body);
  expect(alerts).toHaveLength(1);
  return alerts[0]!;
};

function parseError(body: unknown): { path: string; message: string }[] {
  try {
    source.parse(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError);
    return (error as InvalidPayloadError).detail as { path: string; message: string }[];
  }
  throw new Error('expected the payload to be rejected');
}

const PROBLEM_STARTS = 1742288607_000;
const EVENT_FP = labelsFingerprint({ zabbix_event_id: '48213377' });

describe('ZabbixSource', () => {
  const payloads = readdirSync(path.join(FIXTURES_DIR, 'zabbix')).filter((f) => f.endsWith('.json'));
  const local = readdirSync(LOCAL_DIR).filter((f) => f.endsWith('.json'));

  test.each(payloads)('parses %s into one alert keyed by its event', (file) => {
    const body = fixture<Record<string, string>>(`zabbix/${file}`);
    const alert = parseOne(body);
    expect(alert.fingerprint).toBe(labelsFingerprint({ zabbix_event_id: body.event_id! }));
    expect(alert.startsAt).toBe(Number(body.event_timestamp) * 1000);
    expect(alert.status).toBe(body.event_value === '1' ? 'firing' : 'resolved');
    expect(alert.labels).toMatchObject({ alertname: body.event_name, host: body.host_host, zabbix_event_id: body.event_id, zabbix_severity: body.event_nseverity });
    expect(alert.generatorURL).toBe(body.event_url);
  });

  test.each(local)('parses the Zabbix 6.0 fixture %s (no *_TIMESTAMP macros, +03:00 dates)', (file) => {
    const alert = parseOne(JSON.parse(readFileSync(path.join(LOCAL_DIR, file), 'utf8')));
    expect(alert.startsAt).toBe(PROBLEM_STARTS);
    expect(alert.fingerprint).toBe(labelsFingerprint({ zabbix_event_id: '48213377', zabbix_server: 'zbx-eu1' }));
    expect(alert.labels.zabbix_server).toBe('zbx-eu1');
  });

  test('zbx-01: a problem with every label, repeated and non-ASCII tags', () => {
    const alert = parseOne(ZBX('zbx-01-problem'));
    expect({ ...alert.labels }).toEqual({
      alertname: 'Linux: High CPU utilization (over 90% for 5m)',
      host: 'db-03.prod-eu1',
      host_name: 'db-03 (PostgreSQL primary)',
      host_ip: '10.20.3.13',
      host_groups: 'Linux servers, Базы данных/PostgreSQL',
      trigger_id: '31775',
      zabbix_event_id: '48213377',
      severity: 'high',
      zabbix_severity: '4',
      severity_level: 'high',
      class: 'os',
      component: 'cpu',
      scope: 'performance',
      target: 'linux',
      env: 'prod',
      service: 'orders,billing',
      team: 'dba',
      ________: 'Группа СУБД',
    });
    expect({ ...alert.annotations }).toEqual({
      summary: 'Current utilization: 96.31 %',
      description: 'CPU utilization is too high. The system might be slow to respond.',
      message: expect.stringContaining('Problem started at 12:03:27 on 2025.03.18'),
    });
    expect(alert).toMatchObject({ fingerprint: EVENT_FP, status: 'firing', startsAt: PROBLEM_STARTS, endsAt: null });
    expect(alert.update).toBeUndefined();
  });

  test('zbx-02: an acknowledge is a firing delivery of the same activation with the note', () => {
    const alert = parseOne(ZBX('zbx-02-update-acknowledge'));
    expect(alert).toMatchObject({ fingerprint: EVENT_FP, status: 'firing', startsAt: PROBLEM_STARTS, endsAt: null });
    expect(alert.update).toEqual({
      action: 'acknowledged and commented',
      message: 'Берём в работу: переключаем чтение на реплику. Тикет INC-4821.',
      user: 'Иван Петров (ipetrov)',
      at: 1742289908_000,
    });
  });

  test('zbx-03: a severity change updates the severity labels and carries the note', () => {
    const alert = parseOne(ZBX('zbx-03-update-severity-change'));
    expect(alert.labels).toMatchObject({ severity: 'disaster', zabbix_severity: '5', severity_level: 'critical' });
    expect(alert.update).toMatchObject({ action: 'commented and changed severity from High to Disaster', user: 'Анна Смирнова (asmirnova)', at: 1742290312_000 });
    expect(alert).toMatchObject({ fingerprint: EVENT_FP, status: 'firing', startsAt: PROBLEM_STARTS });
  });

  test('zbx-04: a recovery resolves the same activation at the recovery time', () => {
    const alert = parseOne(ZBX('zbx-04-recovery'));
    expect(alert).toMatchObject({ fingerprint: EVENT_FP, status: 'resolved', startsAt: PROBLEM_STARTS, endsAt: 1742292459_000 });
    expect(alert.update).toBeUndefined();
  });

  test('zbx-05: no tags, empty opdata and a Cyrillic host name', () => {
    const alert = parseOne(ZBX('zbx-05-problem-no-tags-empty-opdata'));
    expect({ ...alert.labels }).toEqual({
      alertname: 'Windows: Zabbix agent is not available (for 3m)',
      host: 'buh-01',
      host_name: 'Сервер 1С (buh-01)',
      host_ip: '10.20.7.41',
      host_groups: 'Windows servers, Бухгалтерия',
      trigger_id: '29410',
      zabbix_event_id: '48214102',
      severity: 'average',
      zabbix_severity: '3',
      severity_level: 'warning',
    });
    expect(alert.annotations.summary).toBe('Windows: Zabbix agent is not available (for 3m)');
    expect(alert.fingerprint).not.toBe(EVENT_FP);
  });

  test('Zabbix 6.0: update and recovery times come from the date and time in the given offset', () => {
    expect(parseOne(ZBX60('zbx60-02-update-acknowledge')).update?.at).toBe(1742289908_000);
    expect(parseOne(ZBX60('zbx60-03-recovery')).endsAt).toBe(1742292459_000);
  });

  test('an update after the recovery stays resolved, with the same start and the note', () => {
    const alert = parseOne(ZBX60('zbx60-04-update-after-recovery'));
    expect(alert).toMatchObject({ status: 'resolved', startsAt: PROBLEM_STARTS, endsAt: 1742292459_000 });
    expect(alert.update).toEqual({ action: 'commented', message: 'Разбор: причина — отчёт без индекса, см. INC-4821.', user: 'Иван Петров (ipetrov)', at: Date.parse('2025-03-18T10:20:00Z') });
  });

  test('without event_timezone, dates and times are read as UTC', () => {
    const body = ZBX60('zbx60-01-problem');
    delete body.event_timezone;
    expect(parseOne(body).startsAt).toBe(Date.parse('2025-03-18T12:03:27Z'));
    expect(parseOne({ ...body, event_timezone: '{$INCIDENT_BRIDGE_TIMEZONE}' }).startsAt).toBe(Date.parse('2025-03-18T12:03:27Z'));
    expect(parseOne({ ...body, event_timezone: '-0530' }).startsAt).toBe(Date.parse('2025-03-18T17:33:27Z'));
  });

  test('the optional zabbix_server label is part of the identity', () => {
    const plain = parseOne(ZBX('zbx-01-problem'));
    const named = parseOne({ ...ZBX('zbx-01-problem'), zabbix_server: 'zbx-eu1' });
    const unset = parseOne({ ...ZBX('zbx-01-problem'), zabbix_server: '{$INCIDENT_BRIDGE_SERVER}' });
    expect(named.fingerprint).not.toBe(plain.fingerprint);
    expect(unset.fingerprint).toBe(plain.fingerprint);
    expect(unset.labels.zabbix_server).toBeUndefined();
  });

  test('unexpanded macros are treated as absent', () => {
    const body = {
      ...ZBX('zbx-01-problem'),
      host_ip: '{HOST.IP}',
      event_opdata: '{EVENT.OPDATA}',
      event_tags: '{EVENT.TAGSJSON}',
      event_nseverity: '{EVENT.NSEVERITY}',
      event_url: '{$ZABBIX.URL}/tr_events.php?triggerid=31775&eventid=48213377',
      trigger_description: '{{TRIGGER.DESCRIPTION}.regsub("(.*)", \\1)}',
    };
    const alert = parseOne(body);
    expect(alert.labels.host_ip).toBeUndefined();
    expect(alert.labels.service).toBeUndefined();
    expect(alert.labels.severity).toBeUndefined();
    expect(alert.labels.severity_level).toBe('unknown');
    expect(alert.annotations.summary).toBe('Linux: High CPU utilization (over 90% for 5m)');
    expect(alert.annotations.description).toMatch(/^Problem started at 12:03:27/);
    expect(alert.generatorURL).toBeNull();
    const update = parseOne({ ...ZBX('zbx-02-update-acknowledge'), user_fullname: '{USER.FULLNAME}', event_update_message: '{EVENT.UPDATE.MESSAGE}', event_update_timestamp: '{EVENT.UPDATE.TIMESTAMP}' });
    expect(update.update).toEqual({ action: 'acknowledged and commented', message: '', user: null, at: null });
  });

  test.each([
    ['text in the {EVENT.TAGS} format', 'class:os, component:cpu', {}],
    ['JSON text', '[{"tag":"team","value":"dba"},{"tag":"team","value":"dba"},{"tag":"scope"}]', { team: 'dba', scope: '' }],
    ['an empty array', [], {}],
  ])('event_tags as %s', (_what, eventTags, expected) => {
    const alert = parseOne({ ...ZBX('zbx-05-problem-no-tags-empty-opdata'), event_tags: eventTags });
    const tags = Object.fromEntries(Object.entries(alert.labels).filter(([name]) => !['alertname', 'host', 'host_name', 'host_ip', 'host_groups', 'trigger_id', 'zabbix_event_id', 'severity', 'zabbix_severity', 'severity_level'].includes(name)));
    expect(tags).toEqual(expected);
  });

  test('tag names become valid label names and never override the source labels', () => {
    const alert = parseOne({
      ...ZBX('zbx-05-problem-no-tags-empty-opdata'),
      event_tags: [
        { tag: 'app-name', value: 'shop' },
        { tag: 'app.name', value: 'cart' },
        { tag: '1st', value: 'x' },
        { tag: 'host', value: 'other' },
        { tag: 'severity_level', value: 'info' },
        { tag: '__proto__', value: 'p' },
        { tag: '__zbx_incident_id', value: '7' },
        { tag: 'port', value: 5432 },
      ],
    });
    expect(alert.labels).toMatchObject({ app_name: 'shop,cart', _1st: 'x', tag_host: 'other', host: 'buh-01', tag_severity_level: 'info', severity_level: 'warning', port: '5432' });
    expect(alert.labels['__proto__']).toBe('p');
    expect(alert.labels.__zbx_incident_id).toBeUndefined();
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  test('numbers instead of strings are accepted', () => {
    const alert = parseOne({ ...ZBX('zbx-01-problem'), event_value: 1, event_update_status: 0, event_id: 48213377, event_nseverity: 4, event_timestamp: 1742288607 });
    expect(alert).toMatchObject({ fingerprint: EVENT_FP, startsAt: PROBLEM_STARTS, status: 'firing' });
  });

  const without = (name: string, key: string) => {
    const body = ZBX(name);
    delete body[key];
    return body;
  };
  test.each([
    ['a body that is not an object', [], '(body)'],
    ['an unknown event_value', { ...ZBX('zbx-01-problem'), event_value: '2' }, 'event_value'],
    ['an unexpanded event_value', { ...ZBX('zbx-01-problem'), event_value: '{EVENT.VALUE}' }, 'event_value'],
    ['an unknown event_update_status', { ...ZBX('zbx-01-problem'), event_update_status: 'yes' }, 'event_update_status'],
    ['a missing event_id', without('zbx-01-problem', 'event_id'), 'event_id'],
    ['an unexpanded event_id', { ...ZBX('zbx-01-problem'), event_id: '{EVENT.ID}' }, 'event_id'],
    ['a missing event_name', without('zbx-01-problem', 'event_name'), 'event_name'],
    ['a severity out of range', { ...ZBX('zbx-01-problem'), event_nseverity: '9' }, 'event_nseverity'],
    ['event_tags as an object', { ...ZBX('zbx-01-problem'), event_tags: { team: 'dba' } }, 'event_tags'],
    ['a tag without a name', { ...ZBX('zbx-01-problem'), event_tags: [{ value: 'dba' }] }, 'event_tags[0].tag'],
    ['a non-numeric event_timestamp', { ...ZBX('zbx-01-problem'), event_timestamp: 'yesterday' }, 'event_timestamp'],
    ['no problem time at all', { ...ZBX60('zbx60-01-problem'), event_date: '{EVENT.DATE}', event_time: '{EVENT.TIME}' }, 'event_timestamp'],
    ['a date in another format', { ...ZBX60('zbx60-01-problem'), event_date: '18.03.2025' }, 'event_date'],
    ['a date that does not exist', { ...ZBX60('zbx60-01-problem'), event_date: '2025.02.30' }, 'event_date'],
    ['a time in another format', { ...ZBX60('zbx60-01-problem'), event_time: '12:03' }, 'event_time'],
    ['a bad recovery time', { ...ZBX60('zbx60-03-recovery'), event_recovery_time: '25:00:00' }, 'event_recovery_time'],
    ['a time zone name', { ...ZBX60('zbx60-01-problem'), event_timezone: 'Europe/Moscow' }, 'event_timezone'],
  ])('rejects %s naming the path', (_what, body, where) => {
    expect(parseError(body).map((i) => i.path)).toContain(where);
  });
});
