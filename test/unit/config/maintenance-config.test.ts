import { parseConfig } from '../../../src/config/load-config';
import { parseRecurrence } from '../../../src/config/recurrence';
import { configProblems as problems } from '../../helpers/config-problems';

const SOURCES = 'sources: [{name: am, type: alertmanager}]\n';

/** A config whose maintenance section holds one window with these lines, from line 3 on. */
const window = (...lines: string[]) => `${SOURCES}maintenance:\n  - name: db-work\n${lines.map((l) => `    ${l}\n`).join('')}`;

const ONE_OFF = ['timezone: Europe/Moscow', 'start: "2026-12-05T01:00"', 'end: "2026-12-05T05:00"'];
const RECURRING = ['timezone: Europe/Amsterdam', 'rrule: "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0"', 'duration: 2h'];

describe('the maintenance section of the config', () => {
  test('the two windows of the design are valid, with their defaults', () => {
    const text = `${SOURCES}maintenance:
  - name: dc-power-work
    matchers: ['datacenter="msk-1"']
    healthModels: [shop-infrastructure]
    timezone: Europe/Moscow
    start: "2026-12-05T01:00"
    end: 2026-12-05T05:00:30
  - name: weekly-db
    healthModels: [online-shop]
    timezone: Europe/Amsterdam
    rrule: "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0"
    duration: 2h
`;
    expect(problems(text)).toEqual([]);
    expect(parseConfig('ib.yaml', text, {}, {}).config.maintenance).toEqual([
      {
        name: 'dc-power-work',
        matchers: ['datacenter="msk-1"'],
        healthModels: ['shop-infrastructure'],
        timezone: 'Europe/Moscow',
        start: '2026-12-05T01:00',
        end: '2026-12-05T05:00:30',
      },
      { name: 'weekly-db', matchers: [], healthModels: ['online-shop'], timezone: 'Europe/Amsterdam', rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0', duration: 7_200_000 },
    ]);
  });

  test('without a maintenance section there are no windows', () => {
    expect(parseConfig('ib.yaml', SOURCES, {}, {}).config.maintenance).toEqual([]);
  });

  test('a string may hold several matchers, and an RRULE may start with RRULE: after a DTSTART line', () => {
    expect(problems(window('matchers: [\'{datacenter="msk-1", rack=~"r1[0-9]"}\', "env!=test"]', 'timezone: UTC', 'rrule: "DTSTART:20260301T020000\\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4"', 'duration: 90m'))).toEqual([]);
  });

  test.each([
    ['an unknown time zone', window('healthModels: [shop]', 'timezone: Europe/Atlantis', ...ONE_OFF.slice(1)), 'ib.yaml:5:15: error: maintenance[0].timezone: unknown time zone "Europe/Atlantis" (use an IANA name such as Europe/Amsterdam)'],
    ['a local time without the T', window('healthModels: [shop]', ONE_OFF[0]!, 'start: "2026-12-05 01:00"', ONE_OFF[2]!), 'ib.yaml:6:12: error: maintenance[0].start: "2026-12-05 01:00" is not a local date and time YYYY-MM-DDTHH:MM (seconds optional; the zone is timezone)'],
    ['a local time with an offset', window('healthModels: [shop]', ...ONE_OFF.slice(0, 2), 'end: "2026-12-05T05:00+03:00"'), 'ib.yaml:7:10: error: maintenance[0].end: "2026-12-05T05:00+03:00" is not a local date and time YYYY-MM-DDTHH:MM (seconds optional; the zone is timezone)'],
    ['a date that does not exist', window('healthModels: [shop]', ONE_OFF[0]!, 'start: 2026-02-30T01:00', ONE_OFF[2]!), 'ib.yaml:6:12: error: maintenance[0].start: "2026-02-30T01:00" is not a local date and time YYYY-MM-DDTHH:MM (seconds optional; the zone is timezone)'],
    ['an hour that does not exist', window('healthModels: [shop]', ONE_OFF[0]!, 'start: "2026-12-05T24:00"', ONE_OFF[2]!), 'ib.yaml:6:12: error: maintenance[0].start: "2026-12-05T24:00" is not a local date and time YYYY-MM-DDTHH:MM (seconds optional; the zone is timezone)'],
    ['a window that ends before it starts', window('healthModels: [shop]', ONE_OFF[0]!, 'start: "2026-12-05T05:00"', 'end: "2026-12-05T01:00"'), 'ib.yaml:7:10: error: maintenance[0].end: the window ends at or before its start (2026-12-05T05:00)'],
    ['a window that ends as it starts', window('healthModels: [shop]', ONE_OFF[0]!, 'start: "2026-12-05T05:00"', 'end: "2026-12-05T05:00:00"'), 'ib.yaml:7:10: error: maintenance[0].end: the window ends at or before its start (2026-12-05T05:00)'],
    [
      // 02:30 and 02:15 on the night Amsterdam sets its clocks back: both the first time round, 02:15 first.
      'a window that ends before it starts in the hour shown twice',
      window('healthModels: [shop]', 'timezone: Europe/Amsterdam', 'start: "2026-10-25T02:30"', 'end: "2026-10-25T02:15"'),
      'ib.yaml:7:10: error: maintenance[0].end: the window ends at or before its start (2026-10-25T02:30)',
    ],
    ['an RRULE that does not parse', window('healthModels: [shop]', RECURRING[0]!, 'rrule: "FREQ=WEEKLY;BYDAY=XX"', RECURRING[2]!), 'ib.yaml:6:12: error: maintenance[0].rrule: BYDAY=XX: "XX" is not a weekday such as SU, MO or -1SU'],
    ['an RRULE without FREQ', window('healthModels: [shop]', RECURRING[0]!, 'rrule: BYDAY=SU;BYHOUR=2', RECURRING[2]!), 'ib.yaml:6:12: error: maintenance[0].rrule: FREQ is missing (e.g. FREQ=WEEKLY)'],
    ['an hour out of range', window('healthModels: [shop]', RECURRING[0]!, 'rrule: FREQ=DAILY;BYHOUR=25', RECURRING[2]!), 'ib.yaml:6:12: error: maintenance[0].rrule: BYHOUR=25: "25" is not an hour 0..23'],
    ['an RRULE with a time zone of its own', window('healthModels: [shop]', RECURRING[0]!, 'rrule: "DTSTART;TZID=Europe/Paris:20260301T020000\\nRRULE:FREQ=DAILY"', RECURRING[2]!), 'ib.yaml:6:12: error: maintenance[0].rrule: "DTSTART;TZID=Europe/Paris:20260301T020000": DTSTART must be a local time such as DTSTART:20260301T020000, without TZID or Z (the window\'s timezone applies)'],
    ['a duration of zero', window('healthModels: [shop]', ...RECURRING.slice(0, 2), 'duration: 0s'), 'ib.yaml:7:15: error: maintenance[0].duration: an occurrence must last longer than zero'],
    ['a malformed duration', window('healthModels: [shop]', ...RECURRING.slice(0, 2), 'duration: two hours'), 'ib.yaml:7:15: error: maintenance[0].duration: invalid duration "two hours" (use e.g. 30s, 10m, 1h30m)'],
    ['start without end', window('healthModels: [shop]', ...ONE_OFF.slice(0, 2)), 'ib.yaml:6:5: error: maintenance[0].start: start without end; give a one-off window (start and end) or a recurring one (rrule and duration)'],
    ['end without start', window('healthModels: [shop]', ONE_OFF[0]!, ONE_OFF[2]!), 'ib.yaml:6:5: error: maintenance[0].end: end without start; give a one-off window (start and end) or a recurring one (rrule and duration)'],
    ['rrule without duration', window('healthModels: [shop]', ...RECURRING.slice(0, 2)), 'ib.yaml:6:5: error: maintenance[0].rrule: rrule without duration; give a one-off window (start and end) or a recurring one (rrule and duration)'],
    ['duration without rrule', window('healthModels: [shop]', RECURRING[0]!, RECURRING[2]!), 'ib.yaml:6:5: error: maintenance[0].duration: duration without rrule; give a one-off window (start and end) or a recurring one (rrule and duration)'],
    [
      'both forms at once',
      window('healthModels: [shop]', ...ONE_OFF, 'rrule: FREQ=DAILY', 'duration: 1h'),
      'ib.yaml:8:5: error: maintenance[0].rrule: start and end and rrule and duration together; give a one-off window (start and end) or a recurring one (rrule and duration)',
    ],
    ['no times at all', window('healthModels: [shop]', 'timezone: UTC'), 'ib.yaml:3:5: error: maintenance[0]: no times; give a one-off window (start and end) or a recurring one (rrule and duration)'],
    ['a window that covers nothing', window(...ONE_OFF), 'ib.yaml:3:5: error: maintenance[0]: window "db-work" covers nothing; give matchers, healthModels or both'],
    ['a window whose lists are empty', window('matchers: []', 'healthModels: []', ...ONE_OFF), 'ib.yaml:3:5: error: maintenance[0]: window "db-work" covers nothing; give matchers, healthModels or both'],
    ['a matcher that does not parse', window('matchers: [\'datacenter="msk-1", rack~"r1"\']', ...ONE_OFF), 'ib.yaml:4:41: error: maintenance[0].matchers[0]: expected one of =, !=, =~, !~'],
    ['a matcher with a bad regex', window('matchers:', '  - env="prod"', '  - \'instance=~"db-(1"\'', ...ONE_OFF), 'ib.yaml:6:20: error: maintenance[0].matchers[1]: invalid regular expression: Unterminated group'],
    ['a missing timezone', window('healthModels: [shop]', ...ONE_OFF.slice(1)), 'ib.yaml:3:5: error: maintenance[0].timezone: required key is missing'],
    ['an unknown key', window('healthModels: [shop]', ...ONE_OFF, 'comment: power'), 'ib.yaml:8:5: error: maintenance[0]: unknown key "comment"'],
  ])('%s is reported at its line and column', (_what, text, expected) => {
    expect(problems(text)).toEqual([expected]);
  });

  test('a repeated name is reported at the second window', () => {
    const text = `${SOURCES}maintenance:
  - {name: db-work, healthModels: [shop], timezone: UTC, start: "2026-12-05T01:00", end: "2026-12-05T05:00"}
  - {name: db-work, healthModels: [bank], timezone: UTC, start: "2026-12-06T01:00", end: "2026-12-06T05:00"}
`;
    expect(problems(text)).toEqual(['ib.yaml:4:12: error: maintenance[1].name: duplicate maintenance window name "db-work"']);
  });

  test('every problem of every window is reported at once', () => {
    const text = `${SOURCES}maintenance:
  - name: one
    timezone: Mars/Olympus
    start: "2026-12-05T05:00"
    end: "2026-12-05T01:00"
  - name: two
    matchers: ["env"]
    timezone: UTC
    rrule: FREQ=MINUTELY
    duration: 0s
`;
    expect(problems(text)).toEqual([
      'ib.yaml:3:5: error: maintenance[0]: window "one" covers nothing; give matchers, healthModels or both',
      'ib.yaml:4:15: error: maintenance[0].timezone: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Amsterdam)',
      'ib.yaml:6:10: error: maintenance[0].end: the window ends at or before its start (2026-12-05T05:00)',
      'ib.yaml:8:20: error: maintenance[1].matchers[0]: expected one of =, !=, =~, !~',
      'ib.yaml:10:12: error: maintenance[1].rrule: FREQ=MINUTELY: a maintenance window recurs at most hourly',
      'ib.yaml:11:15: error: maintenance[1].duration: an occurrence must last longer than zero',
    ]);
  });
});

describe('parseRecurrence', () => {
  test.each([
    'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0',
    'RRULE:FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=3',
    'freq=daily;byhour=1;byminute=30',
    'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24,31;BYHOUR=18',
    'FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO',
    'FREQ=HOURLY;INTERVAL=6;BYMINUTE=15',
    'FREQ=WEEKLY;UNTIL=20261231T235959Z;WKST=SU',
    'DTSTART:20260301T020000\nRRULE:FREQ=DAILY;COUNT=3',
    '  DTSTART:20260301T020000\r\n  FREQ=WEEKLY;INTERVAL=2\n',
  ])('%j parses', (text) => {
    expect(parseRecurrence(text)).toEqual({ rule: expect.anything() });
  });

  test.each([
    ['', 'no RRULE (e.g. FREQ=WEEKLY;BYDAY=SU;BYHOUR=2)'],
    ['FREQ=WEEKLY;BYDAY=SU;', '"" is not a part of an RRULE (NAME=VALUE, e.g. FREQ=WEEKLY)'],
    ['WEEKLY;BYDAY=SU', '"WEEKLY" is not a part of an RRULE (NAME=VALUE, e.g. FREQ=WEEKLY)'],
    ['FREQ=WEEKLY;COLOR=RED', '"COLOR=RED" is not a part of an RRULE (NAME=VALUE, e.g. FREQ=WEEKLY)'],
    ['FREQ=WEEKLY;FREQ=DAILY', 'FREQ is given twice'],
    ['FREQ=FORTNIGHTLY', 'FREQ=FORTNIGHTLY: not one of YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY'],
    ['FREQ=SECONDLY', 'FREQ=SECONDLY: a maintenance window recurs at most hourly'],
    ['FREQ=WEEKLY;INTERVAL=0', 'INTERVAL=0: not a number above 0'],
    ['FREQ=WEEKLY;INTERVAL=abc', 'INTERVAL=ABC: not a number above 0'],
    ['FREQ=DAILY;BYMINUTE=60', 'BYMINUTE=60: "60" is not a minute 0..59'],
    ['FREQ=DAILY;BYHOUR=', 'BYHOUR=: "" is not an hour 0..23'],
    ['FREQ=MONTHLY;BYMONTHDAY=0', 'BYMONTHDAY=0: "0" is not a day of the month 1..31 or -31..-1'],
    ['FREQ=YEARLY;BYMONTH=13', 'BYMONTH=13: "13" is not a month 1..12'],
    ['FREQ=MONTHLY;BYDAY=SU;BYSETPOS=0', 'BYSETPOS=0: "0" is not a position 1..366 or -366..-1'],
    ['FREQ=WEEKLY;UNTIL=2026', 'UNTIL=2026: not a date YYYYMMDD or a time YYYYMMDDTHHMMSS'],
    ['FREQ=WEEKLY;UNTIL=20260230', 'UNTIL=20260230: not a date YYYYMMDD or a time YYYYMMDDTHHMMSS'],
    ['FREQ=WEEKLY;WKST=XX', 'WKST=XX: not a weekday such as MO'],
    ['FREQ=WEEKLY;COUNT=3', 'COUNT counts occurrences from DTSTART: give a DTSTART line (e.g. DTSTART:20260301T020000), or use UNTIL'],
    ['DTSTART:20260301T020000\nFREQ=WEEKLY;COUNT=3;UNTIL=20261231', 'COUNT and UNTIL together: give one of them'],
    ['FREQ=MONTHLY;BYWEEKNO=1', 'BYWEEKNO needs FREQ=YEARLY'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'BYMONTHDAY does not go with FREQ=WEEKLY'],
    ['FREQ=WEEKLY;BYDAY=-1SU', 'a numbered BYDAY (such as -1SU) needs FREQ=MONTHLY or FREQ=YEARLY'],
    ['DTSTART:20260301T020000Z\nFREQ=DAILY', '"DTSTART:20260301T020000Z": DTSTART must be a local time such as DTSTART:20260301T020000, without TZID or Z (the window\'s timezone applies)'],
    ['DTSTART:20260230T020000\nFREQ=DAILY', '"DTSTART:20260230T020000": not a real date and time'],
    ['DTSTART:20260301T020000\nDTSTART:20260302T020000\nFREQ=DAILY', 'DTSTART is given twice'],
    ['FREQ=DAILY\nEXDATE:20260105T000000', 'EXDATE is not supported: give one RRULE, optionally after a DTSTART line'],
    ['FREQ=DAILY\nFREQ=WEEKLY', 'more than one RRULE: give one per window'],
  ])('%j: %s', (text, error) => {
    expect(parseRecurrence(text)).toEqual({ error });
  });
});
