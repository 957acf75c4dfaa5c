import { z } from 'zod';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

const MAX_ISSUES_PER_MAP = 50;

/** More alerts than any webhook within the body limit carries; a longer list is refused before validation. */
export const MAX_ALERTS_PER_WEBHOOK = 20_000;

/** Go's zero time and anything before 1970: "not set". */
const ZERO_BEFORE_MS = 0;

/** An RFC 3339 timestamp with 0 to 9 fractional digits and any offset, as epoch ms. */
export const timestamp = z.string().transform((text, ctx) => {
  const ms = RFC3339.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `not an RFC 3339 timestamp: ${JSON.stringify(text.slice(0, 40))}` });
    return z.NEVER;
  }
  return ms;
});

/** A timestamp where Go's zero time (and null or absence) means "not set". */
export const optionalTimestamp = z
  .union([timestamp, z.null(), z.literal('')])
  .optional()
  .transform((ms) => (typeof ms === 'number' && ms > ZERO_BEFORE_MS ? ms : null));

/**
 * A label or annotation set: an object of strings, copied into a prototype-free object so that
 * keys such as `__proto__` stay data. `lenient` turns numbers and booleans into strings and drops
 * nulls (annotations); labels must be strings.
 */
export function stringMap(options: { lenient: boolean }) {
  return z.unknown().transform((value, ctx) => {
    const out = Object.create(null) as Record<string, string>;
    if (value === null || value === undefined) {
      if (!options.lenient) ctx.addIssue({ code: 'custom', message: 'expected an object of strings' });
      return out;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'expected an object of strings' });
      return z.NEVER;
    }
    let issues = 0;
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (typeof v === 'string') out[key] = v;
      else if (options.lenient && (typeof v === 'number' || typeof v === 'boolean')) out[key] = String(v);
      else if (options.lenient && v === null) continue;
      else if (++issues <= MAX_ISSUES_PER_MAP) {
        ctx.addIssue({ code: 'custom', message: `expected a string, got ${v === null ? 'null' : typeof v}`, path: [key.length > 200 ? `${key.slice(0, 200)}…` : key] });
      } else {
        // Thousands of bad values would make thousands of issues: one says there are more.
        ctx.addIssue({ code: 'custom', message: 'more values are not strings' });
        break;
      }
    }
    return out;
  });
}

/** Turns zod's issues into `{path, message}` pairs with readable paths: `alerts[0].labels.job`. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 50).map((issue) => {
    let path = '';
    for (const key of issue.path) path += typeof key === 'number' ? `[${key}]` : `${path ? '.' : ''}${String(key)}`;
    return { path: path || '(body)', message: issue.message };
  });
}

const FINGERPRINT = /^[0-9a-f]{1,64}$/i;

/** The fields of one alert in Alertmanager's webhook, which Grafana's unified webhook extends. */
export const alertmanagerAlertShape = {
  status: z.enum(['firing', 'resolved']),
  labels: stringMap({ lenient: false }),
  annotations: stringMap({ lenient: true }).optional(),
  startsAt: timestamp,
  endsAt: optionalTimestamp,
  generatorURL: z.string().nullish(),
  fingerprint: z.union([z.string().regex(FINGERPRINT, 'expected a hex fingerprint'), z.literal(''), z.null()]).optional(),
};

/**
 * A cheap look at `alerts` before the schema runs, so that a hostile list (a million numbers)
 * costs one pass and a short answer instead of an issue per element. Null when it looks sane.
 */
export function precheckAlertList(body: unknown): { path: string; message: string }[] | null {
  if (body === null || typeof body !== 'object' || !Array.isArray((body as { alerts?: unknown }).alerts)) return null;
  const alerts = (body as { alerts: unknown[] }).alerts;
  if (alerts.length > MAX_ALERTS_PER_WEBHOOK) return [{ path: 'alerts', message: `more than ${MAX_ALERTS_PER_WEBHOOK} alerts in one webhook` }];
  const issues: { path: string; message: string }[] = [];
  for (let i = 0; i < alerts.length && issues.length < 50; i++) {
    const a = alerts[i];
    if (a === null || typeof a !== 'object' || Array.isArray(a)) issues.push({ path: `alerts[${i}]`, message: 'expected an alert object' });
  }
  return issues.length > 0 ? issues : null;
}
