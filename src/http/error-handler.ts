import type { ErrorRequestHandler } from 'express';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';

/**
 * The only place that turns errors into responses: AppError -> its status with
 * `{error, message, detail}`; anything else -> 500 with its stack in the log, never in the answer.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof AppError) {
      res.status(error.status).json({ error: error.code, message: error.message, detail: error.detail ?? null });
      return;
    }
    logger.error('request failed', { method: req.method, path: req.path, error });
    if (res.headersSent) return;
    res.status(500).json({ error: 'internal', message: 'internal error', detail: null });
  };
}
