import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { ComplaintService, complaintIdParams, responseBody, tenantListQuery } from '../complaints';
import { portalAuth, principalOf } from './portal-auth';

const complaint = z
  .record(z.string(), z.unknown())
  .describe("WeChat Pay's complaint fields (unknown ones kept), payer_phone masked, respond_by, overdue");
const one = z.object({ complaint });
const tags = ['portal'];

/**
 * The portal's complaints: the signed-in tenant's only (another tenant's: 404), read by every role,
 * answered by owner and staff (X-CSRF-Token), through the same service as the tenant API.
 */
export function portalComplaintsRouter(c: DependencyContainer): ApiRouter {
  const service = c.resolve(ComplaintService);
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/portal/v1/complaints',
        summary: "The tenant's consumer complaints, newest first (filter: state), each with respond_by and overdue",
        tags,
        auth: 'portal',
        query: tenantListQuery,
        responses: { 200: { description: 'a page', schema: z.object({ data: z.array(complaint), next_cursor: z.string().nullable() }) } },
      },
      portalAuth(c),
      ({ query, req }) => service.list(principalOf(req).tenant, query),
    )
    .route(
      {
        method: 'get',
        path: '/portal/v1/complaints/:complaint_id',
        summary: "One of the tenant's complaints: detail, negotiation history, the order it is about",
        tags,
        auth: 'portal',
        params: complaintIdParams,
        responses: { 200: { description: 'the complaint', schema: one } },
      },
      portalAuth(c),
      async ({ params, req }) => ({ complaint: await service.get(principalOf(req).tenant, params.complaint_id) }),
    )
    .route(
      {
        method: 'post',
        path: '/portal/v1/complaints/:complaint_id/responses',
        summary: 'Reply to the buyer at WeChat Pay (owner and staff; X-CSRF-Token); the first reply moves PENDING to PROCESSING',
        tags,
        auth: 'portal',
        params: complaintIdParams,
        body: responseBody,
        headers: { 'X-CSRF-Token': "the session's csrf_token (GET /portal/v1/session)" },
        responses: { 200: { description: 'the complaint after the reply', schema: one } },
      },
      portalAuth(c, ['owner', 'staff']),
      async ({ params, body, req }) => {
        const { tenant, user } = principalOf(req);
        return { complaint: await service.respond(tenant, params.complaint_id, body, { actor: `portal:${user.id}`, requestId: req.id }) };
      },
    );
}
