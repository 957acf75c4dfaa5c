import { addWorkingTime, compileCalendars, workingTimeBetween } from '../../../src/sla/calendar';
import { parseDurationMs } from '../../../src/core/duration';

const everyDay = (interval: string) => ({ mon: [interval], tue: [interval], wed: [interval], thu: [interval], fri: [interval], sat: [interval], sun: [interval] });
const weekdays = (interval: string) => ({ mon: [interval], tue: [interval], wed: [interval], thu: [interval], fri: [interval] });

const calendars = compileCalendars([
    {
      name: 'office-nl',
      timezone: 'Europe/Amsterdam',
      hours: { mon: ['09:00-18:00'], tue: ['09:00-18:00'], wed: ['14:00-18:00', '09:00-13:00'], thu: ['09:00-18:00'], fri: ['09:00-17:00'] },
      holidays: ['2026-12-25', '2026-12-26', '2027-01-01'],
    },
    { name: 'ams-allday', timezone: 'Europe/Amsterdam', hours: everyDay('00:00-24:00'), holidays: [] },
    { name: 'ams-night', timezone: 'Europe/Amsterdam', hours: everyDay('01:00-04:00'), holidays: [] },
    { name: 'office-ny', timezone: 'America/New_York', hours: weekdays('09:00-17:00'), holidays: [] },
    { name: 'ny-night', timezone: 'America/New_York', hours: everyDay('01:00-04:00'), holidays: [] },
    { name: 'office-in', timezone: 'Asia/Kolkata', hours: weekdays('10:00-19:00'), holidays: [] },
    { name: 'lhi-allday', timezone: 'Australia/Lord_Howe', hours: everyDay('00:00-24:00'), holidays: [] },
    { name: 'lhi-night', timezone: 'Australia/Lord_Howe', hours: everyDay('01:00-04:00'), holidays: [] },
  ]
);

const due = (calendar: string, from: string, duration: string): string => {
  const cal = calendars.get(calendar);
  if (!cal) throw new Error(`no calendar ${calendar}`);
  return new Date(addWorkingTime(cal, Date.parse(from), parseDurationMs(duration)!)).toISOString();
};
const between = (calendar: string, from: string, to: string): number => workingTimeBetween(calendars.get(calendar)!, Date.parse(from), Date.parse(to)) / 60_000;

