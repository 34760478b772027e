import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { tenantAuth, tenantOf } from '../tenancy';
import { operatorAuth, writeContext } from '../operators';
import { type EventView, EventQueries } from './events.queries';
import { adminEventSchema, adminListQuery, attemptSchema, eventIdParams, eventSchema, pageQuery } from './events.schemas';

/** `GET /v1/events`: the authenticated tenant's own events with their delivery state, newest first. */
export function tenantEventsRouter(c: DependencyContainer): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/v1/events',
      summary: "List this tenant's events and their delivery state, newest first",
      tags: ['events'],
      auth: 'tenant',
      query: z.object(pageQuery),
      responses: {
        200: { description: 'a page of events', schema: z.object({ data: z.array(eventSchema), next_cursor: z.string().nullable() }) },
      },
    },
    tenantAuth(c),
    ({ query, req }) =>
      c.resolve(EventQueries).list({ tenantId: tenantOf(req).id, type: query.type, limit: query.limit, cursor: query.cursor }, false),
  );
}

/** Operators: list, inspect (with attempts) and redeliver events of any tenant. */
/** Operators' views always carry tenant_id (EventQueries adds it when no tenant is given). */
function operatorView<V extends EventView>(v: V): V & { tenant_id: string } {
  if (v.tenant_id === undefined) throw new Error(`event ${v.id} answered to an operator without tenant_id`);
  return { ...v, tenant_id: v.tenant_id };
}

export function adminEventsRouter(c: DependencyContainer): ApiRouter {
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/admin/v1/events',
        summary: 'List events of all tenants, newest first',
        tags: ['events'],
        auth: 'operator',
        query: adminListQuery,
        responses: {
          200: {
            description: 'a page of events',
            schema: z.object({ data: z.array(adminEventSchema), next_cursor: z.string().nullable() }),
          },
        },
      },
      operatorAuth(c, 'viewer'),
      async ({ query }) => {
        const page = await c.resolve(EventQueries).list(
          {
            tenantId: query.tenant_id,
            type: query.type,
            status: query.status,
            createdFrom: query.created_from === undefined ? undefined : Date.parse(query.created_from),
            createdTo: query.created_to === undefined ? undefined : Date.parse(query.created_to),
            limit: query.limit,
            cursor: query.cursor,
          },
          true,
        );
        return { data: page.data.map(operatorView), next_cursor: page.next_cursor };
      },
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/events/:id',
        summary: 'One event with every delivery attempt',
        tags: ['events'],
        auth: 'operator',
        params: eventIdParams,
        responses: {
          200: {
            description: 'the event',
            schema: z.object({ event: adminEventSchema.extend({ delivery_attempts: z.array(attemptSchema) }) }),
          },
        },
      },
      operatorAuth(c, 'viewer'),
      async ({ params }) => ({ event: operatorView(await c.resolve(EventQueries).get(params.id)) }),
    )
    .route(
      {
        method: 'post',
        path: '/admin/v1/events/:id/redeliver',
        summary: 'Queue an event for delivery now (a delivered or failed one starts a fresh retry schedule)',
        tags: ['events'],
        auth: 'operator',
        params: eventIdParams,
        responses: { 202: { description: 'queued', schema: z.object({ event: adminEventSchema }) } },
      },
      operatorAuth(c, 'admin'),
      async ({ params, req, res }) => {
        const event = await c.resolve(EventQueries).redeliver(params.id, writeContext(req));
        res.status(202);
        return { event: operatorView(event) };
      },
    );
}
