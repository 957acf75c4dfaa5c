import type { ErrorRequestHandler } from 'express';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';

/** Maps body-parser's failures to the daemon's error codes. */
export function fromBodyParserError(error: unknown): AppError | null {
  const e = error as { type?: string; status?: number; limit?: number; length?: number; message?: string };
  switch (e?.type) {
    case 'entity.too.large':
      return new AppError('body_too_large', `request body is larger than the limit of ${e.limit} bytes`, 413, { limit: e.limit, length: e.length ?? null });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_encoding', e.message ?? 'unsupported content encoding', 415);
    case 'request.aborted':
      return new AppError('request_aborted', 'the client aborted the request', 400);
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('invalid_body', e.message ?? 'invalid request body', 400);
    default:
      if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
        return new AppError('invalid_body', 'the request body could not be read', e.status);
      }
      return null;
  }
}

/**
 * The only place that turns errors into responses: AppError -> its status with
 * `{error, message, detail}`; anything else -> 500 with its stack in the log, never in the answer.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof AppError ? error : fromBodyParserError(error);
    if (known) {
      res.status(known.status).json({ error: known.code, message: known.message, detail: known.detail ?? null });
      return;
    }
    logger.error('request failed', { method: req.method, path: req.path, error });
    if (res.headersSent) return;
    res.status(500).json({ error: 'internal', message: 'internal error', detail: null });
  };
}