// Each answer is worked out by hand from the calendar, the weekday and the zone's offset that day
// (Amsterdam +01:00 in winter, +02:00 in summer; New York -05:00/-04:00; Kolkata +05:30;
// Lord Howe +10:30 standard, +11:00 in summer).
describe('working time: the moment DUR of working time has passed', () => {
  test.each([
    // office-nl: Mon, Tue, Thu 09-18; Wed 09-13 and 14-18; Fri 09-17; winter, +01:00.
    ['inside an interval', 'office-nl', '2026-11-30T10:00:00+01:00', '1h', '2026-11-30T10:00:00.000Z'],
    ['before the day starts', 'office-nl', '2026-11-30T08:00:00+01:00', '30m', '2026-11-30T08:30:00.000Z'],
    ['exactly at the start, landing exactly at the end', 'office-nl', '2026-11-30T09:00:00+01:00', '9h', '2026-11-30T17:00:00.000Z'],
    ['across the night', 'office-nl', '2026-11-30T17:30:00+01:00', '1h', '2026-12-01T08:30:00.000Z'],
    ['exactly at the end of the day', 'office-nl', '2026-11-30T18:00:00+01:00', '1m', '2026-12-01T08:01:00.000Z'],
    ['after the day ended', 'office-nl', '2026-11-30T20:00:00+01:00', '2h', '2026-12-01T10:00:00.000Z'],
    ['across the lunch break', 'office-nl', '2026-12-02T12:30:00+01:00', '1h', '2026-12-02T13:30:00.000Z'],
    ['from inside the lunch break', 'office-nl', '2026-12-02T13:30:00+01:00', '15m', '2026-12-02T13:15:00.000Z'],
    ['zero duration is the start itself', 'office-nl', '2026-12-02T13:00:00+01:00', '0s', '2026-12-02T12:00:00.000Z'],
    ['zero duration outside working hours too', 'office-nl', '2026-12-27T10:00:00+01:00', '0s', '2026-12-27T09:00:00.000Z'],
    ['a whole Wednesday with its break', 'office-nl', '2026-12-02T09:00:00+01:00', '8h', '2026-12-02T17:00:00.000Z'],
    ['four hours over the break', 'office-nl', '2026-12-02T10:00:00+01:00', '4h', '2026-12-02T14:00:00.000Z'],
    ['exactly at the end of the morning', 'office-nl', '2026-12-02T13:00:00+01:00', '1m', '2026-12-02T13:01:00.000Z'],
    ['exactly at the start of the afternoon', 'office-nl', '2026-12-02T14:00:00+01:00', '4h', '2026-12-02T17:00:00.000Z'],
    ['one minute over a night', 'office-nl', '2026-12-01T17:59:00+01:00', '2m', '2026-12-02T08:01:00.000Z'],
    ['a whole day after the evening', 'office-nl', '2026-12-02T18:00:00+01:00', '8h', '2026-12-03T16:00:00.000Z'],
    ['to the end of a short Friday', 'office-nl', '2026-12-03T09:00:00+01:00', '17h', '2026-12-04T16:00:00.000Z'],
    ['one minute past a Friday: Monday', 'office-nl', '2026-12-03T09:00:00+01:00', '17h1m', '2026-12-07T08:01:00.000Z'],
    ['across a weekend', 'office-nl', '2026-12-04T16:00:00+01:00', '2h', '2026-12-07T09:00:00.000Z'],
    ['from a Saturday', 'office-nl', '2026-12-05T12:00:00+01:00', '1h', '2026-12-07T09:00:00.000Z'],
    ['from a Sunday night', 'office-nl', '2026-12-06T23:59:00+01:00', '9h', '2026-12-07T17:00:00.000Z'],
    ['a whole week, 43 working hours', 'office-nl', '2026-11-30T09:00:00+01:00', '43h', '2026-12-04T16:00:00.000Z'],
    ['a week and an hour', 'office-nl', '2026-11-30T09:00:00+01:00', '44h', '2026-12-07T09:00:00.000Z'],
    ['3d is 72 working hours', 'office-nl', '2026-11-30T09:00:00+01:00', '3d', '2026-12-10T11:00:00.000Z'],
    ['10d over Christmas and a year end', 'office-nl', '2026-11-30T09:00:00+01:00', '10d', '2027-01-08T14:00:00.000Z'],
    ['over Christmas holidays', 'office-nl', '2026-12-24T17:00:00+01:00', '2h', '2026-12-28T09:00:00.000Z'],
    ['from a holiday', 'office-nl', '2026-12-25T10:00:00+01:00', '1h', '2026-12-28T09:00:00.000Z'],
    ['over a year end and New Year', 'office-nl', '2026-12-31T17:00:00+01:00', '3h', '2027-01-04T10:00:00.000Z'],
    ['a start given in UTC', 'office-nl', '2026-11-30T08:30:00Z', '30m', '2026-11-30T09:00:00.000Z'],
    ['a start given in another offset', 'office-nl', '2026-11-30T03:00:00-05:00', '1h', '2026-11-30T09:00:00.000Z'],
    ['a weekend before the spring change (office hours untouched)', 'office-nl', '2026-03-27T16:00:00+01:00', '2h', '2026-03-30T08:00:00.000Z'],
    ['a weekend before the autumn change (office hours untouched)', 'office-nl', '2026-10-23T16:30:00+02:00', '1h', '2026-10-26T08:30:00.000Z'],
    // Amsterdam, every hour of every day: working time is real time, across both changes.
    ['all day across the spring change', 'ams-allday', '2026-03-28T23:00:00+01:00', '4h', '2026-03-29T02:00:00.000Z'],
    ['all day across the autumn change: 25 real hours to the next midnight', 'ams-allday', '2026-10-25T00:00:00+02:00', '25h', '2026-10-25T23:00:00.000Z'],
    // Amsterdam 01:00-04:00 every day: the change falls inside the interval.
    ['a night interval that the spring change shortens to 2h', 'ams-night', '2026-03-28T12:00:00+01:00', '3h', '2026-03-30T00:00:00.000Z'],
    ['a night interval that the autumn change lengthens to 4h', 'ams-night', '2026-10-24T12:00:00+02:00', '4h', '2026-10-25T03:00:00.000Z'],
    ['an ordinary night', 'ams-night', '2026-11-30T00:30:00+01:00', '1h', '2026-11-30T01:00:00.000Z'],
    // New York, Mon-Fri 09-17.
    ['New York across the spring change (office hours)', 'office-ny', '2026-03-06T16:00:00-05:00', '2h', '2026-03-09T14:00:00.000Z'],
    ['New York, a whole EDT Monday from a Saturday', 'office-ny', '2026-03-07T10:00:00-05:00', '8h', '2026-03-09T21:00:00.000Z'],
    ['New York, a whole EST Friday', 'office-ny', '2026-03-06T09:00:00-05:00', '8h', '2026-03-06T22:00:00.000Z'],
    ['New York across the autumn change (office hours)', 'office-ny', '2026-10-30T16:00:00-04:00', '2h', '2026-11-02T15:00:00.000Z'],
    ['New York, a night shortened by the spring change', 'ny-night', '2026-03-07T12:00:00-05:00', '2h30m', '2026-03-09T05:30:00.000Z'],
    ['New York, a night lengthened by the autumn change', 'ny-night', '2026-10-31T12:00:00-04:00', '3h30m', '2026-11-01T08:30:00.000Z'],
    ['New York, an ordinary night', 'ny-night', '2026-12-01T05:00:00Z', '3h', '2026-12-01T09:00:00.000Z'],
    // Kolkata, +05:30, Mon-Fri 10-19.
    ['Kolkata, before the day starts', 'office-in', '2026-11-30T09:00:00+05:30', '1h', '2026-11-30T05:30:00.000Z'],
    ['Kolkata, across the night', 'office-in', '2026-11-30T18:30:00+05:30', '1h', '2026-12-01T05:00:00.000Z'],
    ['Kolkata, a whole day from UTC midnight', 'office-in', '2026-11-30T00:00:00Z', '9h', '2026-11-30T13:30:00.000Z'],
    ['Kolkata, from a Saturday', 'office-in', '2026-12-05T12:00:00+05:30', '1h', '2026-12-07T05:30:00.000Z'],
    // Lord Howe: a 30-minute daylight-saving shift.
    ['Lord Howe, a night that the April change lengthens by 30 minutes', 'lhi-night', '2026-04-04T12:00:00+11:00', '3h30m', '2026-04-04T17:30:00.000Z'],
    ['Lord Howe, a night that the October change shortens by 30 minutes', 'lhi-night', '2026-10-03T12:00:00+10:30', '3h', '2026-10-04T14:30:00.000Z'],
    ['Lord Howe, an ordinary hour', 'lhi-allday', '2026-12-01T00:00:00Z', '1h', '2026-12-01T01:00:00.000Z'],
    // 24x7.
    ['24x7, a P1 response', '24x7', '2026-12-24T16:30:00+01:00', '15m', '2026-12-24T15:45:00.000Z'],
    ['24x7, 3d over a year end is 72 real hours', '24x7', '2026-12-31T23:00:00Z', '3d', '2027-01-03T23:00:00.000Z'],
    ['24x7, zero', '24x7', '2026-12-31T23:00:00Z', '0s', '2026-12-31T23:00:00.000Z'],
  ])('%s (%s from %s + %s)', (_what, calendar, from, duration, expected) => {
    expect(due(calendar, from, duration)).toBe(expected);
  });
});

