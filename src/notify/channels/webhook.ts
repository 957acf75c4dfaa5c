import { createHmac } from 'node:crypto';
import axios from 'axios';
import type { WebhookChannelConfig } from '../../config/channel-config';
import { slaJson } from '../../sla/view';
import type { Clock } from '../../core/clock';
import type { Channel, DeliveryOutcome, Notification } from '../channel';
import { outcomeOfError, outcomeOfResponse } from '../http-outcome';
import { renderPlainText } from '../message-content';

/**
 * POSTs the incident as JSON with an `Idempotency-Key` header. With a secret, it signs
 * `<unix seconds>.<body>` with HMAC-SHA256 into `X-Incident-Bridge-Signature: t=<ts>,v1=<hex>`,
 * so the receiver can check the sender and refuse old requests.
 */
export class WebhookChannel implements Channel {
  readonly type = 'webhook';
  readonly name: string;

  constructor(
    private readonly config: WebhookChannelConfig,
    private readonly clock: Clock,
  ) {
    this.name = config.name;
  }

  async send(n: Notification): Promise<DeliveryOutcome> {
    const body = JSON.stringify({
      idempotencyKey: n.idempotencyKey,
      event: n.event,
      incident: {
        id: n.incident.id,
        status: n.incident.status,
        priority: n.incident.priority,
        impact: n.incident.impact,
        category: n.incident.category,
        healthModel: n.incident.healthModel,
        metric: n.incident.metric,
        title: n.incident.title,
        summary: n.incident.summary,
        runbookUrl: n.incident.runbookUrl,
        line: n.incident.line,
        alertCount: n.incident.alertCount,
        firingCount: n.incident.firingCount,
        openedAt: new Date(n.incident.openedAt).toISOString(),
        resolvedAt: n.incident.resolvedAt === null ? null : new Date(n.incident.resolvedAt).toISOString(),
        sla: slaJson(n.incident, this.clock.now().getTime()),
        link: n.content.link,
      },
      reason: n.content.reason,
      alerts: n.alerts.map((a) => ({ fingerprint: a.fingerprint, status: a.status, labels: a.labels })),
      lastTime: n.content.lastTime,
      text: renderPlainText(n.content),
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': n.idempotencyKey, 'user-agent': 'incident-bridge' };
    if (this.config.secret) {
      const ts = Math.floor(this.clock.now().getTime() / 1000);
      const mac = createHmac('sha256', this.config.secret).update(`${ts}.${body}`).digest('hex');
      headers['x-incident-bridge-signature'] = `t=${ts},v1=${mac}`;
    }
    try {
      const response = await axios.post(this.config.url, body, { headers, timeout: this.config.timeoutMs, validateStatus: () => true, maxRedirects: 0 });
      return outcomeOfResponse(response, this.clock.now().getTime());
    } catch (error) {
      return outcomeOfError(error);
    }
  }
}
