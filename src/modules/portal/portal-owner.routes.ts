import type { Request } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { rfc3339 } from '../../platform/clock';
import { AppError } from '../../platform/errors/errors';
import type { WriteContext } from '../operators';
import { secretKeySchema, TenantKeysService, TenantsService, webhookRotateBody, webhookSecretSchema, webhookUrl } from '../tenancy';
import { portalAuth, principalOf } from './portal-auth';
import { PortalUsersService, userJson } from './portal-users.service';
import { portalInvitationSchema, portalUserPageSchema, portalUserSchema } from './portal.schemas';
import { inviteBody } from './portal-users.routes';

const tags = ['portal'];
const csrf = { 'X-CSRF-Token': "the session's csrf_token (GET /portal/v1/session)" };
const owner = ['owner'] as const;
const userParams = z.object({ user_id: z.string().max(40) });
const role = z.enum(['owner', 'staff', 'viewer'], 'must be owner, staff or viewer');

/** Who did it, for the audit log: the portal user. */
const ctxOf = (req: Request): WriteContext => ({ actor: `portal:${principalOf(req).user.id}`, requestId: req.id });

/** An owner acts on the other users of its shop, never on itself (so a shop cannot lose its last owner by a slip). */
function notSelf(req: Request, userId: string): void {
  if (principalOf(req).user.id === userId)
    throw new AppError('CONFLICT', 'you cannot change or remove your own portal user: ask another owner or your platform operator', {
      reason: 'self',
    });
}

/**
 * What a shop's owner manages itself in the portal (contract: "owner manages the tenant's users,
 * webhook URL and secret, and secret keys"): every route is owner-only, scoped to the session's
 * tenant, needs the CSRF token on writes, and goes through the same services as the admin API.
 */
