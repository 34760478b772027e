import type { Em } from '../common/db/orm';

/** Event types delivered to tenants' webhooks (contract: "Events to tenants"). */
export type EventType = 'order.paid' | 'order.closed' | 'refund.succeeded' | 'refund.closed' | 'refund.abnormal';

export interface NewEvent {
  tenantId: string;
  type: EventType;
  /** The `data` member of the delivered event (the order or refund as the tenant API shows it). */
  data: Record<string, unknown>;
}

/**
 * Writes an event into the transactional outbox inside the caller's transaction (`em` must be the
 * transaction's entity manager), so the event exists if and only if the state change commits.
 * Returns the event id (`evt_...`). Implemented by the events feature.
 */
export type RecordEvent = (em: Em, event: NewEvent) => Promise<string>;
