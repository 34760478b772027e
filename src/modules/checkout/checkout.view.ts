import type { PaymentOrderRow } from '../payments';

/** The order as the mini-program sees it: nothing about the tenant, the payer or other orders. */
export function checkoutOrderView(o: PaymentOrderRow) {
  return {
    id: o.id,
    out_trade_no: o.outTradeNo,
    description: o.description,
    amount: { total: o.amountTotal, currency: o.currency },
    trade_state: o.tradeState,
  };
}
export type CheckoutOrderView = ReturnType<typeof checkoutOrderView>;
