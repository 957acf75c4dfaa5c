import type { IncomingMessage } from 'node:http';
import type { SourceConfig } from '../config/schema';
import type { Clock } from '../core/clock';
import { AppError, NotReadyError, UnauthorizedError } from '../core/errors';
import type { AlertSource, NormalizedAlert } from '../sources/source';
import type { SourceAuthenticator } from './authenticate';
import { readBody } from './read-body';

/** A configured source with its parser. */
export interface WebhookSource {
  config: SourceConfig;
  parser: AlertSource;
  authenticator: SourceAuthenticator;
}

/** A JSON media type, `application/json` or `application/<x>+json`, with parameters. */
export const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The configured source of that name; 404 `unknown_source` otherwise. */
export function findSource(sources: ReadonlyMap<string, WebhookSource>, name: string): WebhookSource {
  const source = sources.get(name);
  if (!source) throw new AppError('unknown_source', `no source named "${name.slice(0, 100)}" is configured`, 404, { configured: [...sources.keys()] });
  return source;
}

/** The 401 for a failed authentication, with the authenticator's reason as detail. */
export function unauthorized(reason: string): AppError {
  return new UnauthorizedError(reason);
}

/**
 * Everything a request to a source goes through before its alerts exist, in this order:
 * header credentials, readiness (503), content type (415), the body within `maxBodyBytes`
 * (413), a signature over the raw body, JSON (400) and the source's payload check (400).
 * `seen.body` holds the body as soon as it is read, for the rejection log. `credentials: false`
 * skips the source's credentials, for a request that a person's authentication already admitted.
 */
export async function readSourceAlerts(
  source: WebhookSource,
  req: IncomingMessage,
  deps: { maxBodyBytes: number; clock: Clock; isReady: () => boolean },
  seen: { body: Buffer | null } = { body: null },
  options: { credentials?: boolean } = {},
): Promise<{ alerts: NormalizedAlert[]; receivedAt: number }> {
  const credentials = options.credentials ?? true;
  const headerFailure = !credentials || source.authenticator.needsBody() ? null : source.authenticator.check(req.headers, null);
  if (headerFailure) throw unauthorized(headerFailure);
  if (!deps.isReady()) throw new NotReadyError('store or rules not loaded yet');
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
    throw new AppError('unsupported_media_type', `expected application/json, got ${contentType.slice(0, 100)}`, 415);
  }
  const body = await readBody(req, deps.maxBodyBytes);
  seen.body = body;
  if (credentials && source.authenticator.needsBody()) {
    const signatureFailure = source.authenticator.check(req.headers, body);
    if (signatureFailure) throw unauthorized(signatureFailure);
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new AppError('invalid_json', 'request body is not valid JSON', 400, { message: (error as Error).message });
  }
  const receivedAt = deps.clock.now().getTime();
  return { alerts: source.parser.parse(json, { receivedAt }), receivedAt };
}
