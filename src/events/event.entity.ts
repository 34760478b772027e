import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { registerEntities } from '../common/db/entities';

/** Delivery state of an outbox event: pending (due at next_attempt_at), delivering (claimed, leased until next_attempt_at), delivered, failed (schedule exhausted). */
export type EventStatus = 'pending' | 'delivering' | 'delivered' | 'failed';

/**
 * One event for a tenant's webhook: a row of the transactional outbox. Times are epoch
 * milliseconds (bigint) because the dispatcher compares them in SQL on every tick.
 */
export interface EventRecord {
  id: string;
  tenantId: string;
  type: string;
  /** The exact delivered body `{id,type,created_at,data}`, serialized once when recorded. */
  payload: string;
  status: EventStatus;
  /** Delivery attempts ever claimed (monotonic; the guard of every outcome update). */
  attempts: number;
  /** `attempts` when the current retry schedule began (an operator's redeliver restarts it). */
  retryBase: number;
  nextAttemptAt: number;
  lastAttemptAt?: number | null;
  lastStatus?: number | null;
  lastError?: string | null;
  deliveredAt?: number | null;
  createdAt: number;
}

/** One HTTP attempt to deliver an event, kept for operators. */
export interface EventDeliveryAttemptRecord {
  eventId: string;
  attempt: number;
  at: number;
  url: string;
  httpStatus?: number | null;
  durationMs: number;
  /** The first ~200 characters of the response, secrets scrubbed. */
  responseSnippet?: string | null;
  error?: string | null;
}

const ms = () => new BigIntType('number');

export const EventSchema = new EntitySchema<EventRecord>({
  name: 'EventRecord',
  tableName: 'event',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    tenantId: { type: 'string', length: 40 },
    type: { type: 'string', length: 32 },
    payload: { type: 'text' },
    status: { type: 'string', length: 16 },
    attempts: { type: 'integer', default: 0 },
    retryBase: { type: 'integer', default: 0 },
    nextAttemptAt: { type: ms() },
    lastAttemptAt: { type: ms(), nullable: true },
    lastStatus: { type: 'integer', nullable: true },
    lastError: { type: 'string', length: 255, nullable: true },
    deliveredAt: { type: ms(), nullable: true },
    createdAt: { type: ms() },
  },
  indexes: [
    { name: 'event_status_next_attempt_at_index', properties: ['status', 'nextAttemptAt'] },
    { name: 'event_tenant_id_created_at_index', properties: ['tenantId', 'createdAt'] },
    // Operators list across tenants, newest first.
    { name: 'event_created_at_index', properties: ['createdAt'] },
  ],
});

export const EventDeliveryAttemptSchema = new EntitySchema<EventDeliveryAttemptRecord>({
  name: 'EventDeliveryAttemptRecord',
  tableName: 'event_delivery_attempt',
  properties: {
    eventId: { type: 'string', length: 40, primary: true },
    attempt: { type: 'integer', primary: true },
    at: { type: ms() },
    url: { type: 'string', length: 2048 },
    httpStatus: { type: 'integer', nullable: true },
    durationMs: { type: 'integer' },
    responseSnippet: { type: 'string', length: 255, nullable: true },
    error: { type: 'string', length: 255, nullable: true },
  },
});

registerEntities(EventSchema, EventDeliveryAttemptSchema);
