import { rfc3339 } from '../../platform/clock';
import { orderView } from '../payments';
import { combinedState, type CombinedOrder } from './combined-orders.service';

/** The combined order as /platform/v1 shows it: each sub-order as its tenant sees it, with the tenant. */
export function combinedOrderView({ head, subs }: CombinedOrder) {
  return {
    id: head.id,
    combine_out_trade_no: head.combineOutTradeNo,
    trade_type: head.tradeType,
    state: combinedState(subs),
    sub_orders: subs.map((o) => ({ ...orderView(o), tenant_id: o.tenantId })),
    created_at: rfc3339(head.createdAt),
    expires_at: rfc3339(head.timeExpire),
  };
}
