import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/errors';

/** What a body that is not JSON is answered: one stable code and message, instead of "is required" for every field. */
export const SEND_JSON = 'send JSON (Content-Type: application/json)';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
/** Paths whose handlers read the raw body themselves (WeChat Pay signs the exact bytes; the open platform pushes XML). */
export const RAW_BODY_PREFIXES = ['/notify/', '/open-platform/'];

/** Routes that take another body: the media uploads (multipart/form-data). */
const MULTIPART_PATHS = ['/admin/v1/media', '/v1/complaints/media'];

function hasBody(req: Request): boolean {
  const length = req.get('content-length');
  return req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

/**
 * A POST/PUT/PATCH with a body that is not declared JSON is 415 UNSUPPORTED_MEDIA_TYPE (curl -d sends
 * application/x-www-form-urlencoded by default). Bodiless writes (POST .../secret-keys) pass, and so
 * do multipart uploads where a route takes them; raw-body paths (`/notify/`) are skipped by the caller.
 */
export function jsonOnly(req: Request, _res: Response, next: NextFunction): void {
  if (!['POST', 'PUT', 'PATCH'].includes(req.method) || !hasBody(req)) return next();
  const type = req.get('content-type') ?? '';
  if (JSON_TYPE.test(type)) return next();
  if (/^multipart\/form-data/i.test(type) && MULTIPART_PATHS.includes(req.path)) return next();
  next(new AppError('UNSUPPORTED_MEDIA_TYPE', SEND_JSON, { content_type: type || null }));
}
