import { RRule } from 'rrule';
import { parseLocalDateTime } from '../core/local-time';

/**
 * The DTSTART of a rule that gives none, in local time. It fixes what the rule leaves open: the
 * weekday of a WEEKLY rule without BYDAY (a Saturday), the time of day without BYHOUR and
 * BYMINUTE (00:00), and the phase of an INTERVAL above 1.
 */
export const DEFAULT_DTSTART = { year: 2000, month: 1, day: 1 } as const;

/** A parsed recurrence, or what is wrong with its text. */
export type RecurrenceResult = { rule: RRule } | { error: string };

const WEEKDAY = '(?:MO|TU|WE|TH|FR|SA|SU)';

/** What each part of the rule may hold (RFC 5545 3.3.10), as a check that returns what is wrong. */
const PARTS: Record<string, (value: string) => string | null> = {
  FREQ: (v) =>
    /^(YEARLY|MONTHLY|WEEKLY|DAILY|HOURLY)$/.test(v)
      ? null
      : /^(MINUTELY|SECONDLY)$/.test(v)
        ? `FREQ=${v}: a maintenance window recurs at most hourly`
        : `FREQ=${v}: not one of YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY`,
  UNTIL: (v) => (/^\d{8}(T\d{6}Z?)?$/.test(v) && basicDate(v) !== null ? null : `UNTIL=${v}: not a date YYYYMMDD or a time YYYYMMDDTHHMMSS`),
  COUNT: (v) => (/^[1-9]\d{0,5}$/.test(v) ? null : `COUNT=${v}: not a number above 0`),
  INTERVAL: (v) => (/^[1-9]\d{0,5}$/.test(v) ? null : `INTERVAL=${v}: not a number above 0`),
  BYSECOND: numberList('BYSECOND', 'a second', 0, 59, false),
  BYMINUTE: numberList('BYMINUTE', 'a minute', 0, 59, false),
  BYHOUR: numberList('BYHOUR', 'an hour', 0, 23, false),
  BYDAY: (v) => {
    for (const item of v.split(',')) {
      const m = new RegExp(`^([+-]?\\d{1,2})?${WEEKDAY}$`).exec(item);
      if (!m || (m[1] !== undefined && !(Math.abs(Number(m[1])) >= 1 && Math.abs(Number(m[1])) <= 53))) return `BYDAY=${v}: "${item}" is not a weekday such as SU, MO or -1SU`;
    }
    return null;
  },
  BYMONTHDAY: numberList('BYMONTHDAY', 'a day of the month', 1, 31, true),
  BYYEARDAY: numberList('BYYEARDAY', 'a day of the year', 1, 366, true),
  BYWEEKNO: numberList('BYWEEKNO', 'a week of the year', 1, 53, true),
  BYMONTH: numberList('BYMONTH', 'a month', 1, 12, false),
  BYSETPOS: numberList('BYSETPOS', 'a position', 1, 366, true),
  WKST: (v) => (new RegExp(`^${WEEKDAY}$`).test(v) ? null : `WKST=${v}: not a weekday such as MO`),
};

/** A check of a comma-separated list of integers in [min, max]; `signed` also allows -max..-min. */
function numberList(part: string, what: string, min: number, max: number, signed: boolean): (value: string) => string | null {
  return (value) => {
    for (const item of value.split(',')) {
      const ok = (signed ? /^[+-]?\d{1,3}$/ : /^\+?\d{1,3}$/).test(item) && Math.abs(Number(item)) >= min && Math.abs(Number(item)) <= max;
      if (!ok) return `${part}=${value}: "${item}" is not ${what} ${signed ? `${min}..${max} or -${max}..-${min}` : `${min}..${max}`}`;
    }
    return null;
  };
}

