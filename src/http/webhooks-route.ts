import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, NotReadyError } from '../core/errors';
import { secretMaskingReplacer } from '../core/mask-secrets';
import { errorBody } from './error-handler';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { Clock } from '../core/clock';
import type { RuleSetHolder } from '../health-model/rule-set-holder';
import type { IngestQueue } from '../incidents/ingest-queue';
import { buildDelivery } from '../incidents/delivery-digest';
import type { Heartbeat } from '../quiet/heartbeats';
import { findSource, readSourceAlerts } from './source-request';
import type { WebhookSource } from './source-request';
import type { RejectionLog } from './rejection-log';

/** What the webhook route needs; it never sees the whole config. */
export interface WebhooksRouteDeps {
  sources: ReadonlyMap<string, WebhookSource>;
  rules: RuleSetHolder;
  queue: IngestQueue;
  rejections: RejectionLog;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  maxBodyBytes: number;
  isReady: () => boolean;
  /** Configured secrets, masked in error answers that echo what the client sent. */
  secrets: readonly string[];
  /** The sources' heartbeats: their alerts count as heartbeats and open no incident. */
  heartbeats?: readonly Heartbeat[];
}

const WEBHOOK_PATH = /^\/webhooks\/([^/?#]+)\/?(?:\?.*)?$/;

/** The source name of a `POST /webhooks/<name>` request, or null for any other request. */
export function webhookSourceOf(req: IncomingMessage): string | null {
  if (req.method !== 'POST' || !req.url?.startsWith('/webhooks/')) return null;
  const m = WEBHOOK_PATH.exec(req.url);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return m[1] as string;
  }
}

/**
 * `POST /webhooks/:source` on plain node:http, the hot path: authenticate, read at most
 * maxBodyBytes, parse every alert, classify, and answer 200 `{accepted, incidents}` only once the
 * store has committed them. A 4xx stores nothing, counts a metric and keeps the body for
 * `GET /api/v1/rejections`.
 */
export function webhookHandler(deps: WebhooksRouteDeps): (req: IncomingMessage, res: ServerResponse, name: string) => Promise<void> {
  const replacer = secretMaskingReplacer(deps.secrets);
  return async (req, res, name) => {
    const started = process.hrtime.bigint();
    const seen: { body: Buffer | null } = { body: null };
    try {
      const found = findSource(deps.sources, name);
      const { alerts, receivedAt } = await readSourceAlerts(found, req, deps, seen);
      const ruleSet = deps.rules.current();
      if (!ruleSet) throw new NotReadyError('rules not loaded yet');
      const result = await deps.queue.submit(buildDelivery(name, alerts, receivedAt, ruleSet, deps.heartbeats));
      found.authenticator.accepted(req.headers);
      const firing = alerts.reduce((n, a) => n + (a.status === 'firing' ? 1 : 0), 0);
      if (firing > 0) deps.metrics.alertsReceived.inc({ source: name, status: 'firing' }, firing);
      if (alerts.length > firing) deps.metrics.alertsReceived.inc({ source: name, status: 'resolved' }, alerts.length - firing);
      deps.metrics.ingestDuration.observe({ source: name }, Number(process.hrtime.bigint() - started) / 1e9);
      answer(res, 200, { accepted: result.accepted, incidents: result.incidents });
    } catch (error) {
      const known = error instanceof AppError ? error : null;
      if (!known || known.status >= 500) {
        if (!known) deps.logger.error('webhook failed', { source: name, error });
        const e = known ?? new AppError('internal', 'internal error', 500);
        answer(res, e.status, errorBody(e), replacer);
        return;
      }
      reject(deps, known.code === 'unknown_source' ? 'unknown' : name, known, req, known.code === 'unauthorized' ? null : seen.body);
      answer(res, known.status, errorBody(known), replacer);
    }
  };
}

/** Answers JSON on plain node:http (the lean paths: webhooks, heartbeats). */
export function answer(res: ServerResponse, status: number, payload: unknown, replacer?: (key: string, value: unknown) => unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(payload, replacer);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function reject(deps: WebhooksRouteDeps, source: string, error: AppError, req: IncomingMessage, body: Buffer | null): void {
  const authReason = error.code === 'unauthorized' ? (error.detail as { reason?: string } | undefined)?.reason : undefined;
  deps.metrics.webhookRejections.inc({ source, reason: authReason ? `unauthorized_${authReason}` : error.code });
  deps.logger.warn('webhook rejected', { source, status: error.status, error: error.code, reason: error.message });
  deps.rejections.record({
    source,
    status: error.status,
    error: error.code,
    message: error.message,
    detail: error.detail ?? null,
    contentType: req.headers['content-type'] ?? null,
    body,
  });
}
