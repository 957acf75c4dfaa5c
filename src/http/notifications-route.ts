import express from 'express';
import type { Router } from 'express';
import { NotFoundError } from '../core/errors';
import type { NotificationRecord } from '../store/store';

/** What the API may do with the outbox. */
export interface NotificationsAccess {
  listForIncident(incidentId: number): Promise<NotificationRecord[]>;
  requeue(id: number): Promise<boolean>;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A notification's state as L1 and the SRE see it: pending, retrying (with the last error), sent or dead. */
export function notificationJson(n: NotificationRecord): Record<string, unknown> {
  const state = n.status === 'pending' && n.attempts > 0 ? 'retrying' : n.status;
  return {
    id: n.id,
    channel: n.channel,
    event: n.event,
    state,
    attempts: n.attempts,
    lastError: n.lastError,
    idempotencyKey: n.idempotencyKey,
    createdAt: iso(n.createdAt),
    nextAttemptAt: n.status === 'pending' ? iso(n.nextAttemptAt) : null,
    firstAttemptAt: iso(n.firstAttemptAt),
    sentAt: iso(n.sentAt),
    deadAt: iso(n.deadAt),
  };
}

/** `POST /api/v1/notifications/:id/resend`: queues a notification again, to be sent now. */
export function notificationsRoute(deps: { notifications: NotificationsAccess }): Router {
  const router = express.Router();
  router.post('/api/v1/notifications/:id/resend', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id < 1 || !(await deps.notifications.requeue(id))) {
      throw new NotFoundError(`notification ${String(req.params.id).slice(0, 40)}`);
    }
    res.status(202).json({ id, state: 'pending' });
  });
  return router;
}
