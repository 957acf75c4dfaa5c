import express from 'express';
import type { Router } from 'express';
import { personOf } from './api-access';
import type { LiveFeed } from './live-feed';

/** `GET /api/v1/stream`: the live stream of incident changes (server-sent events), for the console. */
export function streamRoute(deps: { liveFeed: LiveFeed }): Router {
  const router = express.Router();
  router.get('/api/v1/stream', (_req, res) => {
    deps.liveFeed.subscribe(res, personOf(res)?.customer ?? null);
  });
  return router;
}
