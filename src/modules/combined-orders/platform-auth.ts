import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { AppError } from '../../platform/errors/errors';
import { authFailures, bearerToken, clientIp } from '../../platform/http/auth-failures';
import { annotateLog } from '../../platform/logging/log-context';
import { PlatformKeysService } from './platform-keys.service';

/** Who a platform key speaks for: one service provider. */
export interface PlatformCaller {
  keyId: string;
  spMchid: string;
}

const callers = new WeakMap<Request, PlatformCaller>();

/**
 * /platform/v1 authentication: `Authorization: Bearer pk_...`. Missing, unknown or revoked → 401
 * UNAUTHENTICATED (failures counted like every credential's). Only this surface accepts a platform key:
 * the tenant and operator surfaces do not know it, so there it is 401 too.
 */
export function platformAuth(c: DependencyContainer): RequestHandler {
  const keys = c.resolve(PlatformKeysService);
  const limiter = authFailures(c);
  return (req: Request, _res: Response, next: NextFunction) => {
    const ip = clientIp(req);
    void (async () => {
      const key = bearerToken(req);
      limiter.assertNotBlocked(ip, key);
      if (!key) throw AppError.unauthenticated('missing bearer platform key (pk_...)');
      const row = await keys.authenticate(key);
      if (!row) throw await limiter.failure(ip, key, AppError.unauthenticated('invalid or revoked platform key'));
      callers.set(req, { keyId: row.id, spMchid: row.spMchid });
      annotateLog({ sp_mchid: row.spMchid });
    })().then(() => next(), next);
  };
}

/** The provider platformAuth authenticated for this request. */
export function platformCallerOf(req: Request): PlatformCaller {
  const c = callers.get(req);
  if (!c) throw new Error('platformCallerOf() called on a route without platformAuth');
  return c;
}
