import { formatLocalDateTime, localToMillis, millisToLocal, parseLocalDateTime } from '../../../src/core/local-time';

describe('parseLocalDateTime', () => {
  test.each([
    ['2026-12-05T01:00', { year: 2026, month: 12, day: 5, hour: 1, minute: 0, second: 0 }],
    ['2028-02-29T23:59:59', { year: 2028, month: 2, day: 29, hour: 23, minute: 59, second: 59 }],
  ])('%s', (text, expected) => {
    expect(parseLocalDateTime(text)).toEqual(expected);
    expect(formatLocalDateTime(expected)).toBe(text.length === 16 ? `${text}:00` : text);
  });

  test.each(['2026-12-05 01:00', '2026-12-05T01', '2026-12-05T1:00', '2026-12-05T01:00Z', '2026-12-05T01:00+01:00', '2026-12-05T01:00:00.5', '2027-02-29T00:00', '2026-12-05T24:00', '2026-12-05T23:60', '2026-13-01T00:00', ''])(
    '%j is not a local date and time',
    (text) => {
      expect(parseLocalDateTime(text)).toBeNull();
    },
  );
});

describe('localToMillis', () => {
  const at = (text: string, zone: string): string => new Date(localToMillis(parseLocalDateTime(text)!, zone)).toISOString();

  test.each([
    ['2026-07-01T12:00', 'Europe/Amsterdam', '2026-07-01T10:00:00.000Z'],
    // Skipped: moved forward by the change.
    ['2026-03-29T02:30', 'Europe/Amsterdam', '2026-03-29T01:30:00.000Z'],
    ['2026-03-08T02:00', 'America/New_York', '2026-03-08T07:00:00.000Z'],
    // Shown twice: the first.
    ['2026-10-25T02:30', 'Europe/Amsterdam', '2026-10-25T00:30:00.000Z'],
    ['2026-11-01T01:59:59', 'America/New_York', '2026-11-01T05:59:59.000Z'],
    // Lord Howe sets its clock back half an hour: 01:45 is first shown at +11:00.
    ['2026-04-05T01:45', 'Australia/Lord_Howe', '2026-04-04T14:45:00.000Z'],
  ])('%s in %s is %s', (text, zone, expected) => {
    expect(at(text, zone)).toBe(expected);
  });

  test('millisToLocal reads the wall clock back', () => {
    expect(millisToLocal(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Amsterdam')).toEqual({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 });
  });
});
