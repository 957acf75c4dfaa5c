import { z } from 'zod';
import { InvalidPayloadError } from '../core/errors';
import { labelsFingerprint } from './fingerprint';
import { alertmanagerAlertShape, describeIssues, precheckAlertList } from './payload-fields';
import type { AlertSource, NormalizedAlert } from './source';
import { withSeverityLevel } from './severity';

const alertSchema = z.object(alertmanagerAlertShape);

// Unknown top-level fields (notification_reason, routeLabels, Grafana's extras) are ignored.
const payloadSchema = z.object({
  version: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  alerts: z.array(alertSchema),
});

/** Alertmanager's webhook (payload version 4), also what Mimir and Grafana's AM-compatible webhook send. */
export class AlertmanagerSource implements AlertSource {
  readonly type = 'alertmanager';

  parse(body: unknown): NormalizedAlert[] {
    const hostile = precheckAlertList(body);
    if (hostile) throw new InvalidPayloadError('alertmanager', hostile);
    const parsed = payloadSchema.safeParse(body);
    if (!parsed.success) throw new InvalidPayloadError('alertmanager', describeIssues(parsed.error));
    return parsed.data.alerts.map((a) => {
      const labels = a.labels;
      return withSeverityLevel({
        fingerprint: a.fingerprint ? a.fingerprint.toLowerCase() : labelsFingerprint(labels),
        status: a.status,
        labels,
        annotations: a.annotations ?? (Object.create(null) as Record<string, string>),
        startsAt: a.startsAt,
        endsAt: a.endsAt,
        generatorURL: a.generatorURL ?? null,
      });
    });
  }
}