/** `YYYYMMDD` or `YYYYMMDDTHHMMSS[Z]` as floating time; null when it is no real date and time. */
function basicDate(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(text);
  const wall = m ? parseLocalDateTime(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}`) : null;
  return wall && new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
}

/** What is wrong with the parts of one RRULE value (`FREQ=WEEKLY;BYDAY=SU`), or null. */
function ruleProblem(body: string, hasDtstart: boolean): string | null {
  const seen = new Map<string, string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const check = PARTS[name];
    if (eq < 0 || !check) return `"${part}" is not a part of an RRULE (NAME=VALUE, e.g. FREQ=WEEKLY)`;
    if (seen.has(name)) return `${name} is given twice`;
    const value = part.slice(eq + 1);
    seen.set(name, value);
    const problem = check(value);
    if (problem) return problem;
  }
  const freq = seen.get('FREQ');
  if (freq === undefined) return 'FREQ is missing (e.g. FREQ=WEEKLY)';
  if (seen.has('COUNT') && seen.has('UNTIL')) return 'COUNT and UNTIL together: give one of them';
  if (seen.has('COUNT') && !hasDtstart) return 'COUNT counts occurrences from DTSTART: give a DTSTART line (e.g. DTSTART:20260301T020000), or use UNTIL';
  if (seen.has('BYWEEKNO') && freq !== 'YEARLY') return 'BYWEEKNO needs FREQ=YEARLY';
  if (seen.has('BYMONTHDAY') && freq === 'WEEKLY') return 'BYMONTHDAY does not go with FREQ=WEEKLY';
  if (/\d/.test(seen.get('BYDAY') ?? '') && freq !== 'MONTHLY' && freq !== 'YEARLY') return 'a numbered BYDAY (such as -1SU) needs FREQ=MONTHLY or FREQ=YEARLY';
  return null;
}

/**
 * Reads an RFC 5545 recurrence: one RRULE value (`FREQ=WEEKLY;BYDAY=SU;BYHOUR=2`, `RRULE:`
 * optional), optionally after a line `DTSTART:YYYYMMDDTHHMMSS`. Every time in it is local to the
 * window's zone, so the rule is built in rrule's floating time: the UTC fields of its dates are
 * the wall clock (no TZID, no `Z` on DTSTART; UNTIL is read as local time, `Z` or not). Without
 * DTSTART the rule starts at DEFAULT_DTSTART. MINUTELY and SECONDLY rules are refused, and so are
 * EXDATE, RDATE and other iCalendar properties. Pure; never throws.
 */
export function parseRecurrence(text: string): RecurrenceResult {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  let dtstart: Date | null = null;
  let body: string | null = null;
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (upper.startsWith('DTSTART')) {
      const m = /^DTSTART:(\d{8}T\d{6})$/.exec(upper);
      if (!m) return { error: `"${line}": DTSTART must be a local time such as DTSTART:20260301T020000, without TZID or Z (the window's timezone applies)` };
      if (dtstart) return { error: 'DTSTART is given twice' };
      dtstart = basicDate(m[1] as string);
      if (!dtstart) return { error: `"${line}": not a real date and time` };
      continue;
    }
    const property = /^([A-Z-]+)(?:;[^:]*)?:/.exec(upper);
    if (property && property[1] !== 'RRULE') return { error: `${property[1]} is not supported: give one RRULE, optionally after a DTSTART line` };
    if (body !== null) return { error: 'more than one RRULE: give one per window' };
    body = upper.replace(/^RRULE:/, '');
  }
  if (body === null) return { error: 'no RRULE (e.g. FREQ=WEEKLY;BYDAY=SU;BYHOUR=2)' };
  const problem = ruleProblem(body, dtstart !== null);
  if (problem) return { error: problem };
  try {
    const options = RRule.parseString(body);
    const start = dtstart ?? new Date(Date.UTC(DEFAULT_DTSTART.year, DEFAULT_DTSTART.month - 1, DEFAULT_DTSTART.day));
    // noCache: rrule would otherwise keep every query's answer for the life of the rule.
    return { rule: new RRule({ ...options, dtstart: start, tzid: null }, true) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
