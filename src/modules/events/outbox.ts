import type { Configuration } from '@mikro-orm/core';
import type { Em, Orm } from '../../platform/db/orm';
import { rfc3339, systemClock, type Clock } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { EVENT } from './event.entity';

/** Event types delivered to tenants' webhooks (contract: "Events to tenants"). */
export type EventType =
  | 'order.paid'
  | 'order.closed'
  | 'refund.succeeded'
  | 'refund.closed'
  | 'refund.abnormal'
  | 'profit_sharing.finished'
  | 'profit_sharing.returned'
  | 'reconciliation.completed'
  | 'app.authorization_changed'
  | 'complaint.created'
  | 'complaint.updated'
  | 'complaint.overdue';

export const EVENT_TYPES: readonly EventType[] = [
  'order.paid',
  'order.closed',
  'refund.succeeded',
  'refund.closed',
  'refund.abnormal',
  'profit_sharing.finished',
  'profit_sharing.returned',
  'reconciliation.completed',
  'app.authorization_changed',
  'complaint.created',
  'complaint.updated',
  'complaint.overdue',
];

export interface NewEvent {
  tenantId: string;
  type: EventType;
  /** The `data` member of the delivered event (the order or refund as the tenant API shows it). */
  data: Record<string, unknown>;
}

/**
 * Writes an event into the transactional outbox inside the caller's transaction (`em` must be the
 * transaction's entity manager), so the event exists if and only if the state change commits.
 * Returns the event id (`evt_...`). Implemented by the events module.
 */
export type RecordEvent = (em: Em, event: NewEvent) => Promise<string>;

const MAX_PAYLOAD_BYTES = 60_000;

// The app's clock per ORM (keyed by its Configuration, which every fork shares), so recordEvent
// keeps the seam's two-argument signature yet stamps events with the same clock the dispatcher
// compares against (a ManualClock in tests). Bound by eventsModule.register.
const clocks = new WeakMap<Configuration, () => Clock>();

// Told of each event recorded (metrics: orders paid), per ORM like the clock. Called inside the transaction: a
// rollback after it (rare: the event INSERT is the transaction's last statement) counts an event that never was.
const observers = new WeakMap<Configuration, (event: NewEvent) => void>();

/** Makes recordEvent tell `observer` of each event written through `orm`'s entity managers (O(1), no I/O). */
export function bindOutboxObserver(orm: Orm, observer: (event: NewEvent) => void): void {
  observers.set(orm.config, observer);
}

/** Makes recordEvent use this app's clock for events written through `orm`'s entity managers. */
export function bindOutboxClock(orm: Orm, clock: () => Clock): void {
  clocks.set(orm.config, clock);
}

/**
 * The transactional outbox's write: one INSERT (built by the event table's definition) through the
 * transaction's `em` (em.execute carries the transaction context; em.getConnection().execute would not). The delivered body is
 * serialized here, once, so every attempt sends identical bytes. Refuses to run outside a
 * transaction, where the event could outlive a rolled-back state change.
 */
export const recordEvent: RecordEvent = async (em, event) => {
  if (!em.isInTransaction()) throw new Error('recordEvent must run inside the transaction of the state change it announces');
  const now = (clocks.get(em.config)?.() ?? systemClock).now();
  const id = newId('evt');
  const payload = JSON.stringify({ id, type: event.type, created_at: rfc3339(now), data: event.data });
  // The column is TEXT (64 KiB on MySQL); an order or refund is a few hundred bytes.
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES)
    throw new Error(`event ${event.type} body is ${Buffer.byteLength(payload)} bytes; at most ${MAX_PAYLOAD_BYTES}`);
  // Nothing reads the event back in its transaction: under group commit it joins the group's one INSERT.
  await EVENT.append(em, {
    id,
    tenantId: event.tenantId,
    type: event.type,
    payload,
    status: 'pending',
    attempts: 0,
    retryBase: 0,
    nextAttemptAt: now,
    lastAttemptAt: null,
    lastStatus: null,
    lastError: null,
    deliveredAt: null,
    createdAt: now,
  });
  observers.get(em.config)?.(event);
  return id;
};
