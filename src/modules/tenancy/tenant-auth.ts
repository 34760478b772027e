import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { AppError } from '../../platform/errors/errors';
import { TOKENS } from '../../platform/tokens';
import { authFailures, bearerToken, clientIp } from '../../platform/http/auth-failures';
import { annotateLog } from '../../platform/logging/log-context';
import type { TenantDirectory, TenantView } from './tenant-directory';

const tenants = new WeakMap<Request, TenantView>();

/**
 * Tenant API authentication: `Authorization: Bearer sk_...`. No, unknown or revoked key → 401
 * UNAUTHENTICATED (failures count per presented key and client address: 429 FREQUENCY_LIMITED once over
 * config.security.authFailuresPerMinute); a suspended tenant → 403 TENANT_SUSPENDED.
 */
export function tenantAuth(c: DependencyContainer): RequestHandler {
  const directory = c.resolve<TenantDirectory>(TOKENS.Tenants);
  const limiter = authFailures(c);
  return (req: Request, _res: Response, next: NextFunction) => {
    const ip = clientIp(req);
    void (async () => {
      const key = bearerToken(req);
      limiter.assertNotBlocked(ip, key);
      if (!key) throw AppError.unauthenticated('missing bearer secret key (sk_...)');
      const tenant = key.startsWith('sk_') ? await directory.authenticate(key) : undefined;
      if (!tenant) throw await limiter.failure(ip, key, AppError.unauthenticated('invalid or revoked secret key'));
      if (tenant.status === 'suspended') throw new AppError('TENANT_SUSPENDED', 'this tenant is suspended; ask the platform operator');
      tenants.set(req, tenant);
      annotateLog({ tenant_id: tenant.id, sp_mchid: tenant.spMchid });
    })().then(() => next(), next);
  };
}

/** The tenant tenantAuth authenticated for this request. */
export function tenantOf(req: Request): TenantView {
  const t = tenants.get(req);
  if (!t) throw new Error('tenantOf() called on a route without tenantAuth');
  return t;
}
