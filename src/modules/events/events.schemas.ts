import { z } from 'zod';
import { EVENT_TYPES } from './outbox';

export const EVENT_STATUSES = ['pending', 'delivering', 'delivered', 'failed', 'undeliverable'] as const;

const time = z.string().describe('RFC 3339');

/** Delivery state of one event, as tenants and operators see it. */
export const deliverySchema = z
  .object({
    status: z.enum(EVENT_STATUSES),
    attempts: z.number().int(),
    next_attempt_at: time.nullable().describe('when the next attempt is due (pending), or the lease of the one in flight (delivering)'),
    last_attempt_at: time.nullable(),
    last_http_status: z.number().int().nullable(),
    last_error: z.string().nullable(),
    delivered_at: time.nullable(),
  })
  .meta({ id: 'EventDelivery', description: 'Where the delivery of one event stands' });

/** An event: exactly the body POSTed to the webhook, plus `delivery`. */
export const eventSchema = z
  .object({
    id: z.string().describe('evt_...'),
    type: z.enum(EVENT_TYPES),
    created_at: time,
    data: z.record(z.string(), z.unknown()),
    delivery: deliverySchema,
  })
  .meta({ id: 'Event', description: 'An event sent to the tenant (the body POSTed to its webhook_url) and its delivery' });

export const adminEventSchema = eventSchema
  .extend({ tenant_id: z.string() })
  .meta({ id: 'AdminEvent', description: 'An event as operators see it' });

export const attemptSchema = z
  .object({
    attempt: z.number().int(),
    at: time,
    url: z.string(),
    http_status: z.number().int().nullable(),
    duration_ms: z.number().int(),
    response_snippet: z.string().nullable().describe('first 200 characters of the answer'),
    error: z.string().nullable(),
  })
  .meta({ id: 'DeliveryAttempt', description: 'One POST of an event to the webhook_url' });

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  type: z.enum(EVENT_TYPES).optional(),
};

export const adminListQuery = z.object({
  ...pageQuery,
  tenant_id: z.string().max(64).optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  created_from: z.iso.datetime({ offset: true }).optional().describe('inclusive, RFC 3339'),
  created_to: z.iso.datetime({ offset: true }).optional().describe('exclusive, RFC 3339'),
});

export const eventIdParams = z.object({ id: z.string().min(1).max(64) });

/** The envelope of every webhook: exactly the body POSTed, named per type (`OrderPaidEvent`, ...). */
export function webhookEnvelope<T extends string, D extends z.ZodType>(type: T, id: string, data: D) {
  return z
    .object({ id: z.string().describe('evt_...'), type: z.literal(type), created_at: z.string().describe('RFC 3339, +08:00'), data })
    .meta({ id, description: `The ${type} event as POSTed to the tenant's webhook_url` });
}