export function portalOwnerRouter(c: DependencyContainer): ApiRouter {
  const users = c.resolve(PortalUsersService);
  const tenants = c.resolve(TenantsService);
  const keys = c.resolve(TenantKeysService);
  const r = new ApiRouter();
  r.route(
    {
      method: 'get',
      path: '/portal/v1/users',
      summary: "The shop's portal users (owner only; never a password or secret)",
      tags,
      auth: 'portal',
      responses: { 200: { description: "the tenant's users, one page", schema: portalUserPageSchema } },
    },
    portalAuth(c, owner),
    async ({ req }) => ({ data: (await users.repo.usersOf(principalOf(req).tenant.id)).map(userJson), next_cursor: null }),
  );
  r.route(
    {
      method: 'post',
      path: '/portal/v1/users',
      summary: 'Invite a user to the shop (owner only): answers the one-time invitation link, valid 72 h, this once only',
      tags,
      auth: 'portal',
      body: inviteBody,
      headers: csrf,
      responses: { 201: { description: 'the user and invitation { url, token, expires_at }', schema: portalInvitationSchema } },
      errors: ['CONFLICT'],
    },
    portalAuth(c, owner),
    async ({ body, req, res }) => {
      const out = await users.invite(principalOf(req).tenant.id, body.login, body.role, ctxOf(req));
      res.status(201);
      return { user: userJson(out.user), invitation: { url: out.url, token: out.token, expires_at: rfc3339(out.user.inviteExpiresAt!) } };
    },
  );
  r.route(
    {
      method: 'patch',
      path: '/portal/v1/users/:user_id',
      summary: "Change a shop user's role (owner only; not one's own)",
      tags,
      auth: 'portal',
      params: userParams,
      body: z.strictObject({ role }),
      headers: csrf,
      responses: { 200: { description: 'the user', schema: z.object({ user: portalUserSchema }) } },
      errors: ['CONFLICT'],
    },
    portalAuth(c, owner),
    async ({ params, body, req }) => {
      notSelf(req, params.user_id);
      return { user: userJson(await users.changeRole(principalOf(req).tenant.id, params.user_id, body.role, ctxOf(req))) };
    },
  );
  r.route(
    {
      method: 'delete',
      path: '/portal/v1/users/:user_id',
      summary: 'Remove a shop user (owner only; not oneself): its sessions end at once',
      tags,
      auth: 'portal',
      params: userParams,
      headers: csrf,
      responses: { 204: { description: 'removed' } },
      errors: ['CONFLICT'],
    },
    portalAuth(c, owner),
    async ({ params, req }) => {
      notSelf(req, params.user_id);
      await users.remove(principalOf(req).tenant.id, params.user_id, ctxOf(req));
      return undefined;
    },
  );
  r.route(
    {
      method: 'get',
      path: '/portal/v1/webhook',
      summary: "The shop's webhook URL (owner only)",
      tags,
      auth: 'portal',
      responses: { 200: { description: 'the webhook', schema: z.object({ webhook_url: z.string().nullable() }) } },
    },
    portalAuth(c, owner),
    async ({ req }) => ({ webhook_url: (await tenants.get(principalOf(req).tenant.id)).webhook_url }),
  );
  r.route(
    {
      method: 'put',
      path: '/portal/v1/webhook',
      summary: "Set (null: remove) the shop's webhook URL (owner only; the same rules as the admin API)",
      tags,
      auth: 'portal',
      body: z.strictObject({ webhook_url: webhookUrl.nullable() }),
      headers: csrf,
      responses: { 200: { description: 'the webhook', schema: z.object({ webhook_url: z.string().nullable() }) } },
    },
    portalAuth(c, owner),
    async ({ body, req }) => ({
      webhook_url: (await tenants.update(principalOf(req).tenant.id, { webhook_url: body.webhook_url }, ctxOf(req))).webhook_url,
    }),
  );
  r.route(
    {
      method: 'post',
      path: '/portal/v1/webhook-secret/rotate',
      summary: 'A new webhook secret, answered this once (owner only); the previous one keeps signing until previous_expires_at',
      tags,
      auth: 'portal',
      body: webhookRotateBody,
      headers: csrf,
      responses: { 201: { description: 'the new secret', schema: webhookSecretSchema } },
    },
    portalAuth(c, owner),
    async ({ body, req, res }) => {
      const out = await keys.rotateWebhookSecret(principalOf(req).tenant.id, body.previous_expires_in_seconds, ctxOf(req));
      res.status(201);
      return out;
    },
  );
  r.route(
    {
      method: 'get',
      path: '/portal/v1/secret-keys',
      summary: "The shop's secret keys (owner only; prefix and times, never the key)",
      tags,
      auth: 'portal',
      responses: { 200: { description: 'keys', schema: z.object({ data: z.array(secretKeySchema), next_cursor: z.null() }) } },
    },
    portalAuth(c, owner),
    ({ req }) => keys.list(principalOf(req).tenant.id),
  );
  r.route(
    {
      method: 'post',
      path: '/portal/v1/secret-keys',
      summary: 'A new secret key for the shop, answered this once (owner only); older keys stay valid until revoked',
      tags,
      auth: 'portal',
      headers: csrf,
      responses: { 201: { description: 'the key', schema: secretKeySchema.extend({ secret_key: z.string() }) } },
    },
    portalAuth(c, owner),
    async ({ req, res }) => {
      const out = await keys.create(principalOf(req).tenant.id, ctxOf(req));
      res.status(201);
      return out;
    },
  );
  r.route(
    {
      method: 'delete',
      path: '/portal/v1/secret-keys/:key_id',
      summary: "Revoke one of the shop's secret keys (owner only)",
      tags,
      auth: 'portal',
      params: z.object({ key_id: z.string().max(64) }),
      headers: csrf,
      responses: { 204: { description: 'revoked' } },
    },
    portalAuth(c, owner),
    async ({ params, req }) => {
      await keys.revoke(principalOf(req).tenant.id, params.key_id, ctxOf(req));
    },
  );
  return r;
}
