import { createHash } from 'node:crypto';
import { rfc3339 } from '@partnerpay/wxpay';
import type { Order, Refund, TradeState } from './state';

const TRADE_STATE_DESC: Record<TradeState, string> = {
  SUCCESS: '支付成功',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  REFUND: '订单发生过退款，退款详情请查询退款单',
  PAYERROR: '支付失败，请重新下单支付',
  USERPAYING: '用户支付中，需要输入密码',
  REVOKED: '已撤销（付款码支付）',
};

/** The payer's openid under sp_appid. WeChat Pay knows it even when the order named only sub_openid; the simulator derives a stable one. */
export function spOpenidOf(o: Order): string | undefined {
  if (o.payer.sp_openid) return o.payer.sp_openid;
  if (!o.payer.sub_openid) return undefined;
  return `o${createHash('sha256').update(`${o.sp_appid}:${o.payer.sub_openid}`).digest('base64url').slice(0, 27)}`;
}

function isPaid(o: Order): boolean {
  return o.state === 'SUCCESS' || o.state === 'REFUND';
}

/** The partner `Transaction` (spec §5), as the query answers it and TRANSACTION.SUCCESS carries it. */
export function transactionView(o: Order): Record<string, unknown> {
  const paid = isPaid(o);
  return {
    sp_appid: o.sp_appid,
    sp_mchid: o.sp_mchid,
    ...(o.sub_appid ? { sub_appid: o.sub_appid } : {}),
    sub_mchid: o.sub_mchid,
    out_trade_no: o.out_trade_no,
    ...(o.transaction_id ? { transaction_id: o.transaction_id } : {}),
    trade_type: o.trade_type ?? 'JSAPI',
    trade_state: o.state,
    trade_state_desc: TRADE_STATE_DESC[o.state],
    ...(paid ? { bank_type: 'OTHERS' } : {}),
    ...(paid && o.attach !== undefined ? { attach: o.attach } : {}),
    ...(paid && o.success_time !== undefined ? { success_time: rfc3339(o.success_time) } : {}),
    ...(paid
      ? { payer: { sp_openid: spOpenidOf(o), ...(o.payer.sub_openid && o.sub_appid ? { sub_openid: o.payer.sub_openid } : {}) } }
      : {}),
    amount: paid
      ? { total: o.total, payer_total: o.total, currency: o.currency, payer_currency: o.currency }
      : { total: o.total, currency: o.currency, payer_currency: o.currency },
  };
}

/** What the order's refunds still allow: the total minus every refund not CLOSED. */
export function refundable(o: Order, refunds: Refund[]): number {
  return o.total - refunds.filter((r) => r.status !== 'CLOSED').reduce((s, r) => s + r.refund, 0);
}

const RECEIVED_ACCOUNT = '支付用户零钱';

/** The `Refund` object (spec §8.1) of create and query. */
export function refundView(r: Refund): Record<string, unknown> {
  return {
    refund_id: r.refund_id,
    out_refund_no: r.out_refund_no,
    transaction_id: r.order.transaction_id,
    out_trade_no: r.order.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: RECEIVED_ACCOUNT,
    ...(r.success_time !== undefined ? { success_time: rfc3339(r.success_time) } : {}),
    create_time: rfc3339(r.createdAt),
    status: r.status,
    funds_account: r.funds_account,
    amount: {
      total: r.total,
      refund: r.refund,
      from: [],
      payer_total: r.total,
      payer_refund: r.refund,
      settlement_refund: r.refund,
      settlement_total: r.total,
      discount_refund: 0,
      currency: r.currency,
      refund_fee: 0,
    },
    promotion_detail: [],
  };
}

/** The decrypted resource of REFUND.* notifications (spec §8.4). */
export function refundNotificationResource(r: Refund): Record<string, unknown> {
  return {
    sp_mchid: r.sp_mchid,
    sub_mchid: r.sub_mchid,
    transaction_id: r.order.transaction_id,
    out_trade_no: r.order.out_trade_no,
    refund_id: r.refund_id,
    out_refund_no: r.out_refund_no,
    refund_status: r.status,
    ...(r.success_time !== undefined ? { success_time: rfc3339(r.success_time) } : {}),
    user_received_account: RECEIVED_ACCOUNT,
    amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund },
  };
}
