import { DateTime, IANAZone } from 'luxon';
import type { FileProblem } from '../core/errors';
import { PRIORITIES } from '../core/vocabulary';
import type { Config } from './schema';
import { problemAt } from './yaml-file';
import type { YamlFile } from './yaml-file';

/** The built-in calendar's name: every moment is working time. */
export const BUILTIN_CALENDAR = '24x7';

/** A local wall-clock interval of a day, in minutes from midnight: [start, end), end at most 1440. */
export interface LocalInterval {
  startMin: number;
  endMin: number;
}

/** Parses `HH:MM-HH:MM` (24:00 allowed as an end) into minutes; null when malformed or empty. */
export function parseInterval(text: string): LocalInterval | null {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [h1, m1, h2, m2] = m.slice(1).map(Number) as [number, number, number, number];
  if (h1 > 23 || m1 > 59 || m2 > 59 || h2 > 24 || (h2 === 24 && m2 !== 0)) return null;
  const startMin = h1 * 60 + m1;
  const endMin = h2 * 60 + m2;
  return startMin < endMin ? { startMin, endMin } : null;
}

/**
 * What is wrong with the `sla` section, each at its FILE:LINE:COL: an unknown time zone, a
 * malformed or empty interval, intervals of one day that overlap, an invalid holiday, a repeated
 * name, a policy without a target for a priority, a calendar or default policy that does not exist.
 */
export function slaProblems(yaml: YamlFile, config: Config): FileProblem[] {
  const sla = config.sla;
  if (!sla) return [];
  const problems: FileProblem[] = [];
  const calendars = new Set<string>([BUILTIN_CALENDAR]);
  sla.calendars.forEach((c, i) => {
    const at = (...path: (string | number)[]) => ['sla', 'calendars', i, ...path];
    if (calendars.has(c.name)) problems.push(problemAt(yaml, at('name'), `sla.calendars[${i}].name: ${c.name === BUILTIN_CALENDAR ? '24x7 is the built-in calendar' : `duplicate calendar name "${c.name}"`}`));
    calendars.add(c.name);
    if (!IANAZone.isValidZone(c.timezone)) problems.push(problemAt(yaml, at('timezone'), `sla.calendars[${i}].timezone: unknown time zone "${c.timezone}" (use an IANA name such as Europe/Amsterdam)`));
    for (const [day, texts] of Object.entries(c.hours)) {
      const parsed: { interval: LocalInterval; j: number }[] = [];
      (texts ?? []).forEach((text, j) => {
        const interval = parseInterval(text);
        if (!interval) problems.push(problemAt(yaml, at('hours', day, j), `sla.calendars[${i}].hours.${day}[${j}]: "${text}" is not an interval HH:MM-HH:MM with its start before its end (24:00 may end it)`));
        else parsed.push({ interval, j });
      });
      parsed.sort((a, b) => a.interval.startMin - b.interval.startMin);
      for (let k = 1; k < parsed.length; k++) {
        const prev = parsed[k - 1]!;
        const cur = parsed[k]!;
        if (cur.interval.startMin < prev.interval.endMin) {
          problems.push(problemAt(yaml, at('hours', day, cur.j), `sla.calendars[${i}].hours.${day}[${cur.j}]: "${texts![cur.j]}" overlaps "${texts![prev.j]}"`));
        }
      }
    }
    c.holidays.forEach((d, j) => {
      if (!DateTime.fromISO(d).isValid) problems.push(problemAt(yaml, at('holidays', j), `sla.calendars[${i}].holidays[${j}]: "${d}" is not a date`));
    });
  });
  const policies = new Set<string>();
  sla.policies.forEach((p, i) => {
    const at = (...path: (string | number)[]) => ['sla', 'policies', i, ...path];
    if (policies.has(p.name)) problems.push(problemAt(yaml, at('name'), `sla.policies[${i}].name: duplicate policy name "${p.name}"`));
    policies.add(p.name);
    if (!calendars.has(p.calendar)) problems.push(problemAt(yaml, at('calendar'), `sla.policies[${i}].calendar: no calendar named "${p.calendar}"`));
    const missing = PRIORITIES.filter((priority) => !p.targets[priority]);
    if (missing.length > 0) problems.push(problemAt(yaml, at('targets'), `sla.policies[${i}].targets: policy "${p.name}" has no target for ${missing.join(', ')}`));
    for (const priority of PRIORITIES) {
      const target = p.targets[priority];
      if (target?.calendar !== undefined && !calendars.has(target.calendar)) {
        problems.push(problemAt(yaml, at('targets', priority, 'calendar'), `sla.policies[${i}].targets.${priority}.calendar: no calendar named "${target.calendar}"`));
      }
    }
  });
  if (sla.default !== undefined && !policies.has(sla.default)) problems.push(problemAt(yaml, ['sla', 'default'], `sla.default: no policy named "${sla.default}"`));
  return problems;
}
