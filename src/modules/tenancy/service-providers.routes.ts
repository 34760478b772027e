import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { pageQuery } from '../../platform/http/paging';
import { operatorAuth, writeContext } from '../operators';
import { ServiceProvidersService, serviceProviderJson } from './service-providers.service';
import { mchid, serviceProviderBody } from './tenancy.schemas';

const provider = z.object({
  sp_mchid: z.string(),
  sp_appid: z.string(),
  name: z.string(),
  merchant_serial_no: z.string(),
  verification: z.object({ mode: z.enum(['public_key', 'certificate']), wechatpay_public_key_id: z.string().optional() }),
  sp_app_secret_set: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
const params = z.object({ sp_mchid: mchid });

/** PUT/GET /admin/v1/service-providers[/{sp_mchid}]. */
export function serviceProvidersRouter(c: DependencyContainer): ApiRouter {
  const service = c.resolve(ServiceProvidersService);
  const tags = ['admin: service providers'];
  return new ApiRouter()
    .route(
      {
        method: 'put',
        path: '/admin/v1/service-providers/:sp_mchid',
        errors: ['SECONDARY_CLEARING_FORBIDDEN', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: "Create or replace a service provider's credentials (never echoed)",
        tags,
        auth: 'operator',
        params,
        body: serviceProviderBody,
        responses: { 200: { description: 'replaced', schema: provider }, 201: { description: 'created', schema: provider } },
      },
      operatorAuth(c, 'admin'),
      async ({ params: p, body, req, res }) => {
        const { created, provider: row } = await service.put(p.sp_mchid, body, writeContext(req));
        res.status(created ? 201 : 200);
        return serviceProviderJson(row);
      },
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/service-providers',
        summary: 'List service providers',
        tags,
        auth: 'operator',
        query: pageQuery,
        responses: { 200: { description: 'a page', schema: z.object({ data: z.array(provider), next_cursor: z.string().nullable() }) } },
      },
      operatorAuth(c, 'viewer'),
      ({ query }) => service.list(query.limit, query.cursor),
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/service-providers/:sp_mchid',
        summary: 'One service provider',
        tags,
        auth: 'operator',
        params,
        responses: { 200: { description: 'the provider', schema: provider } },
      },
      operatorAuth(c, 'viewer'),
      async ({ params: p }) => serviceProviderJson(await service.get(p.sp_mchid)),
    );
}
