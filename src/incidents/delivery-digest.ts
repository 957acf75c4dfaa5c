import { createHash } from 'node:crypto';
import { classify } from '../health-model/classify';
import type { RuleSet } from '../health-model/rule-set';
import type { NormalizedAlert } from '../sources/source';
import type { AlertDelivery } from './ingest';
import { heartbeatOf } from '../quiet/heartbeats';
import type { Heartbeat } from '../quiet/heartbeats';

/**
 * Identifies a delivery by what it says, not by its bytes: the same alerts in the same states
 * (a retry, a re-sent group) are a replay whatever the whitespace, while a sender whose bodies
 * carry no time (Grafana's legacy webhook) gets its receive time into startsAt and so is never
 * mistaken for a replay of an earlier, identical-looking state change.
 */
export function deliveryDigest(source: string, alerts: readonly NormalizedAlert[]): string {
  return createHash('sha256').update(source).update('\0').update(JSON.stringify(alerts)).digest('hex');
}

/**
 * A parsed webhook as ingest takes it: its digest, each alert classified by the rules in force,
 * and the heartbeats it carries (alerts of the source's heartbeats open no incident).
 */
export function buildDelivery(source: string, alerts: readonly NormalizedAlert[], receivedAt: number, ruleSet: RuleSet, heartbeats: readonly Heartbeat[] = []): AlertDelivery {
  const beats: string[] = [];
  const ordinary: NormalizedAlert[] = [];
  for (const alert of alerts) {
    const beat = heartbeats.length === 0 ? null : heartbeatOf(heartbeats, source, alert.labels);
    if (beat === null) ordinary.push(alert);
    else if (!beats.includes(beat.name)) beats.push(beat.name);
  }
  return {
    source,
    digest: deliveryDigest(source, alerts),
    receivedAt,
    alerts: ordinary.map((alert) => ({ alert, classification: classify(alert, ruleSet) })),
    ...(beats.length > 0 ? { heartbeats: beats, heartbeatAlerts: alerts.length - ordinary.length } : {}),
  };
}
