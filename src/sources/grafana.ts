import { z } from 'zod';
import { InvalidPayloadError } from '../core/errors';
import { MONITORING_GAP_LABEL } from './source';
import { labelsFingerprint } from './fingerprint';
import { LEGACY_GRAFANA_KEYS, legacyGrafanaSchema, normalizeLegacyGrafana } from './grafana-legacy';
import { alertmanagerAlertShape, describeIssues, precheckAlertList } from './payload-fields';
import type { AlertSource, NormalizedAlert, ParseContext } from './source';
import { withSeverityLevel } from './severity';

/** Grafana's extras that are not used for identity: kept only when they are non-empty strings. */
const extraText = z
  .unknown()
  .transform((v) => (typeof v === 'string' && v !== '' ? v : null))
  .optional();

const alertSchema = z.object({
  ...alertmanagerAlertShape,
  dashboardURL: extraText,
  panelURL: extraText,
  silenceURL: extraText,
  imageURL: extraText,
  valueString: extraText,
  values: z.unknown().optional(),
});

// Version "1" is the unified alerting webhook; Grafana's Alertmanager-compatible webhook sends
// version "4" with the same alert shape, so the version is not checked. Every other top-level
// field (status, orgId, title, state, message, truncatedAlerts) is ignored: only the alerts sent
// are parsed, and the ones truncated by maxAlerts never arrive.
const unifiedSchema = z.object({ alerts: z.array(alertSchema) });

type UnifiedAlert = z.output<typeof alertSchema>;

/** Grafana's rule-evaluation failures, by alert name, as the monitoring_gap value they map to. */
const GAP_ALERTNAMES: ReadonlyMap<string, string> = new Map([
  ['DatasourceNoData', 'nodata'],
  ['DatasourceError', 'error'],
]);
/**
 * The same failures when the rule handles them as Alerting. Only the exact reasons count:
 * `MissingSeries`, `Paused` and the like are ordinary resolutions, and `NoData, KeepLast` keeps
 * the business state the rule had before, so it is not a gap either.
 */
const GAP_STATE_REASONS: ReadonlyMap<string, string> = new Map([
  ['NoData', 'nodata'],
  ['Error', 'error'],
]);

/**
 * Grafana's webhook contact point on one endpoint: unified alerting (version "1") and the legacy
 * dashboard alerting notification channel, told apart by shape. Throws InvalidPayloadError
 * naming each bad path; needs `context.receivedAt` for legacy bodies, which carry no time.
 */
export class GrafanaSource implements AlertSource {
  readonly type = 'grafana';

  parse(body: unknown, context?: ParseContext): NormalizedAlert[] {
    if (isLegacyShape(body)) {
      const parsed = legacyGrafanaSchema.safeParse(body);
      if (!parsed.success) throw new InvalidPayloadError('grafana', describeIssues(parsed.error));
      if (!context) throw new Error('a legacy Grafana body needs the receive time');
      return normalizeLegacyGrafana(parsed.data, context.receivedAt);
    }
    if (isObject(body) && !Object.hasOwn(body, 'alerts')) {
      throw new InvalidPayloadError('grafana', [
        { path: 'alerts', message: 'expected an alerts array (unified alerting) or ruleId and state (legacy dashboard alerting)' },
      ]);
    }
    const hostile = precheckAlertList(body);
    if (hostile) throw new InvalidPayloadError('grafana', hostile);
    const parsed = unifiedSchema.safeParse(body);
    if (!parsed.success) throw new InvalidPayloadError('grafana', describeIssues(parsed.error));
    return parsed.data.alerts.map(normalizeUnified);
  }
}

function isObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

function isLegacyShape(body: unknown): boolean {
  return isObject(body) && !Object.hasOwn(body, 'alerts') && LEGACY_GRAFANA_KEYS.some((key) => Object.hasOwn(body, key));
}

function normalizeUnified(a: UnifiedAlert): NormalizedAlert {
  const labels = a.labels;
  const annotations = a.annotations ?? (Object.create(null) as Record<string, string>);
  // Grafana's fingerprint covers internal labels the body leaves out, so it cannot be recomputed:
  // the labels give one only when the sender sent none. Computed before labels are added below.
  const fingerprint = a.fingerprint ? a.fingerprint.toLowerCase() : labelsFingerprint(labels);
  const gap = monitoringGap(labels, annotations);
  if (gap !== null && !Object.hasOwn(labels, MONITORING_GAP_LABEL)) labels[MONITORING_GAP_LABEL] = gap;
  addExtras(a, annotations);
  return withSeverityLevel({
    fingerprint,
    status: a.status,
    labels,
    annotations,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    generatorURL: a.generatorURL || null,
  });
}

function monitoringGap(labels: Record<string, string>, annotations: Record<string, string>): string | null {
  // Labels and annotations are prototype-free, so a name that is not sent reads as undefined.
  return GAP_ALERTNAMES.get(labels.alertname ?? '') ?? GAP_STATE_REASONS.get(annotations.grafana_state_reason?.trim() ?? '') ?? null;
}

/**
 * Grafana's `values`: a flat map of query refIDs to numbers (null when it has none). Anything
 * else (nested, huge) is not what Grafana sends and is dropped rather than serialized.
 */
function flatValues(values: unknown): string | null {
  if (!isObject(values)) return null;
  const keys = Object.keys(values);
  if (keys.length === 0 || keys.length > 100) return null;
  for (const k of keys) {
    const v = (values as Record<string, unknown>)[k];
    if (v !== null && typeof v !== 'number') return null;
  }
  return JSON.stringify(values);
}

/** Links and values that summaries and templates may use; an annotation of the same name wins. */
function addExtras(a: UnifiedAlert, annotations: Record<string, string>): void {
  const extras: [string, string | null | undefined][] = [
    ['dashboard_url', a.dashboardURL],
    ['panel_url', a.panelURL],
    ['silence_url', a.silenceURL],
    ['image_url', a.imageURL],
    ['value_string', a.valueString],
    ['values', flatValues(a.values)],
  ];
  for (const [name, value] of extras) {
    if (typeof value === 'string' && !Object.hasOwn(annotations, name)) annotations[name] = value;
  }
}
