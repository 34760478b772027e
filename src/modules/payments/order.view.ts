import { rfc3339 } from '../../platform/clock';
import type { PaymentOrderRow } from './order.entity';

/** The order as the tenant and operator APIs show it (WeChat Pay's field names, RFC 3339 times). */
export function orderView(o: PaymentOrderRow) {
  return {
    id: o.id,
    out_trade_no: o.outTradeNo,
    sub_mchid: o.subMchid,
    appid: o.appid,
    trade_type: o.tradeType,
    description: o.description,
    trade_state: o.tradeState,
    trade_state_desc: o.tradeStateDesc ?? null,
    amount: { total: o.amountTotal, currency: o.currency, ...(o.payerTotal != null ? { payer_total: o.payerTotal } : {}) },
    payer: o.payerOpenid ? { openid: o.payerOpenid } : null,
    attach: o.attach ?? null,
    prepay_id: o.prepayId ?? null,
    transaction_id: o.transactionId ?? null,
    success_time: o.successTime != null ? rfc3339(o.successTime) : null,
    refunded_total: o.refundedTotal,
    profit_sharing: o.profitSharing === 1,
    created_at: rfc3339(o.createdAt),
    expires_at: rfc3339(o.timeExpire),
    ...(o.combineOutTradeNo ? { combine_out_trade_no: o.combineOutTradeNo } : {}),
  };
}

/** The operator view adds the tenant. */
export function adminOrderView(o: PaymentOrderRow) {
  return { ...orderView(o), tenant_id: o.tenantId, sp_mchid: o.spMchid };
}
