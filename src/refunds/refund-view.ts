import { rfc3339 } from '../common/clock';
import type { RefundRow } from './refund.entity';

/** The refund as the APIs and events show it (WeChat Pay's field names). */
export function refundView(r: RefundRow): Record<string, unknown> {
  return {
    id: r.id,
    out_refund_no: r.out_refund_no,
    out_trade_no: r.out_trade_no,
    transaction_id: r.transaction_id,
    refund_id: r.refund_id,
    status: r.status,
    amount: { refund: r.amount_refund, total: r.amount_total, currency: 'CNY' },
    reason: r.reason,
    user_received_account: r.user_received_account,
    success_time: r.success_time !== null ? rfc3339(r.success_time) : null,
    created_at: rfc3339(r.created_at),
  };
}

/** The operator view adds the tenant. */
export function adminRefundView(r: RefundRow): Record<string, unknown> {
  return { ...refundView(r), tenant_id: r.tenant_id, sub_mchid: r.sub_mchid };
}
