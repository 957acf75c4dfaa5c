import { z } from 'zod';
import { InvalidPayloadError } from '../core/errors';
import type { Issue } from '../core/errors';
import { labelsFingerprint } from './fingerprint';
import { describeIssues } from './payload-fields';
import { SEVERITY_LEVEL_LABEL, severityFromZabbix, withSeverityLevel } from './severity';
import type { AlertSource, AlertUpdate, NormalizedAlert } from './source';
import { offsetMinutes, presentFields, readMoment, tagLabels } from './zabbix-fields';
import type { ZabbixTag } from './zabbix-fields';

/** Zabbix severity names by `{EVENT.NSEVERITY}` (0 to 5), as the `severity` label carries them. */
export const ZABBIX_SEVERITIES = ['not_classified', 'information', 'warning', 'average', 'high', 'disaster'] as const;

/** The labels the Zabbix source sets itself; an event tag with one of these names becomes `tag_<name>`. */
export const ZABBIX_LABELS: ReadonlySet<string> = new Set([
  'alertname',
  'host',
  'host_name',
  'host_ip',
  'host_groups',
  'trigger_id',
  'zabbix_event_id',
  'zabbix_server',
  'severity',
  'zabbix_severity',
  SEVERITY_LEVEL_LABEL,
]);

const tag = z.object({
  tag: z.string(),
  value: z
    .union([z.string(), z.number(), z.boolean(), z.null()])
    .optional()
    .transform((v) => (v === null || v === undefined ? '' : String(v))),
});

// `{EVENT.TAGSJSON}` parsed by the media type; tolerated as JSON text, and ignored when it is other text.
const tags = z.preprocess((value) => {
  if (value === undefined) return [];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return [];
  }
}, z.array(tag, { error: 'expected the array of {tag, value} that {EVENT.TAGSJSON} gives' }));

const text = z.string().optional();

// Every value arrives as a string; presentFields has already dropped unexpanded macros and blanks.
const bodySchema = z.object({
  event_value: z.enum(['0', '1'], { error: 'expected "1" (problem) or "0" (recovery)' }),
  event_update_status: z.enum(['0', '1'], { error: 'expected "1" (update operation) or "0"' }).optional(),
  event_id: z.string({ error: 'expected the numeric {EVENT.ID}' }).regex(/^\d+$/, 'expected the numeric {EVENT.ID}'),
  event_name: z.string({ error: 'expected the problem name {EVENT.NAME}' }),
  event_nseverity: z.enum(['0', '1', '2', '3', '4', '5'], { error: 'expected {EVENT.NSEVERITY}, 0 to 5' }).optional(),
  event_tags: tags,
  event_opdata: text,
  event_update_action: text,
  event_update_message: text,
  event_timezone: text,
  trigger_id: text,
  trigger_description: text,
  host_host: text,
  host_name: text,
  host_ip: text,
  host_groups: text,
  user_fullname: text,
  alert_message: text,
  event_url: text,
  zabbix_server: text,
});

type ZabbixBody = z.output<typeof bodySchema>;

/**
 * Zabbix through the incident-bridge webhook media type (`deploy/zabbix/`): one body per event,
 * with every macro value as a string. A problem fires, an update operation is a delivery of the same
 * activation carrying the sender's note, a recovery resolves it; all three share the fingerprint
 * of `{EVENT.ID}` (and `zabbix_server` when set) and the problem's start time.
 */
export class ZabbixSource implements AlertSource {
  readonly type = 'zabbix';

  parse(body: unknown): NormalizedAlert[] {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidPayloadError('zabbix', [{ path: '(body)', message: 'expected a JSON object of Zabbix macro values' }]);
    }
    const fields = presentFields(body as Record<string, unknown>);
    const parsed = bodySchema.safeParse(fields);
    if (!parsed.success) throw new InvalidPayloadError('zabbix', describeIssues(parsed.error));
    const f = parsed.data;

    const issues: Issue[] = [];
    const offset = offsetMinutes(f.event_timezone);
    if (offset === null) issues.push({ path: 'event_timezone', message: 'expected UTC or an offset such as +03:00' });
    const moment = (prefix: string): number | null => {
      const m = readMoment(fields, prefix, offset ?? 0);
      if ('ms' in m) return m.ms;
      issues.push(m.issue);
      return null;
    };
    const problemIssues = issues.length;
    const startsAt = moment('event');
    if (startsAt === null && issues.length === problemIssues) {
      issues.push({ path: 'event_timestamp', message: 'expected Unix seconds, or event_date and event_time, of the problem' });
    }
    const isUpdate = f.event_update_status === '1';
    const status = f.event_value === '1' ? 'firing' : 'resolved';
    const endsAt = status === 'resolved' ? moment('event_recovery') : null;
    const updatedAt = isUpdate ? moment('event_update') : null;
    if (issues.length > 0 || startsAt === null) throw new InvalidPayloadError('zabbix', issues);

    const labels = zabbixLabels(f);
    const identity: Record<string, string> = { zabbix_event_id: f.event_id };
    if (f.zabbix_server !== undefined) identity.zabbix_server = f.zabbix_server;
    const alert: NormalizedAlert = {
      fingerprint: labelsFingerprint(identity),
      // An update after the recovery arrives with event_value 0: resolved, so it re-opens nothing.
      status,
      labels,
      annotations: zabbixAnnotations(f),
      startsAt,
      endsAt,
      generatorURL: f.event_url !== undefined && /^https?:\/\//i.test(f.event_url) ? f.event_url : null,
    };
    if (isUpdate) alert.update = zabbixUpdate(f, updatedAt);
    const level = f.event_nseverity === undefined ? 'unknown' : severityFromZabbix(Number(f.event_nseverity));
    return [withSeverityLevel(alert, level)];
  }
}

function zabbixLabels(f: ZabbixBody): Record<string, string> {
  const labels = Object.create(null) as Record<string, string>;
  const set = (name: string, value: string | undefined): void => {
    if (value !== undefined) labels[name] = value;
  };
  set('alertname', f.event_name);
  set('host', f.host_host);
  set('host_name', f.host_name);
  set('host_ip', f.host_ip);
  set('host_groups', f.host_groups);
  set('trigger_id', f.trigger_id);
  set('zabbix_event_id', f.event_id);
  set('zabbix_server', f.zabbix_server);
  if (f.event_nseverity !== undefined) {
    set('severity', ZABBIX_SEVERITIES[Number(f.event_nseverity)]);
    set('zabbix_severity', f.event_nseverity);
  }
  for (const [name, value] of tagLabels(f.event_tags as ZabbixTag[], ZABBIX_LABELS)) labels[name] = value;
  return labels;
}

function zabbixAnnotations(f: ZabbixBody): Record<string, string> {
  const annotations = Object.create(null) as Record<string, string>;
  annotations.summary = f.event_opdata ?? f.event_name;
  const description = f.trigger_description ?? f.alert_message;
  if (description !== undefined) annotations.description = description;
  if (f.alert_message !== undefined) annotations.message = f.alert_message;
  return annotations;
}

function zabbixUpdate(f: ZabbixBody, at: number | null): AlertUpdate {
  return {
    action: f.event_update_action ?? 'updated',
    message: f.event_update_message ?? '',
    user: f.user_fullname ?? null,
    at,
  };
}
