import { rfc3339 } from '../../platform/clock';
import type { RefundRow } from './refund.entity';

/** The refund as the APIs and events show it (WeChat Pay's field names). */
export function refundView(r: RefundRow) {
  return {
    id: r.id,
    out_refund_no: r.outRefundNo,
    out_trade_no: r.outTradeNo,
    transaction_id: r.transactionId ?? null,
    refund_id: r.refundId ?? null,
    status: r.status,
    amount: { refund: r.amountRefund, total: r.amountTotal, currency: 'CNY' as const },
    reason: r.reason ?? null,
    user_received_account: r.userReceivedAccount ?? null,
    success_time: r.successTime != null ? rfc3339(r.successTime) : null,
    created_at: rfc3339(r.createdAt),
  };
}

/** The operator view adds the tenant. */
export function adminRefundView(r: RefundRow) {
  return { ...refundView(r), tenant_id: r.tenantId, sub_mchid: r.subMchid };
}
