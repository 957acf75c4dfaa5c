import type { ErrorRequestHandler } from 'express';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';

/** The JSON body of an error answer, on every route. */
export function errorBody(error: AppError): { error: string; message: string; detail: unknown } {
  return { error: error.code, message: error.message, detail: error.detail ?? null };
}

/**
 * Turns errors on the Express routes into responses: AppError -> its status with
 * `{error, message, detail}`; anything else -> 500 with its stack in the log, never in the answer.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof AppError) {
      res.status(error.status).json(errorBody(error));
      return;
    }
    logger.error('request failed', { method: req.method, path: req.path, error });
    if (res.headersSent) return;
    res.status(500).json({ error: 'internal', message: 'internal error', detail: null });
  };
}
