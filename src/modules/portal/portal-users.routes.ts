import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { rfc3339 } from '../../platform/clock';
import { operatorAuth, writeContext } from '../operators';
import { tenantId } from '../tenancy';
import { PortalUsersService, userJson } from './portal-users.service';
import { portalInvitationSchema, portalUserPageSchema } from './portal.schemas';

/** An invitation: the login and the role (operators and the shop's owner invite alike). */
export const inviteBody = z.strictObject({
  login: z
    .string()
    .min(3, 'must be at least 3 characters')
    .max(128, 'must be at most 128 characters')
    .regex(/^[A-Za-z0-9._@+-]+$/, 'must be letters, digits and . _ @ + - (an email address works)'),
  role: z.enum(['owner', 'staff', 'viewer'], 'must be owner, staff or viewer'),
});
const tenantParams = z.object({ id: tenantId });

/** Operators managing a tenant's portal users: GET|POST /admin/v1/tenants/{id}/users, DELETE .../{user_id}. */
export function portalUsersRouter(c: DependencyContainer): ApiRouter {
  const users = c.resolve(PortalUsersService);
  const r = new ApiRouter();
  r.route(
    {
      method: 'post',
      path: '/admin/v1/tenants/:id/users',
      summary: 'Invite a portal user (owner, staff or viewer): answers the one-time invitation link, valid 72 h, this once only',
      tags: ['admin'],
      auth: 'operator',
      params: tenantParams,
      body: inviteBody,
      responses: { 201: { description: 'the user and invitation { url, token, expires_at }', schema: portalInvitationSchema } },
      errors: ['CONFLICT'],
    },
    operatorAuth(c, 'admin'),
    async ({ params, body, req, res }) => {
      const out = await users.invite(params.id, body.login, body.role, writeContext(req));
      res.status(201);
      return { user: userJson(out.user), invitation: { url: out.url, token: out.token, expires_at: rfc3339(out.user.inviteExpiresAt!) } };
    },
  );
  r.route(
    {
      method: 'get',
      path: '/admin/v1/tenants/:id/users',
      summary: "The tenant's portal users (never a password or secret)",
      tags: ['admin'],
      auth: 'operator',
      params: tenantParams,
      responses: { 200: { description: "the tenant's users, one page", schema: portalUserPageSchema } },
    },
    operatorAuth(c, 'viewer'),
    async ({ params }) => ({ data: (await users.repo.usersOf(params.id)).map(userJson), next_cursor: null }),
  );
  r.route(
    {
      method: 'delete',
      path: '/admin/v1/tenants/:id/users/:user_id',
      summary: 'Remove a portal user: its sessions end at once',
      tags: ['admin'],
      auth: 'operator',
      params: z.object({ id: tenantId, user_id: z.string().max(40) }),
      responses: { 204: { description: 'removed' } },
    },
    operatorAuth(c, 'admin'),
    async ({ params, req }) => {
      await users.remove(params.id, params.user_id, writeContext(req));
      return undefined;
    },
  );
  return r;
}
