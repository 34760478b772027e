import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { operatorAuth, writeContext } from '../operators';
import { OpenPlatformsService } from './open-platforms.service';
import { AuthorizationsService } from './authorizations.service';
import {
  authorizationLinkBody,
  authorizationLinkSchema,
  componentAppid,
  openPlatformBody,
  openPlatformDetailSchema,
  openPlatformSchema,
  appAuthorizationChangedEvent,
} from './open-platform.schemas';

const params = z.object({ component_appid: componentAppid });

/** /admin/v1/open-platforms: the ISV's 第三方平台 accounts, their ticket and token, authorisations and links. */
export function openPlatformsRouter(c: DependencyContainer): ApiRouter {
  const accounts = c.resolve(OpenPlatformsService);
  const authorizations = c.resolve(AuthorizationsService);
  const tags = ['admin: open platforms'];
  return new ApiRouter()
    .webhook({
      name: 'app.authorization_changed',
      summary: "A tenant's AppID was authorised to, updated at, or withdrawn from an open platform (第三方平台)",
      description:
        "Sent to the AppID's tenant in the transaction of the change. Signed (Partnerpay-Signature), " +
        "retried on WeChat Pay's schedule until a 2xx; may arrive twice.",
      payload: appAuthorizationChangedEvent,
    })
    .route(
      {
        method: 'put',
        path: '/admin/v1/open-platforms/:component_appid',
        errors: ['CONFLICT', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: "Register or update the ISV's open-platform account (secrets encrypted, never echoed; omitted secrets are kept)",
        tags,
        auth: 'operator',
        params,
        body: openPlatformBody,
        responses: {
          200: { description: 'updated', schema: openPlatformSchema },
          201: { description: 'registered', schema: openPlatformSchema },
        },
      },
      operatorAuth(c, 'admin'),
      async ({ params: p, body, req, res }) => {
        const { created, account } = await accounts.put(p.component_appid, body, writeContext(req));
        res.status(created ? 201 : 200);
        return account;
      },
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/open-platforms',
        summary: 'Every open-platform account with its ticket age and token expiry',
        tags,
        auth: 'operator',
        responses: { 200: { description: 'the accounts', schema: z.object({ data: z.array(openPlatformSchema), next_cursor: z.null() }) } },
      },
      operatorAuth(c, 'viewer'),
      async () => ({ data: await accounts.list(), next_cursor: null }),
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/open-platforms/:component_appid',
        summary: 'One open-platform account: ticket age, token expiry and every authorisation',
        tags,
        auth: 'operator',
        params,
        responses: { 200: { description: 'the account', schema: openPlatformDetailSchema } },
      },
      operatorAuth(c, 'viewer'),
      async ({ params: p }) => ({
        ...accounts.json(await accounts.get(p.component_appid)),
        authorizations: await authorizations.list(p.component_appid),
      }),
    )
    .route(
      {
        method: 'post',
        path: '/admin/v1/open-platforms/:component_appid/authorizations',
        errors: ['CONFLICT', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: "A tenant's authorisation link: the page its shop owner opens (QR code) to authorise the mini-program",
        tags,
        auth: 'operator',
        params,
        body: authorizationLinkBody,
        responses: { 201: { description: 'the link', schema: authorizationLinkSchema } },
      },
      operatorAuth(c, 'admin'),
      async ({ params: p, body, req, res }) => {
        const link = await authorizations.createLink(p.component_appid, body.tenant_id, writeContext(req));
        res.status(201);
        return link;
      },
    );
}
