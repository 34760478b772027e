import { rfc3339 } from '../common/clock';
import type { PaymentOrderRow } from './order.entity';

const NUMERIC: Array<keyof PaymentOrderRow> = [
  'amount_total',
  'time_expire',
  'prepay_at',
  'success_time',
  'payer_total',
  'refunded_total',
  'profit_sharing',
  'last_synced_at',
  'created_at',
  'updated_at',
];

/** Normalises a raw database row (drivers answer BIGINT/aggregates as strings sometimes). */
export function toOrderRow(raw: Record<string, unknown>): PaymentOrderRow {
  const r = { ...raw } as Record<string, unknown>;
  for (const k of NUMERIC) if (r[k] !== null && r[k] !== undefined) r[k] = Number(r[k]);
  return r as unknown as PaymentOrderRow;
}

/** The order as the tenant and operator APIs show it (WeChat Pay's field names, RFC 3339 times). */
export function orderView(o: PaymentOrderRow): Record<string, unknown> {
  return {
    id: o.id,
    out_trade_no: o.out_trade_no,
    sub_mchid: o.sub_mchid,
    appid: o.appid,
    description: o.description,
    trade_state: o.trade_state,
    trade_state_desc: o.trade_state_desc,
    amount: { total: o.amount_total, currency: o.currency, ...(o.payer_total !== null ? { payer_total: o.payer_total } : {}) },
    payer: { openid: o.payer_openid },
    attach: o.attach,
    prepay_id: o.prepay_id,
    transaction_id: o.transaction_id,
    success_time: o.success_time !== null ? rfc3339(o.success_time) : null,
    refunded_total: o.refunded_total,
    profit_sharing: o.profit_sharing === 1,
    created_at: rfc3339(o.created_at),
    expires_at: rfc3339(o.time_expire),
  };
}

/** The operator view adds the tenant. */
export function adminOrderView(o: PaymentOrderRow): Record<string, unknown> {
  return { ...orderView(o), tenant_id: o.tenant_id, sp_mchid: o.sp_mchid };
}
