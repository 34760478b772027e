import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { registerEntities } from '../common/db/entities';

/** What became of a notification WeChat Pay (or someone claiming to be it) sent us. */
export type NotificationOutcome = 'applied' | 'duplicate' | 'replayed' | 'refused' | 'unmatched' | 'conflict' | 'error';

/**
 * Every notification received, kept for operators: which tenant path, which event, whether the
 * signature held, and what we did. Refusals carry the failed check (a security event).
 */
export interface NotificationRow {
  id: string;
  tenant_id: string;
  kind: 'transactions' | 'refunds';
  event_id: string | null;
  event_type: string | null;
  serial: string | null;
  /** 'ok' or the verification failure (missing_headers, stale_timestamp, signtest_probe, unknown_serial, bad_signature, undecryptable). */
  verification: string;
  /** The key that verified the signature: `public_key` or the platform certificate serial; null when unverified. */
  verified_by: string | null;
  outcome: NotificationOutcome;
  /** The check that failed or the reason, plus what the payload claimed (sub_mchid, out_trade_no). */
  detail: string | null;
  received_at: number;
}

export const NotificationSchema = new EntitySchema<NotificationRow>({
  name: 'NotificationLog',
  tableName: 'notification_log',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    tenant_id: { type: 'string', length: 64 },
    kind: { type: 'string', length: 16 },
    event_id: { type: 'string', length: 64, nullable: true },
    event_type: { type: 'string', length: 32, nullable: true },
    serial: { type: 'string', length: 64, nullable: true },
    verification: { type: 'string', length: 32 },
    verified_by: { type: 'string', length: 64, nullable: true },
    outcome: { type: 'string', length: 16 },
    detail: { type: 'text', nullable: true },
    received_at: { type: new BigIntType('number') },
  },
  indexes: [
    { name: 'notification_log_received_idx', properties: ['received_at'] },
    { name: 'notification_log_tenant_received_idx', properties: ['tenant_id', 'received_at'] },
  ],
});

registerEntities(NotificationSchema);
