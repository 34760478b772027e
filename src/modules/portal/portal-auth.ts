import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import { AppError } from '../../platform/errors/errors';
import type { PortalRole } from './portal.entity';
import { csrfTokenOf, PortalUsersService, type PortalPrincipal } from './portal-users.service';

/** The session cookie: httpOnly, SameSite=Strict, Path=/portal, Secure in production. */
export const SESSION_COOKIE = 'pp_portal';
/** The header every portal write carries: the session's CSRF token, as GET /portal/v1/session answers it. */
export const CSRF_HEADER = 'X-CSRF-Token';

const principals = new WeakMap<Request, PortalPrincipal>();

/** The value of one cookie of the request, or undefined. */
export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/**
 * Portal authentication: the session cookie names the user, and through it the tenant every query
 * is scoped to. Without a live session: 401. A write (any method but GET/HEAD) must carry the
 * session's CSRF token in X-CSRF-Token, else 403 FORBIDDEN (reason csrf) and nothing is done.
 * `roles` are the roles allowed (default: all); another role gets 403.
 */
export function portalAuth(c: DependencyContainer, roles?: readonly PortalRole[]): RequestHandler {
  const users = c.resolve(PortalUsersService);
  return (req: Request, _res: Response, next: NextFunction) => {
    void (async () => {
      const token = cookieOf(req, SESSION_COOKIE);
      const who = token ? await users.authenticate(token) : undefined;
      if (!who) throw new AppError('UNAUTHENTICATED', 'sign in at /portal first (no live portal session)');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        const sent = Buffer.from(String(req.get(CSRF_HEADER) ?? ''));
        const expected = Buffer.from(csrfTokenOf(token!));
        if (sent.length !== expected.length || !timingSafeEqual(sent, expected))
          throw new AppError('FORBIDDEN', `missing or wrong ${CSRF_HEADER} header: send the csrf_token of GET /portal/v1/session`, {
            reason: 'csrf',
          });
      }
      if (roles && !roles.includes(who.user.role))
        throw AppError.forbidden(`the ${who.user.role} role may not do this (allowed: ${roles.join(', ')})`);
      principals.set(req, who);
    })().then(() => next(), next);
  };
}

/** The principal portalAuth authenticated for this request. */
export function principalOf(req: Request): PortalPrincipal {
  const p = principals.get(req);
  if (!p) throw new Error('principalOf() called on a route without portalAuth');
  return p;
}
