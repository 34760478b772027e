import type { DependencyContainer } from 'tsyringe';
import type { Response } from 'express';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import type { Config } from '../../platform/config/schema';
import { authFailures, clientIp } from '../../platform/http/auth-failures';
import { AppError } from '../../platform/errors/errors';
import { CSRF_HEADER, SESSION_COOKIE, cookieOf, portalAuth, principalOf } from './portal-auth';
import { PASSWORD_RULE } from './password';
import { portalAcceptedSchema, portalSessionSchema, portalTotpOnSchema, portalTotpSecretSchema } from './portal.schemas';
import { csrfTokenOf, PortalUsersService, SESSION_TTL_MS, userJson, type PortalPrincipal } from './portal-users.service';

const signInBody = z.strictObject({
  login: z.string().min(1, 'is required').max(128),
  password: z.string().min(1, 'is required').max(128, 'must be at most 128 characters'),
  totp: z
    .string()
    .regex(/^\d{6}$/, 'must be the 6 digits your authenticator app shows')
    .optional(),
});
const acceptBody = z.strictObject({
  token: z.string().min(1, 'is required').max(100),
  password: z.string().max(200),
});
const codeBody = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'must be the 6 digits your authenticator app shows') });

/** What GET /portal/v1/session answers: who, which tenant, and the CSRF token for writes. */
function sessionJson(p: PortalPrincipal, token: string) {
  return {
    user: userJson(p.user),
    tenant: { id: p.tenant.id, name: p.tenant.name, sub_mchid: p.tenant.subMchid, status: p.tenant.status },
    csrf_token: csrfTokenOf(token),
    csrf_header: CSRF_HEADER,
  };
}

/** The portal's sign-in, sign-out, invitation and TOTP endpoints (/portal/v1/session, /invitations, /totp). */
export function portalSessionRouter(c: DependencyContainer): ApiRouter {
  const users = c.resolve(PortalUsersService);
  const config = c.resolve<Config>(TOKENS.Config);
  const limiter = authFailures(c);
  const signedIn = portalAuth(c);
  const secure = config.profile === 'production';
  const setCookie = (res: Response, token: string) =>
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/portal', maxAge: SESSION_TTL_MS });
  const r = new ApiRouter();

  r.route(
    {
      method: 'post',
      path: '/portal/v1/invitations/accept',
      summary: `Accept a portal invitation: set the password once (${PASSWORD_RULE}); 409 if used, 422 if expired`,
      tags: ['portal'],
      auth: 'none',
      body: acceptBody,
      responses: { 200: { description: 'the user, ready to sign in', schema: portalAcceptedSchema } },
      errors: ['NOT_FOUND', 'CONFLICT', 'UNPROCESSABLE'],
    },
    async ({ body }) => ({ user: userJson(await users.acceptInvitation(body.token, body.password)) }),
  );

  r.route(
    {
      method: 'post',
      path: '/portal/v1/session',
      summary:
        'Sign in to the portal: sets the httpOnly SameSite=Strict session cookie; 5 failures in a row lock the account for 15 minutes',
      tags: ['portal'],
      auth: 'none',
      body: signInBody,
      responses: { 201: { description: 'signed in: user, tenant and csrf_token', schema: portalSessionSchema } },
      errors: ['UNAUTHENTICATED', 'FREQUENCY_LIMITED'],
    },
    async ({ body, req, res }) => {
      const ip = clientIp(req);
      const credential = `portal:${body.login}`;
      limiter.assertNotBlocked(ip, credential);
      try {
        const { token, principal } = await users.signIn(body.login, body.password, body.totp);
        setCookie(res, token);
        res.status(201);
        return sessionJson(principal, token);
      } catch (err) {
        if (err instanceof AppError && err.code === 'UNAUTHENTICATED') throw await limiter.failure(ip, credential, err);
        throw err;
      }
    },
  );

  r.route(
    {
      method: 'get',
      path: '/portal/v1/session',
      summary: "The signed-in portal user, its tenant and the session's CSRF token (send it as X-CSRF-Token on every write)",
      tags: ['portal'],
      auth: 'portal',
      responses: { 200: { description: 'the session', schema: portalSessionSchema } },
    },
    signedIn,
    ({ req }) => sessionJson(principalOf(req), cookieOf(req, SESSION_COOKIE)!),
  );

  r.route(
    {
      method: 'delete',
      path: '/portal/v1/session',
      summary: 'Sign out (CSRF token required)',
      tags: ['portal'],
      auth: 'portal',
      responses: { 204: { description: 'signed out' } },
    },
    signedIn,
    async ({ req, res }) => {
      await users.signOut(principalOf(req));
      res.clearCookie(SESSION_COOKIE, { path: '/portal', httpOnly: true, sameSite: 'strict', secure });
      return undefined;
    },
  );

  r.route(
    {
      method: 'post',
      path: '/portal/v1/totp',
      summary: 'Start TOTP for the signed-in user: a new secret and its otpauth:// URI (on only after /portal/v1/totp/confirm)',
      tags: ['portal'],
      auth: 'portal',
      responses: { 200: { description: 'secret and otpauth_uri', schema: portalTotpSecretSchema } },
    },
    signedIn,
    ({ req }) => users.beginTotp(principalOf(req)),
  );

  r.route(
    {
      method: 'post',
      path: '/portal/v1/totp/confirm',
      summary: 'Turn TOTP on with the first right code; sign-ins then need it',
      tags: ['portal'],
      auth: 'portal',
      body: codeBody,
      responses: { 200: { description: 'TOTP on', schema: portalTotpOnSchema } },
    },
    signedIn,
    async ({ body, req }) => {
      await users.confirmTotp(principalOf(req), body.code);
      return { totp: true as const };
    },
  );
  return r;
}
