import express from 'express';
import type { Express } from 'express';
import { NotFoundError } from '../core/errors';
import { secretMaskingReplacer } from '../core/mask-secrets';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { IncidentReadModel } from '../store/store';
import { actionsRoute } from './actions-route';
import type { RunAction } from './actions-route';
import { apiAccess } from './api-access';
import type { ApiAccessDeps } from './api-access';
import { errorHandler } from './error-handler';
import { incidentsRoute } from './incidents-route';
import { reportsRoute } from './reports-route';
import { streamRoute } from './stream-route';
import type { LiveFeed } from './live-feed';
import { consoleRoute, securityHeaders } from './console-route';
import { csrfGuard } from './csrf-guard';
import { notificationsRoute } from './notifications-route';
import type { NotificationsAccess } from './notifications-route';
import { operationsRoute } from './operations-route';
import { rulesRoute } from './rules-route';
import type { RulesRouteDeps } from './rules-route';
import { sessionRoute } from './session-route';
import { silencesRoute } from './silences-route';
import type { SilencesRouteDeps } from './silences-route';
import type { RejectionLog } from './rejection-log';
import type { WebhooksRouteDeps } from './webhooks-route';

/** Builds the HTTP application; it never listens (app.ts does). */
export function createServer(
  deps: WebhooksRouteDeps &
    RulesRouteDeps &
    SilencesRouteDeps &
    ApiAccessDeps & { runAction: RunAction; customerChannels: (customer: string) => readonly string[] | null; readModel: IncidentReadModel; liveFeed: LiveFeed; consoleDir?: string; notifications: NotificationsAccess; rejections: RejectionLog; metrics: Metrics; logger: Logger },
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // An answer may echo what the client sent (a path, a source name); no configured secret goes back out.
  const replacer = secretMaskingReplacer(deps.secrets);
  if (replacer) app.set('json replacer', replacer);
  // The person is resolved once, before any route; each route's role is in access-policy.ts.
  app.use(securityHeaders);
  app.use(apiAccess(deps));
  app.use(csrfGuard(deps));
  app.use(sessionRoute(deps));
  app.use(incidentsRoute(deps));
  app.use(actionsRoute(deps));
  app.use(silencesRoute(deps));
  app.use(notificationsRoute(deps));
  app.use(operationsRoute(deps));
  app.use(rulesRoute(deps));
  app.use(reportsRoute(deps));
  app.use(streamRoute(deps));
  app.use(consoleRoute(deps.consoleDir === undefined ? {} : { dir: deps.consoleDir }));
  app.use((req, _res, next) => next(new NotFoundError(`${req.method} ${req.path.slice(0, 200)}`)));
  app.use(errorHandler(deps.logger));
  return app;
}
