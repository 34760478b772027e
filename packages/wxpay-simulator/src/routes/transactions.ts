import { z } from 'zod';
import type { ApiRoutes } from '../http';
import { newPrepayId, PREPAY_TTL_MS, type SimCore } from '../core';
import { WxError } from '../errors';
import { canonicalJson, type Order } from '../state';
import { check, fen, RFC3339, str, text } from '../validate';
import { transactionView } from '../views';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** POST /v3/pay/partner/transactions/jsapi body (spec §3.1). */
export const jsapiBody = z.object({
  sp_appid: str(32),
  sp_mchid: str(32),
  sub_appid: str(32).optional(),
  sub_mchid: str(32),
  description: text(127, 1),
  out_trade_no: z.string().regex(/^[0-9A-Za-z_\-|*]{6,32}$/, '应为6-32位数字、大小写字母或_-|*'),
  time_expire: z.string().regex(RFC3339, '格式应为rfc3339，如2018-06-08T10:34:56+08:00').optional(),
  attach: text(128).optional(),
  notify_url: z
    .string()
    .max(255)
    .regex(/^https?:\/\/[^\s?#]+$/, '须为http(s)开头的绝对地址，且不能携带参数'),
  goods_tag: str(32).optional(),
  settle_info: z.object({ profit_sharing: z.boolean().optional(), subsidy_amount: z.number().int().min(0).optional() }).optional(),
  support_fapiao: z.boolean().optional(),
  limit_pay: z.array(z.enum(['no_balance', 'no_credit', 'no_debit', 'balance_only'])).optional(),
  amount: z.object({ total: fen(), currency: z.literal('CNY').optional() }),
  payer: z.object({ sp_openid: str(128).optional(), sub_openid: str(128).optional() }),
  detail: z
    .object({
      cost_price: z.number().int().min(0).optional(),
      invoice_id: str(32).optional(),
      goods_detail: z
        .array(
          z.object({
            merchant_goods_id: str(32),
            wechatpay_goods_id: str(32).optional(),
            goods_name: text(256).optional(),
            quantity: z.number().int().min(1),
            unit_price: z.number().int().min(0),
          }),
        )
        .optional(),
    })
    .optional(),
  scene_info: z
    .object({
      payer_client_ip: str(45),
      device_id: str(32).optional(),
      store_info: z
        .object({ id: str(32), name: text(256).optional(), area_code: str(32).optional(), address: text(512).optional() })
        .optional(),
    })
    .optional(),
});

const mchQuery = z.object({ sp_mchid: str(32), sub_mchid: str(32) });
const closeBody = z.object({ sp_mchid: str(32), sub_mchid: str(32) });

/** The sub-merchant of a partner call: it must exist under this provider (MCH_NOT_EXISTS otherwise). */
export function requireSub(core: SimCore, sp_mchid: string, sub_mchid: string) {
  const sub = core.state.sub(sp_mchid, sub_mchid);
  if (!sub) throw WxError.mchNotExists();
  return sub;
}

export function requireSameMchid(providerMchid: string, given: string, location: 'body' | 'query'): void {
  if (given !== providerMchid)
    throw WxError.param(location === 'body' ? '/sp_mchid' : 'sp_mchid', `与发起请求的商户号${providerMchid}不一致`, location, given);
}

/** Clamps time_expire like WeChat Pay: at least +1 minute, at most +15 days; 7 days when absent (spec §3.1). */
export function expiryOf(timeExpire: string | undefined, now: number): number {
  if (!timeExpire) return now + 7 * DAY;
  const t = Date.parse(timeExpire);
  if (Number.isNaN(t)) throw WxError.param('/time_expire', '不是合法的时间');
  return Math.min(Math.max(t, now + MINUTE), now + 15 * DAY);
}

/** Partner JSAPI order, query by transaction_id / out_trade_no, and close (spec §3.1, §5, §6). */
export function registerTransactionRoutes(api: ApiRoutes, core: SimCore): void {
  api.route('post', '/v3/pay/partner/transactions/jsapi', ({ provider, body }) => {
    const b = check(jsapiBody, body ?? {});
    requireSameMchid(provider.sp_mchid, b.sp_mchid, 'body');
    if (b.sp_appid !== provider.sp_appid) throw WxError.appidMchidNotMatch('sp_appid和sp_mchid不匹配');
    const sub = requireSub(core, provider.sp_mchid, b.sub_mchid);
    if (b.payer.sub_openid && !b.sub_appid)
      throw WxError.param('/sub_appid', '传入sub_openid时sub_appid必填（sub_appid需与sub_openid对应）');
    if (b.sub_appid && !sub.appids.has(b.sub_appid)) throw WxError.appidMchidNotMatch('sub_appid和sub_mchid不匹配');
    if (!b.payer.sp_openid && !b.payer.sub_openid)
      throw WxError.param('/payer', 'JSAPI支付必须传openid（payer.sp_openid或payer.sub_openid）');

    const now = core.wall.now();
    const canonicalBody = canonicalJson(body);
    const existing = core.state.order(provider.sp_mchid, b.out_trade_no);
    if (existing) {
      core.refresh(existing);
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') throw WxError.orderPaid();
      if (existing.state === 'CLOSED') throw WxError.orderClosed();
      if (existing.canonicalBody !== canonicalBody) throw WxError.outTradeNoUsed();
      if (now - existing.prepayCreatedAt > PREPAY_TTL_MS) {
        // The prepay_id expired: the same order gets a fresh one.
        existing.prepay_id = newPrepayId(now);
        existing.prepayCreatedAt = now;
        core.state.indexPrepay(existing);
      }
      return { status: 200, body: { prepay_id: existing.prepay_id } };
    }
    const order: Order = {
      sp_mchid: provider.sp_mchid,
      sp_appid: b.sp_appid,
      sub_mchid: b.sub_mchid,
      sub_appid: b.sub_appid,
      out_trade_no: b.out_trade_no,
      description: b.description,
      attach: b.attach,
      notify_url: b.notify_url,
      total: b.amount.total,
      currency: b.amount.currency ?? 'CNY',
      payer: { sp_openid: b.payer.sp_openid, sub_openid: b.payer.sub_openid },
      canonicalBody,
      prepay_id: newPrepayId(now),
      prepayCreatedAt: now,
      createdAt: now,
      expiresAt: expiryOf(b.time_expire, now),
      state: 'NOTPAY',
      ...(b.settle_info?.profit_sharing ? { profit_sharing: true } : {}),
    };
    core.state.putOrder(order);
    return { status: 200, body: { prepay_id: order.prepay_id } };
  });

  api.route('get', '/v3/pay/partner/transactions/out-trade-no/:out_trade_no', ({ provider, query, params }) => {
    const q = check(mchQuery, query, 'query');
    requireSameMchid(provider.sp_mchid, q.sp_mchid, 'query');
    requireSub(core, provider.sp_mchid, q.sub_mchid);
    const o = core.state.order(provider.sp_mchid, params.out_trade_no);
    // A sub_mchid other than the order's: 子商户号和订单信息不匹配; answered as not found so nothing leaks across sub-merchants.
    if (!o || o.sub_mchid !== q.sub_mchid) throw WxError.orderNotExist();
    return { status: 200, body: transactionView(core.refresh(o)) };
  });

  api.route('get', '/v3/pay/partner/transactions/id/:transaction_id', ({ provider, query, params }) => {
    const q = check(mchQuery, query, 'query');
    requireSameMchid(provider.sp_mchid, q.sp_mchid, 'query');
    requireSub(core, provider.sp_mchid, q.sub_mchid);
    const o = core.state.orderByTransaction(params.transaction_id);
    if (!o || o.sp_mchid !== provider.sp_mchid || o.sub_mchid !== q.sub_mchid) throw WxError.orderNotExist();
    return { status: 200, body: transactionView(core.refresh(o)) };
  });

  api.route('post', '/v3/pay/partner/transactions/out-trade-no/:out_trade_no/close', ({ provider, body, params }) => {
    const b = check(closeBody, body ?? {});
    requireSameMchid(provider.sp_mchid, b.sp_mchid, 'body');
    requireSub(core, provider.sp_mchid, b.sub_mchid);
    const o = core.state.order(provider.sp_mchid, params.out_trade_no);
    if (!o || o.sub_mchid !== b.sub_mchid) throw WxError.orderNotExist();
    // 合单支付关单接口不支持关闭部分子单: a sub-order closes only with its combine order (spec wave3 §3.6).
    if (o.combine_out_trade_no) throw WxError.invalid('合单子单不能单独关单，请调用合单关单接口');
    core.refresh(o);
    if (o.state === 'SUCCESS' || o.state === 'REFUND') throw WxError.orderPaid();
    // Closing is re-entrant: an order already CLOSED (or failed) answers 204 again.
    if (o.state === 'NOTPAY' || o.state === 'PAYERROR') {
      o.state = 'CLOSED';
      o.closedAt = core.wall.now();
    }
    return { status: 204 };
  });
}