describe('working time between two moments', () => {
  test.each([
    ['a whole office week', 'office-nl', '2026-11-30T00:00:00+01:00', '2026-12-07T00:00:00+01:00', 43 * 60],
    ['over the lunch break', 'office-nl', '2026-12-02T12:00:00+01:00', '2026-12-02T15:00:00+01:00', 120],
    ['over Christmas', 'office-nl', '2026-12-24T12:00:00+01:00', '2026-12-28T12:00:00+01:00', 9 * 60],
    ['backwards is nothing', 'office-nl', '2026-12-28T12:00:00+01:00', '2026-12-24T12:00:00+01:00', 0],
    ['the short day of the spring change', 'ams-allday', '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00', 23 * 60],
    ['the long day of the autumn change', 'ams-allday', '2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00', 25 * 60],
    ['Lord Howe, the day of the April change: 24h30m', 'lhi-allday', '2026-04-05T00:00:00+11:00', '2026-04-06T00:00:00+10:30', 24 * 60 + 30],
    ['Lord Howe, the day of the October change: 23h30m', 'lhi-allday', '2026-10-04T00:00:00+10:30', '2026-10-05T00:00:00+11:00', 23 * 60 + 30],
    ['24x7 is real time', '24x7', '2026-12-24T00:00:00Z', '2026-12-25T06:00:00Z', 30 * 60],
  ])('%s', (_what, calendar, from, to, minutes) => {
    expect(between(calendar, from, to)).toBe(minutes);
  });

  test('adding the working time between two working moments gets back to the later one', () => {
    const cal = calendars.get('office-nl')!;
    const from = Date.parse('2026-12-03T10:15:00+01:00');
    const to = Date.parse('2026-12-09T15:40:00+01:00');
    expect(addWorkingTime(cal, from, workingTimeBetween(cal, from, to))).toBe(to);
  });
});
