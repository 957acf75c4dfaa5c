import { slaJson } from '../sla/view';
import type { IncidentRecord } from '../store/store';
import type { ExpectedIncident, ExpectedNotification } from './test-file';

const SUMMARY_FIELDS: (keyof ExpectedIncident)[] = ['healthModel', 'metric', 'status', 'priority'];

/**
 * Compares the incidents of the store (oldest first) with a step's expectation, field by field
 * and only on the fields the expectation names. Returns one readable line per difference, each
 * with the expected and the actual value; an empty list means they agree. Pure.
 */
export function compareIncidents(expected: readonly ExpectedIncident[], actual: readonly IncidentRecord[], now: number): string[] {
  if (expected.length !== actual.length) return countMismatch(expected, actual, now);
  const lines: string[] = [];
  expected.forEach((want, i) => {
    const got = actual[i] as IncidentRecord;
    for (const field of Object.keys(want) as (keyof ExpectedIncident)[]) {
      const value = actualValue(got, field, now);
      if (field === 'sla' || field === 'suppressed') {
        const diff = field === 'sla' ? compareSla(want.sla ?? null, value as ReturnType<typeof slaJson>) : comparePartial('suppressed', want.suppressed ?? null, got.suppressed);
        lines.push(...diff.map((l) => `incidents[${i}] (${got.healthModel}/${got.metric}) ${l}`));
        continue;
      }
      if (value !== want[field]) {
        lines.push(`incidents[${i}] (${got.healthModel}/${got.metric}) ${field}: expected ${JSON.stringify(want[field])}, actual ${JSON.stringify(value)}`);
      }
    }
  });
  return lines;
}

function actualValue(incident: IncidentRecord, field: keyof ExpectedIncident, now: number): unknown {
  return field === 'sla' ? slaJson(incident, now) : incident[field];
}

/** The fields of an object the expectation names (null expects null). */
function comparePartial(name: string, want: Record<string, unknown> | null, got: object | null): string[] {
  if (want === null || got === null) return want === got ? [] : [`${name}: expected ${JSON.stringify(want)}, actual ${JSON.stringify(got)}`];
  return Object.entries(want)
    .filter(([k, v]) => (got as Record<string, unknown>)[k] !== v)
    .map(([k, v]) => `${name}.${k}: expected ${JSON.stringify(v)}, actual ${JSON.stringify((got as Record<string, unknown>)[k])}`);
}

/** The SLA fields the expectation names; times equal to the second, whatever offset they are written with. */
function compareSla(want: ExpectedIncident['sla'] | null, got: ReturnType<typeof slaJson>): string[] {
  if (want === null || got === null) return want === got ? [] : [`sla: expected ${JSON.stringify(want)}, actual ${JSON.stringify(got)}`];
  const lines: string[] = [];
  for (const [field, expected] of Object.entries(want as Record<string, unknown>)) {
    const actual = got[field as keyof typeof got];
    const same = field.endsWith('At') && typeof expected === 'string' && typeof actual === 'string' ? Math.floor(Date.parse(expected) / 1000) === Math.floor(Date.parse(actual) / 1000) : expected === actual;
    if (!same) lines.push(`sla.${field}: expected ${JSON.stringify(expected)}, actual ${JSON.stringify(actual)}`);
  }
  return lines;
}

/** A count mismatch shows both lists as a diff: `-` expected, `+` actual, on the fields expected names. */
function countMismatch(expected: readonly ExpectedIncident[], actual: readonly IncidentRecord[], now: number): string[] {
  const named = new Set<keyof ExpectedIncident>(expected.flatMap((e) => Object.keys(e) as (keyof ExpectedIncident)[]));
  const fields = named.size > 0 ? [...named] : SUMMARY_FIELDS;
  const lines = [`expected ${expected.length} incident${expected.length === 1 ? '' : 's'}, actual ${actual.length}:`];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const want = expected[i];
    const got = actual[i];
    const rowFields = want ? (Object.keys(want) as (keyof ExpectedIncident)[]) : fields;
    const gotText = got ? inline(Object.fromEntries(rowFields.map((f) => [f, actualValue(got, f, now)]))) : null;
    const wantText = want ? inline(want) : null;
    if (wantText !== null && wantText === gotText) {
      lines.push(`    incidents[${i}] ${wantText}`);
      continue;
    }
    if (wantText !== null) lines.push(`  - incidents[${i}] ${wantText}`);
    if (gotText !== null) lines.push(`  + incidents[${i}] ${gotText}`);
  }
  return lines;
}

function inline(record: Record<string, unknown>): string {
  return `{${Object.entries(record)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ')}}`;
}

/** A notification a step queued, as a rule test sees it. */
export interface QueuedNotification {
  channel: string;
  event: string;
  healthModel: string;
  metric: string;
  /** The line it is for. */
  line: string | null;
}

/**
 * Compares the notifications a step queued with its expectation, in order and on the fields the
 * expectation names; a different count shows both lists. Pure.
 */
export function compareNotifications(expected: readonly ExpectedNotification[], actual: readonly QueuedNotification[]): string[] {
  const show = (n: Record<string, unknown>, fields: string[]): string => inline(Object.fromEntries(fields.map((f) => [f, n[f]])));
  if (expected.length !== actual.length) {
    const lines = [`expected ${expected.length} notification${expected.length === 1 ? '' : 's'} queued, actual ${actual.length}:`];
    for (const want of expected) lines.push(`  - ${inline(want)}`);
    for (const got of actual) lines.push(`  + ${show({ ...got }, ['channel', 'event', 'healthModel', 'metric'])}`);
    return lines;
  }
  const lines: string[] = [];
  expected.forEach((want, i) => {
    const got = actual[i] as QueuedNotification;
    for (const field of Object.keys(want) as (keyof ExpectedNotification)[]) {
      if (got[field] !== want[field]) lines.push(`notifications[${i}] ${field}: expected ${JSON.stringify(want[field])}, actual ${JSON.stringify(got[field])}`);
    }
  });
  return lines;
}
