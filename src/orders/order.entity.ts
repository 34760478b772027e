import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { registerEntities } from '../common/db/entities';

/** The state of a payment as WeChat Pay reports it (spec §5). */
export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'PAYERROR' | 'REFUND';

/**
 * One payment order of one tenant. Times are epoch milliseconds (bigint) so that SQL compares them
 * the same way on MariaDB and SQLite. The table name avoids the SQL keyword ORDER.
 */
export interface PaymentOrderRow {
  id: string;
  tenant_id: string;
  sp_mchid: string;
  sub_mchid: string;
  out_trade_no: string;
  appid: string;
  /** 'sub': the tenant's own AppID (sub_appid + sub_openid); 'sp': the ISV's centralized sp_appid (sp_openid). */
  app_side: 'sub' | 'sp';
  payer_openid: string;
  description: string;
  amount_total: number;
  currency: string;
  attach: string | null;
  time_expire: number;
  /** SHA-256 of the canonical request: the "same body" test for out_trade_no and idempotency reuse. */
  request_hash: string;
  trade_state: TradeState;
  trade_state_desc: string | null;
  prepay_id: string | null;
  prepay_at: number | null;
  transaction_id: string | null;
  success_time: number | null;
  payer_total: number | null;
  bank_type: string | null;
  refunded_total: number;
  /** 1 when placed with settle_info.profit_sharing: the funds stay frozen until split or unfrozen. */
  profit_sharing: number;
  last_synced_at: number | null;
  created_at: number;
  updated_at: number;
}

const ms = () => ({ type: new BigIntType('number') });

export const PaymentOrderSchema = new EntitySchema<PaymentOrderRow>({
  name: 'PaymentOrder',
  tableName: 'payment_order',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    tenant_id: { type: 'string', length: 40 },
    sp_mchid: { type: 'string', length: 16 },
    sub_mchid: { type: 'string', length: 16 },
    out_trade_no: { type: 'string', length: 32 },
    appid: { type: 'string', length: 32 },
    app_side: { type: 'string', length: 3 },
    payer_openid: { type: 'string', length: 128 },
    description: { type: 'string', length: 127 },
    amount_total: { type: 'integer' },
    currency: { type: 'string', length: 8 },
    attach: { type: 'string', length: 128, nullable: true },
    time_expire: ms(),
    request_hash: { type: 'string', length: 64 },
    trade_state: { type: 'string', length: 16 },
    trade_state_desc: { type: 'string', length: 255, nullable: true },
    prepay_id: { type: 'string', length: 64, nullable: true },
    prepay_at: { ...ms(), nullable: true },
    transaction_id: { type: 'string', length: 32, nullable: true },
    success_time: { ...ms(), nullable: true },
    payer_total: { type: 'integer', nullable: true },
    bank_type: { type: 'string', length: 32, nullable: true },
    refunded_total: { type: 'integer', default: 0 },
    profit_sharing: { type: 'integer', default: 0 },
    last_synced_at: { ...ms(), nullable: true },
    created_at: ms(),
    updated_at: ms(),
  },
  // out_trade_no is unique per service provider at WeChat Pay (spec §3.1), so it is here too.
  uniques: [{ name: 'payment_order_sp_out_trade_no_unique', properties: ['sp_mchid', 'out_trade_no'] }],
  indexes: [
    { name: 'payment_order_tenant_created_idx', properties: ['tenant_id', 'created_at'] },
    { name: 'payment_order_state_created_idx', properties: ['trade_state', 'created_at'] },
  ],
});

registerEntities(PaymentOrderSchema);
