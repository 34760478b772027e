import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/**
 * Delivery state of an outbox event: pending (due at next_attempt_at), delivering (claimed, leased until next_attempt_at),
 * delivered, failed (schedule exhausted), undeliverable (its tenant has no webhook_url: kept, no attempt, until one is set).
 */
export type EventStatus = 'pending' | 'delivering' | 'delivered' | 'failed' | 'undeliverable';

/**
 * One event for a tenant's webhook: a row of the transactional outbox. Times are epoch
 * milliseconds (bigint) because the dispatcher compares them in SQL on every tick.
 */
export const EventEntity = defineEntity({
  name: 'EventRecord',
  tableName: 'event',
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40),
    type: p.string().length(32),
    /** The exact delivered body `{id,type,created_at,data}`, serialized once when recorded. */
    payload: p.text(),
    status: p.string().length(16).$type<EventStatus>(),
    /** Delivery attempts ever claimed (monotonic; the guard of every outcome update). */
    attempts: p.integer().default(0),
    /** `attempts` when the current retry schedule began (an operator's redeliver restarts it). */
    retryBase: p.integer().default(0),
    nextAttemptAt: p.bigint('number'),
    lastAttemptAt: p.bigint('number').nullable(),
    lastStatus: p.integer().nullable(),
    lastError: p.string().length(255).nullable(),
    deliveredAt: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
  },
  indexes: [
    { name: 'event_status_next_attempt_at_index', properties: ['status', 'nextAttemptAt'] },
    { name: 'event_tenant_id_created_at_index', properties: ['tenantId', 'createdAt'] },
    // Operators list across tenants, newest first.
    { name: 'event_created_at_index', properties: ['createdAt'] },
  ],
});

/** One HTTP attempt to deliver an event, kept for operators. */
export const EventDeliveryAttemptEntity = defineEntity({
  name: 'EventDeliveryAttemptRecord',
  tableName: 'event_delivery_attempt',
  properties: {
    eventId: p.string().length(40).primary(),
    attempt: p.integer().primary(),
    at: p.bigint('number'),
    url: p.string().length(2048),
    httpStatus: p.integer().nullable(),
    durationMs: p.integer(),
    /** The first ~200 characters of the response, secrets scrubbed. */
    responseSnippet: p.string().length(255).nullable(),
    error: p.string().length(255).nullable(),
  },
});

/** One outbox event row. */
export type EventRecord = RowOf<typeof EventEntity>;
/** One delivery attempt row. */
export type EventDeliveryAttemptRecord = RowOf<typeof EventDeliveryAttemptEntity>;
/** The event table (the outbox). */
export const EVENT = table(EventEntity);
/** The event_delivery_attempt table. */
export const EVENT_DELIVERY_ATTEMPT = table(EventDeliveryAttemptEntity);
