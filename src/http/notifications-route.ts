import express from 'express';
import type { Router } from 'express';
import { NotFoundError } from '../core/errors';
import type { NotificationRecord } from '../store/store';

/** What the API may do with the outbox. */
export interface NotificationsAccess {
  listForIncident(incidentId: number): Promise<NotificationRecord[]>;
  requeue(id: number): Promise<boolean>;
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
