import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/** What became of a notification WeChat Pay (or someone claiming to be it) sent us. */
export type NotificationOutcome = 'applied' | 'duplicate' | 'replayed' | 'refused' | 'unmatched' | 'conflict' | 'error';

/**
 * Every notification received, kept for operators: which tenant path, which event, whether the
 * signature held, and what we did. Refusals carry the failed check (a security event).
 */
export const NotificationEntity = defineEntity({
  name: 'NotificationLog',
  tableName: 'notification_log',
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(64),
    kind: p.string().length(16).$type<'transactions' | 'refunds' | 'complaints' | 'combine'>(),
    eventId: p.string().length(64).nullable(),
    eventType: p.string().length(32).nullable(),
    serial: p.string().length(64).nullable(),
    /**
     * 'ok' or the verification failure (missing_headers, stale_timestamp, signtest_probe, unknown_serial, bad_signature,
     * undecryptable).
     */
    verification: p.string().length(32),
    /** The key that verified the signature: `public_key` or the platform certificate serial; null when unverified. */
    verifiedBy: p.string().length(64).nullable(),
    outcome: p.string().length(16).$type<NotificationOutcome>(),
    /** The check that failed or the reason, plus what the payload claimed (sub_mchid, out_trade_no), as JSON. */
    detail: p.text().nullable(),
    receivedAt: p.bigint('number'),
  },
  indexes: [
    { name: 'notification_log_received_idx', properties: ['receivedAt'] },
    { name: 'notification_log_tenant_received_idx', properties: ['tenantId', 'receivedAt'] },
  ],
});

/** One notification_log row. */
export type NotificationRow = RowOf<typeof NotificationEntity>;
/** The notification_log table. */
export const NOTIFICATION_LOG = table(NotificationEntity);
