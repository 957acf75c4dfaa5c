import { parseRecurrence } from '../../../src/config/recurrence';
import { Occurrences } from '../../../src/quiet/occurrences';

const ruleOf = (text: string) => {
  const parsed = parseRecurrence(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.rule;
};

describe('Occurrences walks from an anchor near the time asked, with the same result as from DTSTART', () => {
  // In UTC floating time is real time, so rrule walked from DTSTART is the reference.
  test.each([
    'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2',
    'DTSTART:20190313T174500\nRRULE:FREQ=WEEKLY;INTERVAL=3',
    'DTSTART:20190313T174500\nRRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,TU',
    'FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=3',
    'DTSTART:20180131T010000\nRRULE:FREQ=MONTHLY;INTERVAL=5',
    'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=20',
    'DTSTART:20160229T120000\nRRULE:FREQ=YEARLY',
    'FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO',
    'DTSTART:20200101T000000\nRRULE:FREQ=YEARLY;INTERVAL=3;BYMONTH=3,9;BYDAY=1SA;BYHOUR=4',
    'DTSTART:20190101T003000\nRRULE:FREQ=DAILY;INTERVAL=10;BYHOUR=0,12',
    'DTSTART:20240704T070000\nRRULE:FREQ=HOURLY;INTERVAL=7;BYHOUR=1,2,3,4,5,6,7,8',
    'DTSTART:20250102T000000\nRRULE:FREQ=HOURLY;INTERVAL=3;BYDAY=SA',
    'DTSTART:20260105T090000\nRRULE:FREQ=DAILY;COUNT=40',
  ])('%j', (text) => {
    const from = Date.parse('2025-12-30T00:00:00Z');
    const to = Date.parse('2028-03-01T00:00:00Z');
    const expected = ruleOf(text)
      .between(new Date(from), new Date(to), true)
      .map((d) => d.getTime());
    const occurrences = new Occurrences(ruleOf(text), 1000, 'UTC');
    const actual: number[] = [];
    for (let t = occurrences.nextStart(from - 1); t !== null && t <= to; t = occurrences.nextStart(t)) actual.push(t);
    expect(actual.map((t) => new Date(t).toISOString())).toEqual(expected.map((t) => new Date(t).toISOString()));
    expect(expected.length).toBeGreaterThan(0);
  });

  test('a rule with no occurrence ahead has no next start', () => {
    const occurrences = new Occurrences(ruleOf('FREQ=WEEKLY;UNTIL=20200101'), 1000, 'Europe/Amsterdam');
    expect(occurrences.nextStart(Date.parse('2026-01-01T00:00:00Z'))).toBeNull();
    expect(occurrences.at(Date.parse('2026-01-01T00:00:00Z'))).toBeNull();
  });
});
