import express from 'express';
import type { Router } from 'express';
import type { Metrics } from '../core/metrics';
import type { RejectionLog } from './rejection-log';

/** Liveness, readiness, metrics and the rejection log. */
export function operationsRoute(deps: { metrics: Metrics; rejections: RejectionLog; isReady: () => boolean }): Router {
  const router = express.Router();
  router.get('/-/healthy', (_req, res) => {
    res.json({ status: 'healthy' });
  });
  router.get('/-/ready', (_req, res) => {
    const ready = deps.isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting' });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  router.get('/api/v1/rejections', (_req, res) => {
    res.json({ rejections: deps.rejections.list() });
  });
  return router;
}
