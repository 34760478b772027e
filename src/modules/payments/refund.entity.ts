import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/** WeChat Pay's refund status (spec §8.1). */
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

/**
 * One refund of a tenant's paid order. The row is written (status PROCESSING, `submitted` 0) before
 * WeChat Pay is asked, and its amount counts against the order's refundable remainder from then on.
 */
export const RefundEntity = defineEntity({
  name: 'Refund',
  tableName: 'refund',
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40),
    orderId: p.string().length(40),
    spMchid: p.string().length(16),
    subMchid: p.string().length(16),
    outTradeNo: p.string().length(32),
    transactionId: p.string().length(32).nullable(),
    outRefundNo: p.string().length(64),
    refundId: p.string().length(32).nullable(),
    amountRefund: p.integer(),
    amountTotal: p.integer(),
    reason: p.string().length(80).nullable(),
    requestHash: p.string().length(64),
    status: p.string().length(16).$type<RefundStatus>(),
    /** 1 once WeChat Pay accepted the refund request (it answered with a refund_id). */
    submitted: p.integer().default(0),
    userReceivedAccount: p.string().length(64).nullable(),
    successTime: p.bigint('number').nullable(),
    lastSyncedAt: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
  // out_refund_no is unique within the service provider's system (spec §8.1).
  uniques: [{ name: 'refund_sp_out_refund_no_unique', properties: ['spMchid', 'outRefundNo'] }],
  indexes: [
    { name: 'refund_order_idx', properties: ['orderId'] },
    { name: 'refund_tenant_created_idx', properties: ['tenantId', 'createdAt'] },
    { name: 'refund_status_created_idx', properties: ['status', 'createdAt'] },
    // Reconciliation's missing_upstream scan: one provider's refunds in a time window.
    { name: 'refund_sp_created_idx', properties: ['spMchid', 'createdAt'] },
    // Operators look a refund up by out_refund_no across providers (the unique key leads with sp_mchid).
    { name: 'refund_out_refund_no_idx', properties: ['outRefundNo'] },
  ],
});

/** One refund row. */
export type RefundRow = RowOf<typeof RefundEntity>;
/** The refund table. */
export const REFUND = table(RefundEntity);
