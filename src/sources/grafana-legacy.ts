import { z } from 'zod';
import { MONITORING_GAP_LABEL } from './source';
import { labelsFingerprint } from './fingerprint';
import { stringMap } from './payload-fields';
import type { NormalizedAlert } from './source';
import { withSeverityLevel } from './severity';

const LEGACY_STATES = ['alerting', 'ok', 'no_data', 'paused', 'pending', 'unknown'] as const;
type LegacyState = (typeof LEGACY_STATES)[number];

/** The keys that mark a body as the legacy dashboard alerting webhook (when it has no `alerts`). */
export const LEGACY_GRAFANA_KEYS = ['ruleId', 'ruleName', 'state'] as const;

// Grafana sends ids as JSON numbers. The legacy test notification uses a random int63 as ruleId,
// beyond 2^53: JSON.parse has already rounded it to the nearest double before any source sees
// the body, so its identity is the rounded number's digits. That is harmless, as a test rule
// never resolves, but two ruleIds within the same double would share one alert.
const integerId = z.union([
  z.number().refine(Number.isInteger, 'expected an integer id'),
  z.string().regex(/^-?\d{1,20}$/, 'expected an integer id'),
]);
const optionalId = integerId.nullish().transform((id) => (id === null || id === undefined ? null : String(id)));
const optionalText = z.string().nullish();

const evalMatchSchema = z.object({
  value: z.number().nullish(),
  metric: optionalText,
});

/** The legacy body: keys sent by Grafana ≤ 10 notification channels; unknown keys are ignored. */
export const legacyGrafanaSchema = z.object({
  ruleId: integerId.transform(String),
  ruleName: optionalText,
  ruleUrl: optionalText,
  state: z.enum(LEGACY_STATES),
  title: optionalText,
  message: optionalText,
  imageUrl: optionalText,
  orgId: optionalId,
  dashboardId: optionalId,
  panelId: optionalId,
  tags: stringMap({ lenient: true }).optional(),
  evalMatches: z.array(evalMatchSchema).nullish(),
});

/** A legacy body after validation. */
export type LegacyGrafanaPayload = z.output<typeof legacyGrafanaSchema>;

const MAX_MATCHES_SHOWN = 20;

/**
 * One alert for one legacy notification, identified by (orgId, ruleId) since the body has no
 * fingerprint; `pending` and `unknown` are not notified states and become no alert at all.
 * `receivedAt` (epoch ms) stands in for the timestamps the body lacks.
 */
export function normalizeLegacyGrafana(payload: LegacyGrafanaPayload, receivedAt: number): NormalizedAlert[] {
  const status = legacyStatus(payload.state);
  if (status === null) return [];
  const orgId = payload.orgId ?? '';
  const labels = Object.create(null) as Record<string, string>;
  // The rule's tags first, so that the identity labels below always win over a tag of that name.
  Object.assign(labels, payload.tags ?? {});
  labels.alertname = payload.ruleName || `Grafana rule ${payload.ruleId}`;
  labels.grafana_org_id = orgId;
  labels.grafana_rule_id = payload.ruleId;
  if (payload.dashboardId !== null) labels.grafana_dashboard_id = payload.dashboardId;
  if (payload.panelId !== null) labels.grafana_panel_id = payload.panelId;
  if (payload.state === 'no_data' && !Object.hasOwn(labels, MONITORING_GAP_LABEL)) labels[MONITORING_GAP_LABEL] = 'nodata';

  // Legacy bodies carry no timestamps, so the receive time dates them. A firing state starts an
  // activation now: a later `alerting` for the same rule is a newer activation of the same
  // fingerprint, which the engine attaches to the incident already open (no new alert counted).
  // A resolve must not look older than the firing it ends (the engine would call it stale), so
  // `ok` starts and ends now: a newer resolve ends whatever firing is stored for the rule, and
  // without one it is only recorded. Caveat: the route treats a byte-identical body within
  // incidents.replayWindow as a replay before any of this runs, so a legacy body that repeats
  // exactly (no_data, then ok, then the same no_data) is not seen the second time.
  return [
    withSeverityLevel({
      fingerprint: labelsFingerprint({ grafana_org_id: orgId, grafana_rule_id: payload.ruleId }),
      status,
      labels,
      annotations: legacyAnnotations(payload),
      startsAt: receivedAt,
      endsAt: status === 'resolved' ? receivedAt : null,
      generatorURL: payload.ruleUrl || null,
    }),
  ];
}

function legacyStatus(state: LegacyState): 'firing' | 'resolved' | null {
  switch (state) {
    case 'alerting':
    case 'no_data':
      return 'firing';
    case 'ok':
      return 'resolved';
    // A paused rule is no longer evaluated, so nothing will ever resolve what it raised: it ends here.
    case 'paused':
      return 'resolved';
    case 'pending':
    case 'unknown':
      return null;
  }
}

function legacyAnnotations(payload: LegacyGrafanaPayload): Record<string, string> {
  const annotations = Object.create(null) as Record<string, string>;
  const summary = payload.message || payload.title;
  if (summary) annotations.summary = summary;
  if (payload.title) annotations.title = payload.title;
  annotations.grafana_state = payload.state;
  if (payload.ruleUrl) annotations.rule_url = payload.ruleUrl;
  if (payload.imageUrl) annotations.image_url = payload.imageUrl;
  const matches = payload.evalMatches ?? [];
  if (matches.length > 0) {
    const shown = matches.slice(0, MAX_MATCHES_SHOWN).map((m) => `${m.metric ?? ''}=${m.value ?? 'null'}`);
    if (matches.length > MAX_MATCHES_SHOWN) shown.push(`… ${matches.length - MAX_MATCHES_SHOWN} more`);
    annotations.value_string = shown.join(', ');
  }
  return annotations;
}
