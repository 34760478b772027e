import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { attemptSchema, EventQueries, eventIdParams, eventPageQuery, eventSchema } from '../events';
import { portalAuth, principalOf } from './portal-auth';

/**
 * The portal's events: what partnerpay sent (or is sending) the tenant's back end, with every
 * delivery attempt; `type=profit_sharing.finished|returned` is the tenant's splits with each
 * receiver's result. Read-only for every role; another tenant's event is 404.
 */
export function portalEventsRouter(c: DependencyContainer): ApiRouter {
  const events = c.resolve(EventQueries);
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/portal/v1/events',
        summary: "The tenant's events and their delivery state, newest first (filter: type)",
        tags: ['portal'],
        auth: 'portal',
        query: z.object(eventPageQuery),
        responses: {
          200: { description: 'a page of events', schema: z.object({ data: z.array(eventSchema), next_cursor: z.string().nullable() }) },
        },
      },
      portalAuth(c),
      ({ query, req }) =>
        events.list({ tenantId: principalOf(req).tenant.id, type: query.type, limit: query.limit, cursor: query.cursor }, false),
    )
    .route(
      {
        method: 'get',
        path: '/portal/v1/events/:id',
        summary: "One of the tenant's events with every delivery attempt (another tenant's: 404)",
        tags: ['portal'],
        auth: 'portal',
        params: eventIdParams,
        responses: {
          200: { description: 'the event', schema: z.object({ event: eventSchema.extend({ delivery_attempts: z.array(attemptSchema) }) }) },
        },
      },
      portalAuth(c),
      async ({ params, req }) => ({ event: await events.get(params.id, principalOf(req).tenant.id) }),
    );
}
