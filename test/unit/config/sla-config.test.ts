import { configProblems as problems } from '../../helpers/config-problems';

const SOURCES = 'sources: [{name: am, type: alertmanager}]\n';
const TARGETS = '{P1: {response: 15m, resolution: 4h}, P2: {response: 30m, resolution: 8h}, P3: {response: 4h, resolution: 3d}, P4: {response: 1d, resolution: 10d}}';

const calendar = (fields: string) => `${SOURCES}sla:\n  calendars:\n    - name: office\n${fields}  policies:\n    - {name: standard, calendar: office, targets: ${TARGETS}}\n`;

describe('the sla section of the config', () => {
  test('a valid section has no problem', () => {
    expect(problems(calendar('      timezone: Europe/Amsterdam\n      hours: {mon: ["09:00-13:00", "14:00-18:00"], sat: ["00:00-24:00"]}\n      holidays: ["2026-12-25"]\n'))).toEqual([]);
  });

  test.each([
    ['an unknown time zone', calendar('      timezone: Europe/Atlantis\n'), 'ib.yaml:5:17: error: sla.calendars[0].timezone: unknown time zone "Europe/Atlantis" (use an IANA name such as Europe/Amsterdam)'],
    ['a malformed interval', calendar('      timezone: UTC\n      hours: {mon: ["9-18"]}\n'), 'ib.yaml:6:21: error: sla.calendars[0].hours.mon[0]: "9-18" is not an interval HH:MM-HH:MM with its start before its end (24:00 may end it)'],
    ['an interval that ends before it starts', calendar('      timezone: UTC\n      hours: {tue: ["18:00-09:00"]}\n'), 'ib.yaml:6:21: error: sla.calendars[0].hours.tue[0]: "18:00-09:00" is not an interval HH:MM-HH:MM with its start before its end (24:00 may end it)'],
    ['an hour that does not exist', calendar('      timezone: UTC\n      hours: {wed: ["09:00-25:00"]}\n'), 'ib.yaml:6:21: error: sla.calendars[0].hours.wed[0]: "09:00-25:00" is not an interval HH:MM-HH:MM with its start before its end (24:00 may end it)'],
    ['overlapping intervals', calendar('      timezone: UTC\n      hours: {thu: ["09:00-13:00", "12:00-18:00"]}\n'), 'ib.yaml:6:36: error: sla.calendars[0].hours.thu[1]: "12:00-18:00" overlaps "09:00-13:00"'],
    ['a holiday that is not a date', calendar('      timezone: UTC\n      holidays: ["2026-02-30"]\n'), 'ib.yaml:6:18: error: sla.calendars[0].holidays[0]: "2026-02-30" is not a date'],
    [
      'a policy without a target for a priority',
      `${SOURCES}sla:\n  policies:\n    - {name: standard, targets: {P1: {response: 15m, resolution: 4h}}}\n`,
      'ib.yaml:4:33: error: sla.policies[0].targets: policy "standard" has no target for P2, P3, P4',
    ],
    ['an unknown calendar of a policy', `${SOURCES}sla:\n  policies:\n    - {name: standard, calendar: office, targets: ${TARGETS}}\n`, 'ib.yaml:4:34: error: sla.policies[0].calendar: no calendar named "office"'],
    ['an unknown default policy', `${SOURCES}sla:\n  policies:\n    - {name: standard, targets: ${TARGETS}}\n  default: gold\n`, 'ib.yaml:5:12: error: sla.default: no policy named "gold"'],
    ['a customer of an unknown policy', `${SOURCES}sla:\n  policies:\n    - {name: standard, targets: ${TARGETS}}\ncustomers: [{name: acme, sla: gold}]\n`, 'ib.yaml:5:31: error: customers[0].sla: no SLA policy named "gold"'],
  ])('%s is reported at its line', (_what, text, expected) => {
    expect(problems(text)).toEqual([expected]);
  });

  test('a customer may name a policy that exists', () => {
    expect(problems(`${SOURCES}sla:\n  policies:\n    - {name: gold, targets: ${TARGETS}}\ncustomers: [{name: acme, sla: gold}]\n`)).toEqual([]);
  });
});
