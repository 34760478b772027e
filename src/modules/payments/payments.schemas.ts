import { z } from 'zod';
import { webhookEnvelope } from '../events';

const time = z.string().describe('RFC 3339, +08:00');
const fen = z.number().int().describe('integer fen');

/** An order as the tenant API shows it (WeChat Pay's field names). */
export const orderSchema = z
  .object({
    id: z.string().describe('ord_...'),
    out_trade_no: z.string().max(32),
    sub_mchid: z.string(),
    appid: z.string(),
    trade_type: z.enum(['JSAPI', 'NATIVE', 'H5', 'APP', 'MICROPAY']).describe('how the buyer pays (JSAPI by default)'),
    description: z.string(),
    trade_state: z.enum(['NOTPAY', 'SUCCESS', 'CLOSED', 'PAYERROR', 'REFUND', 'USERPAYING', 'REVOKED']),
    trade_state_desc: z.string().nullable(),
    amount: z.object({ total: fen, currency: z.string().describe('CNY'), payer_total: fen.optional() }),
    payer: z.object({ openid: z.string() }).nullable(),
    attach: z.string().nullable(),
    prepay_id: z.string().nullable(),
    transaction_id: z.string().nullable(),
    success_time: time.nullable(),
    refunded_total: fen,
    profit_sharing: z.boolean(),
    created_at: time,
    expires_at: time,
    combine_out_trade_no: z
      .string()
      .optional()
      .describe('only on a sub-order of a combined order (合单): the combined order it was paid with'),
    client_secret: z
      .string()
      .optional()
      .describe('only on orders created without payer: what the mini-program passes to /mp/v1 (ord_..._secret_...)'),
  })
  .meta({ id: 'Order', description: "A tenant's order" });

/** The operator view of an order adds its tenant and provider. */
export const adminOrderSchema = orderSchema
  .omit({ client_secret: true })
  .extend({ tenant_id: z.string(), sp_mchid: z.string() })
  .meta({ id: 'AdminOrder', description: 'An order as operators see it' });

/** Exactly what the mini-program passes to wx.requestPayment. */
export const paymentSchema = z
  .object({
    appId: z.string(),
    timeStamp: z.string(),
    nonceStr: z.string(),
    package: z.string().describe('prepay_id=...'),
    signType: z.literal('RSA'),
    paySign: z.string(),
  })
  .meta({ id: 'Payment', description: 'The wx.requestPayment parameters, signed' });

/** What an app passes to the OpenSDK's PayReq (trade_type APP), signed for the app's AppID. */
export const appPayReqSchema = z
  .object({
    appid: z.string(),
    partnerid: z.string().describe("the sub-merchant's mchid"),
    prepayid: z.string(),
    package: z.literal('Sign=WXPay'),
    noncestr: z.string(),
    timestamp: z.string(),
    sign: z.string(),
  })
  .meta({ id: 'AppPayReq', description: 'The OpenSDK PayReq parameters (trade_type APP), signed' });

/** What the buyer's client needs to pay, by trade_type: JSAPI parameters, APP PayReq, NATIVE code_url or H5 h5_url. */
export const modePaymentSchema = z.union([
  paymentSchema,
  appPayReqSchema,
  z.object({ code_url: z.string().describe('NATIVE: the QR code content') }).meta({ id: 'NativePayment' }),
  z.object({ h5_url: z.string().describe('H5: the page the mobile browser opens') }).meta({ id: 'H5Payment' }),
]);

/** A refund as the tenant API and events show it. */
export const refundSchema = z
  .object({
    id: z.string(),
    out_refund_no: z.string().max(64),
    out_trade_no: z.string().max(32),
    transaction_id: z.string().nullable(),
    refund_id: z.string().nullable(),
    status: z.enum(['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL']),
    amount: z.object({ refund: fen, total: fen, currency: z.literal('CNY') }),
    reason: z.string().nullable(),
    user_received_account: z.string().nullable(),
    success_time: time.nullable(),
    created_at: time,
  })
  .meta({ id: 'Refund', description: "A refund of a tenant's paid order" });

export const adminRefundSchema = refundSchema
  .extend({ tenant_id: z.string(), sub_mchid: z.string() })
  .meta({ id: 'AdminRefund', description: 'A refund as operators see it' });

/** `{ order }` */
export const orderAnswer = z.object({ order: orderSchema }).meta({ id: 'OrderAnswer', description: 'An order' });
/** `{ order, payment }`: payment null for an order created without payer. */
export const orderPaymentAnswer = z
  .object({ order: orderSchema, payment: modePaymentSchema.nullable() })
  .meta({ id: 'OrderPaymentAnswer', description: 'An order and what the buyer needs to pay it' });
/** `{ refund }` */
export const refundAnswer = z.object({ refund: refundSchema }).meta({ id: 'RefundAnswer', description: 'A refund' });

/** A page of `item`s, newest first; next_cursor null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

/** The events this module sends, for the document's `webhooks`. */
export const PAYMENT_WEBHOOKS = [
  { name: 'order.paid', summary: 'An order was paid', payload: webhookEnvelope('order.paid', 'OrderPaidEvent', orderAnswer.omit({})) },
  {
    name: 'order.closed',
    summary: 'An unpaid order was closed',
    payload: webhookEnvelope('order.closed', 'OrderClosedEvent', orderAnswer.omit({})),
  },
  {
    name: 'order.payment_failed',
    summary: 'A payment failed (trade_state PAYERROR, e.g. a 付款码 charge the buyer did not confirm)',
    payload: webhookEnvelope('order.payment_failed', 'OrderPaymentFailedEvent', orderAnswer.omit({})),
  },
  {
    name: 'order.reversed',
    summary: 'A 付款码 (MICROPAY) charge was reversed (撤销: trade_state REVOKED)',
    payload: webhookEnvelope('order.reversed', 'OrderReversedEvent', orderAnswer.omit({})),
  },
  {
    name: 'refund.succeeded',
    summary: 'A refund reached the buyer',
    payload: webhookEnvelope('refund.succeeded', 'RefundSucceededEvent', refundAnswer.omit({})),
  },
  {
    name: 'refund.closed',
    summary: 'A refund was closed',
    payload: webhookEnvelope('refund.closed', 'RefundClosedEvent', refundAnswer.omit({})),
  },
  {
    name: 'refund.abnormal',
    summary: 'A refund needs the merchant (ABNORMAL)',
    payload: webhookEnvelope('refund.abnormal', 'RefundAbnormalEvent', refundAnswer.omit({})),
  },
];
