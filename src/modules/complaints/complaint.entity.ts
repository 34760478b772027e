import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/**
 * One consumer complaint (消费者投诉 2.0) as WeChat Pay last described it, keyed by (sp_mchid,
 * complaint_id). `tenantId` is null when no tenant has the complained sub_mchid (kept for operators).
 * `detail` is WeChat Pay's object as it came (unknown fields kept) without `payer_phone`, which is
 * stored only sealed (SecretBox) and masked. `respondBy` is partnerpay's deadline for the first reply.
 */
export const ComplaintEntity = defineEntity({
  name: 'Complaint',
  tableName: 'complaint',
  properties: {
    id: p.string().length(40).primary(),
    spMchid: p.string().length(32),
    complaintId: p.string().length(64),
    subMchid: p.string().length(32),
    tenantId: p.string().length(40).nullable(),
    /** WeChat Pay's complaint_state as it came (unknown values included). */
    state: p.string().length(32),
    complaintTime: p.bigint('number'),
    outTradeNo: p.string().length(64).nullable(),
    transactionId: p.string().length(64).nullable(),
    detail: p.json<Record<string, unknown>>().columnType('text'),
    history: p.json<Array<Record<string, unknown>>>().columnType('text'),
    payerPhoneSealed: p.text().nullable(),
    payerPhoneMasked: p.string().length(32).nullable(),
    /** A fingerprint of detail + history: a sync that sees the same one changes nothing. */
    fingerprint: p.string().length(64),
    respondBy: p.bigint('number').index(),
    /** When a merchant reply was first seen (ours or in the history). */
    respondedAt: p.bigint('number').nullable(),
    /** Set once complaint.overdue was recorded (a guarded UPDATE: once across nodes). */
    overdueAt: p.bigint('number').nullable(),
    version: p.integer(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
  // complaint_id first: operators look complaints up by it alone.
  uniques: [{ name: 'complaint_id_sp_uq', properties: ['complaintId', 'spMchid'] }],
  // A tenant's list, newest first.
  indexes: [{ name: 'complaint_tenant_time_idx', properties: ['tenantId', 'complaintTime'] }],
});
export type ComplaintRow = RowOf<typeof ComplaintEntity>;
export const COMPLAINT = table(ComplaintEntity);

/** One row per provider: the lease that makes one node at a time sync its complaint list. */
export const ComplaintSyncEntity = defineEntity({
  name: 'ComplaintSync',
  tableName: 'complaint_sync',
  properties: {
    spMchid: p.string().length(32).primary(),
    leaseUntil: p.bigint('number').nullable(),
    leaseOwner: p.string().length(64).nullable(),
    lastSyncAt: p.bigint('number').nullable(),
    lastError: p.string().length(255).nullable(),
  },
});
export type ComplaintSyncRow = RowOf<typeof ComplaintSyncEntity>;
export const COMPLAINT_SYNC = table(ComplaintSyncEntity);
