import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { registerEntities } from '../common/db/entities';

/** WeChat Pay's refund status (spec §8.1). */
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

/**
 * One refund of a tenant's paid order. The row is written (status PROCESSING, `submitted` 0) before
 * WeChat Pay is asked, and its amount counts against the order's refundable remainder from then on.
 */
export interface RefundRow {
  id: string;
  tenant_id: string;
  order_id: string;
  sp_mchid: string;
  sub_mchid: string;
  out_trade_no: string;
  transaction_id: string | null;
  out_refund_no: string;
  refund_id: string | null;
  amount_refund: number;
  amount_total: number;
  reason: string | null;
  request_hash: string;
  status: RefundStatus;
  /** 1 once WeChat Pay accepted the refund request (it answered with a refund_id). */
  submitted: number;
  user_received_account: string | null;
  success_time: number | null;
  last_synced_at: number | null;
  created_at: number;
  updated_at: number;
}

const ms = () => ({ type: new BigIntType('number') });

export const RefundSchema = new EntitySchema<RefundRow>({
  name: 'Refund',
  tableName: 'refund',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    tenant_id: { type: 'string', length: 40 },
    order_id: { type: 'string', length: 40 },
    sp_mchid: { type: 'string', length: 16 },
    sub_mchid: { type: 'string', length: 16 },
    out_trade_no: { type: 'string', length: 32 },
    transaction_id: { type: 'string', length: 32, nullable: true },
    out_refund_no: { type: 'string', length: 64 },
    refund_id: { type: 'string', length: 32, nullable: true },
    amount_refund: { type: 'integer' },
    amount_total: { type: 'integer' },
    reason: { type: 'string', length: 80, nullable: true },
    request_hash: { type: 'string', length: 64 },
    status: { type: 'string', length: 16 },
    submitted: { type: 'integer', default: 0 },
    user_received_account: { type: 'string', length: 64, nullable: true },
    success_time: { ...ms(), nullable: true },
    last_synced_at: { ...ms(), nullable: true },
    created_at: ms(),
    updated_at: ms(),
  },
  // out_refund_no is unique within the service provider's system (spec §8.1).
  uniques: [{ name: 'refund_sp_out_refund_no_unique', properties: ['sp_mchid', 'out_refund_no'] }],
  indexes: [
    { name: 'refund_order_idx', properties: ['order_id'] },
    { name: 'refund_tenant_created_idx', properties: ['tenant_id', 'created_at'] },
    { name: 'refund_status_created_idx', properties: ['status', 'created_at'] },
  ],
});

registerEntities(RefundSchema);
