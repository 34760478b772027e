import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { pageQuery } from '../../platform/http/paging';
import { operatorAuth, writeContext } from '../operators';
import { TenantsService } from './tenants.service';
import { TenantKeysService } from './tenant-keys.service';
import { secretKeySchema, webhookRotateBody, webhookSecretSchema } from './tenant-keys.schemas';
import { appCreateBody, appid, appPatchBody, mchid, tenantCreateBody, tenantId, tenantPatchBody, tenantStatus } from './tenancy.schemas';

const app = z
  .object({ appid: z.string(), type: z.string(), dev_mode: z.string(), authorized: z.boolean(), app_secret_set: z.boolean() })
  .meta({ id: 'TenantApp', description: "One of a tenant's AppIDs (the AppSecret itself is never shown)" });
const tenant = z
  .object({
    id: z.string(),
    sp_mchid: z.string(),
    sub_mchid: z.string(),
    name: z.string(),
    status: z.string(),
    apps: z.array(app),
    webhook_url: z.string().nullable(),
    notify_urls: z.object({ transactions: z.string(), refunds: z.string() }),
    order_expire_minutes: z.number(),
    limits: z.object({ orders_per_minute: z.number() }),
    profit_sharing: z.object({ max_ratio: z.number(), receivers: z.array(z.object({ type: z.string(), account: z.string() })) }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Tenant', description: 'A tenant: one sub-merchant (特约商户)' });
const key = secretKeySchema;
const idParams = z.object({ id: tenantId });

/** The tenant routes of the admin API. */
export function tenantsRouter(c: DependencyContainer): ApiRouter {
  const tenants = c.resolve(TenantsService);
  const keys = c.resolve(TenantKeysService);
  const admin = operatorAuth(c, 'admin');
  const viewer = operatorAuth(c, 'viewer');
  const tags = ['admin: tenants'];
  return new ApiRouter()
    .route(
      {
        method: 'post',
        path: '/admin/v1/tenants',
        errors: ['TENANT_EXISTS', 'CONFLICT', 'SECONDARY_CLEARING_FORBIDDEN', 'APPID_MCHID_NOT_MATCH'],
        summary: 'Onboard a sub-merchant (特约商户); secret_key and webhook_secret are answered this once only',
        tags,
        auth: 'operator',
        body: tenantCreateBody,
        responses: {
          201: {
            description: 'created',
            schema: tenant.extend({ secret_key: z.string(), secret_key_id: z.string(), webhook_secret: z.string() }),
          },
        },
      },
      admin,
      async ({ body, req, res }) => {
        const r = await tenants.create(body, writeContext(req));
        res.status(201);
        return {
          ...r.tenant,
          secret_key: r.secret_key.secret_key,
          secret_key_id: r.secret_key.id,
          webhook_secret: r.webhook_secret.webhook_secret,
        };
      },
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/tenants',
        summary: 'List tenants, newest first',
        tags,
        auth: 'operator',
        query: pageQuery.extend({ sp_mchid: mchid.optional(), sub_mchid: mchid.optional(), status: tenantStatus.optional() }),
        responses: { 200: { description: 'a page', schema: z.object({ data: z.array(tenant), next_cursor: z.string().nullable() }) } },
      },
      viewer,
      ({ query }) => tenants.list(query),
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/tenants/:id',
        summary: 'One tenant',
        tags,
        auth: 'operator',
        params: idParams,
        responses: { 200: { description: 'the tenant', schema: tenant } },
      },
      viewer,
      ({ params }) => tenants.get(params.id),
    )
    .route(
      {
        method: 'patch',
        path: '/admin/v1/tenants/:id',
        errors: ['CONFLICT', 'SECONDARY_CLEARING_FORBIDDEN'],
        summary: 'Change name, status (active|suspended), webhook_url, order_expire_minutes, limits or profit_sharing',
        tags,
        auth: 'operator',
        params: idParams,
        body: tenantPatchBody,
        responses: { 200: { description: 'the tenant', schema: tenant } },
      },
      admin,
      ({ params, body, req }) => tenants.update(params.id, body, writeContext(req)),
    )
    .route(
      {
        method: 'post',
        path: '/admin/v1/tenants/:id/apps',
        errors: ['CONFLICT', 'SECONDARY_CLEARING_FORBIDDEN', 'APPID_MCHID_NOT_MATCH'],
        summary: 'Bind an AppID to the tenant (app_secret: its AppSecret for mini-program checkout, stored encrypted, never echoed)',
        tags,
        auth: 'operator',
        params: idParams,
        body: appCreateBody,
        responses: { 201: { description: 'the tenant', schema: tenant } },
      },
      admin,
      async ({ params, body, req, res }) => {
        const out = await tenants.addApp(params.id, body, writeContext(req));
        res.status(201);
        return out;
      },
    )
    .route(
      {
        method: 'patch',
        path: '/admin/v1/tenants/:id/apps/:appid',
        errors: ['CONFLICT', 'SECONDARY_CLEARING_FORBIDDEN', 'APPID_MCHID_NOT_MATCH'],
        summary: 'Set or rotate (null: remove) the AppSecret of a bound AppID; answers app_secret_set, never the secret',
        tags,
        auth: 'operator',
        params: idParams.extend({ appid }),
        body: appPatchBody,
        responses: { 200: { description: 'the tenant', schema: tenant } },
      },
      admin,
      ({ params, body, req }) => tenants.setAppSecret(params.id, params.appid, body.app_secret, writeContext(req)),
    )
    .route(
      {
        method: 'delete',
        path: '/admin/v1/tenants/:id/apps/:appid',
        summary: 'Unbind an AppID',
        tags,
        auth: 'operator',
        params: idParams.extend({ appid }),
        responses: { 200: { description: 'the tenant', schema: tenant } },
      },
      admin,
      ({ params, req }) => tenants.removeApp(params.id, params.appid, writeContext(req)),
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/tenants/:id/secret-keys',
        summary: "The tenant's secret keys (prefix and times only)",
        tags,
        auth: 'operator',
        params: idParams,
        responses: { 200: { description: 'keys', schema: z.object({ data: z.array(key), next_cursor: z.null() }) } },
      },
      viewer,
      ({ params }) => keys.list(params.id),
    )
    .route(
      {
        method: 'post',
        path: '/admin/v1/tenants/:id/secret-keys',
        summary: 'A new secret key, answered this once; older keys stay valid until revoked',
        tags,
        auth: 'operator',
        params: idParams,
        responses: { 201: { description: 'the key', schema: key.extend({ secret_key: z.string() }) } },
      },
      admin,
      async ({ params, req, res }) => {
        const out = await keys.create(params.id, writeContext(req));
        res.status(201);
        return out;
      },
    )
    .route(
      {
        method: 'delete',
        path: '/admin/v1/tenants/:id/secret-keys/:key_id',
        summary: 'Revoke a secret key',
        tags,
        auth: 'operator',
        params: idParams.extend({ key_id: z.string().max(64) }),
        responses: { 204: { description: 'revoked' } },
      },
      admin,
      async ({ params, req }) => {
        await keys.revoke(params.id, params.key_id, writeContext(req));
      },
    )
    .route(
      {
        method: 'post',
        path: '/admin/v1/tenants/:id/webhook-secret/rotate',
        summary: 'A new webhook secret, answered this once; the previous ones keep signing (one v1 each) until previous_expires_at',
        tags,
        auth: 'operator',
        params: idParams,
        body: webhookRotateBody,
        responses: {
          201: {
            description: 'the new secret',
            schema: webhookSecretSchema,
          },
        },
      },
      admin,
      async ({ params, body, req, res }) => {
        const out = await keys.rotateWebhookSecret(params.id, body.previous_expires_in_seconds, writeContext(req));
        res.status(201);
        return out;
      },
    );
}
