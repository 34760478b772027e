import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { AppError } from '../../platform/errors/errors';
import { authFailures, bearerToken, clientIp } from '../../platform/http/auth-failures';
import type { WriteContext } from './audit-log';
import { OperatorsService, type OperatorIdentity } from './operators.service';

const operators = new WeakMap<Request, OperatorIdentity>();

/**
 * Admin API authentication: `Authorization: Bearer <operator token>` (PARTNERPAY_ADMIN_TOKEN or an
 * `op_...` token). No or unknown token → 401 UNAUTHENTICATED; a `viewer` on a route that needs
 * `admin` → 403 FORBIDDEN. A tenant key (`sk_...`) is not an operator credential, so it gets 401
 * like any unknown token, and it is never looked up here: the admin surface must not tell whether a
 * tenant key is valid. Failures count per presented token and client address (429 FREQUENCY_LIMITED when over).
 */
export function operatorAuth(c: DependencyContainer, role: 'admin' | 'viewer'): RequestHandler {
  const service = c.resolve(OperatorsService);
  const limiter = authFailures(c);
  return (req: Request, _res: Response, next: NextFunction) => {
    const ip = clientIp(req);
    void (async () => {
      const token = bearerToken(req);
      limiter.assertNotBlocked(ip, token);
      if (!token) throw AppError.unauthenticated('missing bearer operator token');
      const who = await service.authenticate(token);
      if (!who) throw await limiter.failure(ip, token, AppError.unauthenticated('invalid operator token'));
      if (role === 'admin' && who.role !== 'admin') throw AppError.forbidden('this operator may only read (role viewer)');
      operators.set(req, who);
    })().then(() => next(), next);
  };
}

/** The operator operatorAuth authenticated for this request. */
export function operatorOf(req: Request): OperatorIdentity {
  const who = operators.get(req);
  if (!who) throw new Error('operatorOf() called on a route without operatorAuth');
  return who;
}

/** The audit context of an admin request: actor = operator id (or `bootstrap`), plus the request id. */
export function writeContext(req: Request): WriteContext {
  return { actor: operatorOf(req).id, requestId: req.id };
}
