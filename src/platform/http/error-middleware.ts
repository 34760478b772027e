import type { NextFunction, Request, Response } from 'express';
import { UniqueConstraintViolationException, DeadlockException, LockWaitTimeoutException, ConnectionException } from '@mikro-orm/core';
import { AppError, knownAppError } from '../errors/errors';
import { LockTimeoutError } from '../kv/kv';
import { dependencyDown } from '../errors/dependency-down';
import type { Logger } from '../logging/logger';

/** Maps anything thrown to the contract's error shape. Only this file knows HTTP status codes for errors. */
export function toAppError(err: unknown): AppError {
  const known = knownAppError(err);
  if (known) return known;
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.parse.failed')
    return new AppError('PARAM_ERROR', 'request body is not valid JSON', { fields: [{ field: '(body)', issue: 'malformed JSON' }] });
  if (e?.type === 'entity.too.large')
    return new AppError('PARAM_ERROR', 'request body is too large', { fields: [{ field: '(body)', issue: 'too large' }] });
  if (e?.type === 'encoding.unsupported')
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Encoding; send identity, gzip, deflate or br', {
      fields: [{ field: '(Content-Encoding)', issue: 'unsupported' }],
    });
  if (e?.type === 'charset.unsupported') return new AppError('UNSUPPORTED_MEDIA_TYPE', 'request body must be UTF-8 JSON');
  if (err instanceof URIError) return AppError.invalid([{ field: '(path)', issue: 'has a malformed percent-encoding' }]);
  // Anything else express or the body parser flags as the client's fault (a corrupt gzip body, an aborted upload...).
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const issue = e.status === 415 ? 'unsupported' : 'could not be read';
    return new AppError(e.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'PARAM_ERROR', `request could not be read: ${issue}`, {
      fields: [{ field: '(body)', issue }],
    });
  }
  if (err instanceof UniqueConstraintViolationException)
    return new AppError('CONFLICT', 'a concurrent request created the same resource; retry to see it', { retryable: true });
  if (err instanceof DeadlockException || err instanceof LockWaitTimeoutException || err instanceof LockTimeoutError)
    return AppError.unavailable('the resource is busy; retry shortly', err);
  if (err instanceof ConnectionException) return AppError.unavailable('the database is unreachable', err);
  // A dropped or refused connection to the database or Redis surfaces as the driver's own error, not ConnectionException.
  const down = dependencyDown(err);
  if (down) return AppError.unavailable(`the ${down} is unreachable`, err);
  return new AppError('INTERNAL_ERROR', 'internal error', undefined, { cause: err });
}

/** Express error handler: the one place that writes error responses. 5xx messages stay generic. */
export function errorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const appError = toAppError(err);
    if (appError.status >= 500) logger.error({ err: appError.cause ?? err, request_id: req.id, code: appError.code }, 'request failed');
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(appError.headers ?? {})) res.setHeader(k, v);
    res.status(appError.status).json({
      code: appError.code,
      message: appError.message,
      ...(appError.detail ? { detail: appError.detail } : {}),
      request_id: req.id,
    });
  };
}

/** 404 NOT_FOUND in the same shape for any route that does not exist. */
export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
}
