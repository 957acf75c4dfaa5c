import type { IncomingMessage, ServerResponse } from 'node:http';
import { answer } from './webhooks-route';
import { createHash } from 'node:crypto';
import { AppError, NotFoundError, NotReadyError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { IngestQueue } from '../incidents/ingest-queue';
import type { Heartbeat } from '../quiet/heartbeats';
import { errorBody } from './error-handler';
import { readBody } from './read-body';
import { findSource, unauthorized } from './source-request';
import type { WebhookSource } from './source-request';

const HEARTBEAT_PATH = /^\/heartbeats\/([^/?#]+)\/?(?:\?.*)?$/;

/** The heartbeat name of a `POST /heartbeats/<name>` request, or null for any other request. */
export function heartbeatNameOf(req: IncomingMessage): string | null {
  if (req.method !== 'POST' || !req.url?.startsWith('/heartbeats/')) return null;
  const m = HEARTBEAT_PATH.exec(req.url);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return m[1] as string;
  }
}

/**
 * `POST /heartbeats/<name>`: a heartbeat for a sender that cannot fire an alert, with the
 * authentication of the heartbeat's source (its token, or its HMAC over the body, which may be
 * empty). Answers 200 `{heartbeat, at}` once the arrival is on disk; 404 for an unknown heartbeat.
 */
export function heartbeatHandler(deps: {
  heartbeats: readonly Heartbeat[];
  sources: ReadonlyMap<string, WebhookSource>;
  queue: IngestQueue;
  clock: Clock;
  logger: Logger;
  maxBodyBytes: number;
  isReady: () => boolean;
}): (req: IncomingMessage, res: ServerResponse, name: string) => Promise<void> {
  return async (req, res, name) => {
    try {
      const heartbeat = deps.heartbeats.find((h) => h.name === name);
      if (!heartbeat) throw new NotFoundError(`heartbeat ${name.slice(0, 64)}`);
      const source = findSource(deps.sources, heartbeat.source);
      if (!source.authenticator.needsBody()) {
        const failure = source.authenticator.check(req.headers, null);
        if (failure) throw unauthorized(failure);
      }
      const body = await readBody(req, deps.maxBodyBytes);
      if (source.authenticator.needsBody()) {
        const failure = source.authenticator.check(req.headers, body);
        if (failure) throw unauthorized(failure);
      }
      if (!deps.isReady()) throw new NotReadyError('store or rules not loaded yet');
      const at = deps.clock.now().getTime();
      const digest = createHash('sha256').update(`heartbeat\0${name}\0${at}`).digest('hex');
      await deps.queue.submit({ source: heartbeat.source, digest, receivedAt: at, alerts: [], heartbeats: [name], heartbeatAlerts: 0 });
      source.authenticator.accepted(req.headers);
      answer(res, 200, { heartbeat: name, at: new Date(at).toISOString() });
    } catch (error) {
      const known = error instanceof AppError ? error : new AppError('internal', 'internal error', 500);
      if (!(error instanceof AppError)) deps.logger.error('heartbeat failed', { heartbeat: name, error });
      answer(res, known.status, errorBody(known));
    }
  };
}
