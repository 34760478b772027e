// The README's tenant walk-through with the typed client: create an order, read it, refund half of it.
// Typechecked in strict mode by `npm run lint` (tsc -p clients/node): no casts, no hand-written types.
import { createPartnerpayClient, type Order, type Refund } from '../src/index.js';

const pp = createPartnerpayClient({ baseUrl: process.env.PARTNERPAY_URL ?? 'http://127.0.0.1:3000', secretKey: process.env.SK ?? '' });

/** 1. An order and what the mini-program passes to wx.requestPayment. */
export async function createOrder(outTradeNo: string): Promise<Order> {
  const { data, error, response } = await pp.POST('/v1/orders', {
    params: { header: { 'Idempotency-Key': `create-${outTradeNo}` } },
    body: {
      appid: 'wxd678efh567hg6787',
      out_trade_no: outTradeNo,
      description: 'Demo toy',
      amount: { total: 100, currency: 'CNY' },
      payer: { openid: 'oDemoUser0001' },
    },
  });
  if (error) throw new Error(`${response.status} ${error.code}: ${error.message}`);
  // payment depends on trade_type (JSAPI here): narrow it by its fields, no cast needed.
  if (data.payment && 'paySign' in data.payment) console.log('wx.requestPayment:', data.payment.package, data.payment.paySign);
  return data.order;
}

/** 3. The order, asking WeChat Pay first. */
export async function orderState(outTradeNo: string): Promise<Order['trade_state']> {
  const { data, error } = await pp.GET('/v1/orders/{out_trade_no}', {
    params: { path: { out_trade_no: outTradeNo }, query: { sync: 'true' } },
  });
  if (error) throw new Error(`${error.code}: ${error.message}`);
  return data.order.trade_state;
}

/** 4. Refund part of a paid order (integer fen). */
export async function refundHalf(order: Order, outRefundNo: string): Promise<Refund> {
  const { data, error } = await pp.POST('/v1/refunds', {
    body: { out_trade_no: order.out_trade_no, out_refund_no: outRefundNo, amount: { refund: Math.floor(order.amount.total / 2) } },
  });
  if (error) throw new Error(`${error.code}: ${error.message}`);
  return data.refund;
}
