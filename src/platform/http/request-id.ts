import type { NextFunction, Request, Response } from 'express';
import { newId } from '../ids';
import { withLogContext } from '../logging/log-context';

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** The request's id: taken from the caller's Request-Id when sane, else made. */
    id: string;
  }
}

/** Sets req.id and the Request-Id response header on every response, and opens the request's log context. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const given = req.get('request-id');
  req.id = given && SANE.test(given) ? given : newId('req', 12);
  res.setHeader('Request-Id', req.id);
  // Everything after this middleware (handlers, services, the WeChat Pay client) logs with the request's ids.
  withLogContext({ request_id: req.id }, next);
}
