import { IANAZone } from 'luxon';
import type { FileProblem } from '../core/errors';
import { localToMillis, parseLocalDateTime } from '../core/local-time';
import type { LocalDateTime } from '../core/local-time';
import { MatcherSyntaxError, parseMatchers } from '../core/matcher';
import { parseRecurrence } from './recurrence';
import type { Config, MaintenanceConfig } from './schema';
import { problemAt, scalarProblem } from './yaml-file';
import type { YamlFile } from './yaml-file';

/**
 * What is wrong with the `maintenance` section, each at its FILE:LINE:COL: a repeated name; a
 * window that covers nothing (no matchers, no healthModels) or a matcher that does not parse; an
 * unknown time zone; neither a one-off (start and end) nor a recurring window (rrule and
 * duration), or both at once; a local time that is not `YYYY-MM-DDTHH:MM[:SS]`; a one-off window
 * that ends at or before its start; an RRULE that does not parse; a duration of zero. Health model
 * names are not checked here: the rules load separately.
 */
export function maintenanceProblems(yaml: YamlFile, config: Config): FileProblem[] {
  const problems: FileProblem[] = [];
  const names = new Set<string>();
  config.maintenance.forEach((w, i) => {
    const where = (key?: string) => `maintenance[${i}]${key === undefined ? '' : `.${key}`}`;
    const at = (...path: (string | number)[]) => ['maintenance', i, ...path];
    if (names.has(w.name)) problems.push(problemAt(yaml, at('name'), `${where('name')}: duplicate maintenance window name "${w.name}"`));
    names.add(w.name);
    if (w.matchers.length === 0 && w.healthModels.length === 0) {
      problems.push(problemAt(yaml, at(), `${where()}: window "${w.name}" covers nothing; give matchers, healthModels or both`));
    }
    w.matchers.forEach((text, j) => {
      try {
        parseMatchers(text);
      } catch (error) {
        if (!(error instanceof MatcherSyntaxError)) throw error;
        problems.push(scalarProblem(yaml, at('matchers', j), error.offset, `${where(`matchers[${j}]`)}: ${error.message}`));
      }
    });
    const zoneKnown = IANAZone.isValidZone(w.timezone);
    if (!zoneKnown) problems.push(problemAt(yaml, at('timezone'), `${where('timezone')}: unknown time zone "${w.timezone}" (use an IANA name such as Europe/Amsterdam)`));
    problems.push(...scheduleProblems(yaml, w, i, zoneKnown));
  });
  return problems;
}

/** The problems of a window's times: its form (one-off or recurring), local times, order, rule and duration. */
function scheduleProblems(yaml: YamlFile, w: MaintenanceConfig, i: number, zoneKnown: boolean): FileProblem[] {
  const at = (key: string) => ['maintenance', i, key];
  const oneOff = (['start', 'end'] as const).filter((k) => w[k] !== undefined);
  const recurring = (['rrule', 'duration'] as const).filter((k) => w[k] !== undefined);
  const FORMS = 'a one-off window (start and end) or a recurring one (rrule and duration)';
  if (oneOff.length > 0 && recurring.length > 0) {
    const key = recurring[0] as string;
    return [problemAt(yaml, at(key), `maintenance[${i}].${key}: ${oneOff.join(' and ')} and ${recurring.join(' and ')} together; give ${FORMS}`, 'error', true)];
  }
  if (oneOff.length === 0 && recurring.length === 0) return [problemAt(yaml, ['maintenance', i], `maintenance[${i}]: no times; give ${FORMS}`)];
  if (oneOff.length === 1 || recurring.length === 1) {
    const [given, missing] = oneOff.length === 1 ? (oneOff[0] === 'start' ? ['start', 'end'] : ['end', 'start']) : recurring[0] === 'rrule' ? ['rrule', 'duration'] : ['duration', 'rrule'];
    return [problemAt(yaml, at(given), `maintenance[${i}].${given}: ${given} without ${missing}; give ${FORMS}`, 'error', true)];
  }
  const problems: FileProblem[] = [];
  if (w.rrule !== undefined) {
    const parsed = parseRecurrence(w.rrule);
    if ('error' in parsed) problems.push(problemAt(yaml, at('rrule'), `maintenance[${i}].rrule: ${parsed.error}`));
    if (w.duration === 0) problems.push(problemAt(yaml, at('duration'), `maintenance[${i}].duration: an occurrence must last longer than zero`));
    return problems;
  }
  const times: Partial<Record<'start' | 'end', LocalDateTime>> = {};
  for (const key of ['start', 'end'] as const) {
    const text = w[key] as string;
    const wall = parseLocalDateTime(text);
    if (wall) times[key] = wall;
    else problems.push(problemAt(yaml, at(key), `maintenance[${i}].${key}: "${text}" is not a local date and time YYYY-MM-DDTHH:MM (seconds optional; the zone is timezone)`));
  }
  if (times.start && times.end) {
    // Compared as instants in the window's zone: a window inside the hour a clock is set back is real time.
    const zone = zoneKnown ? w.timezone : 'UTC';
    if (localToMillis(times.end, zone) <= localToMillis(times.start, zone)) {
      problems.push(problemAt(yaml, at('end'), `maintenance[${i}].end: the window ends at or before its start (${w.start})`));
    }
  }
  return problems;
}
