import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import type { ApiRoutes } from '../http';
import { newPrepayId, PREPAY_TTL_MS, type SimCore } from '../core';
import { combineView, type CombineOrder, type CombineSim } from '../combine';
import { WxError } from '../errors';
import { canonicalJson, type Order } from '../state';
import { check, fen, RFC3339, str, text } from '../validate';
import { expiryOf, requireSub } from './transactions';

const OUT_TRADE_NO = z.string().regex(/^[0-9A-Za-z_\-|*]{6,32}$/, '应为6-32位数字、大小写字母或_-|*');

/** POST /v3/combine-transactions/{jsapi|app|h5|native} (spec wave2 §6, wave3 §3.6): 1..50 sub-orders. */
const combineBody = z.object({
  combine_appid: str(32),
  combine_mchid: str(32),
  combine_out_trade_no: z.string().regex(/^[0-9A-Za-z_\-|*@]{6,32}$/, '应为6-32位数字、大小写字母或_-|*@'),
  scene_info: z
    .object({
      payer_client_ip: str(45),
      device_id: str(32).optional(),
      h5_info: z
        .object({
          type: str(32),
          app_name: text(64).optional(),
          app_url: str(128).optional(),
          bundle_id: str(128).optional(),
          package_name: str(128).optional(),
        })
        .optional(),
    })
    .optional(),
  sub_orders: z
    .array(
      z.object({
        mchid: str(32),
        sub_mchid: str(32),
        sub_appid: str(32).optional(),
        attach: text(128, 1),
        amount: z.object({ total_amount: fen(), currency: z.literal('CNY') }),
        out_trade_no: OUT_TRADE_NO,
        description: text(127, 1),
        settle_info: z.object({ profit_sharing: z.boolean().optional(), subsidy_amount: z.number().int().min(0).optional() }).optional(),
      }),
    )
    .min(1)
    .max(50),
  combine_payer_info: z.object({ openid: str(128).optional(), sub_openid: str(128).optional() }).optional(),
  time_start: z.string().regex(RFC3339, '格式应为rfc3339，如2018-06-08T10:34:56+08:00').optional(),
  time_expire: z.string().regex(RFC3339, '格式应为rfc3339，如2018-06-08T10:34:56+08:00').optional(),
  notify_url: z
    .string()
    .max(255)
    .regex(/^https?:\/\/[^\s?#]+$/, '须为http(s)开头的绝对地址，且不能携带参数'),
});
type Body = z.infer<typeof combineBody>;

/** POST .../close: exactly the sub-orders of the combine order (合单支付关单接口不支持关闭部分子单). */
const closeBody = z.object({
  combine_appid: str(32),
  sub_orders: z
    .array(z.object({ mchid: str(32), out_trade_no: OUT_TRADE_NO, sub_mchid: str(32), sub_appid: str(32).optional() }))
    .min(1)
    .max(50),
});

type Mode = CombineOrder['trade_type'];

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const alnum = (n: number) => Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join('');

/** Places (or, with the identical body, finds again) a combine order and its sub-orders. */
function place(core: SimCore, desk: CombineSim, provider: { sp_mchid: string; sp_appid: string }, raw: unknown, mode: Mode): CombineOrder {
  const b: Body = check(combineBody, raw ?? {});
  if (b.combine_mchid !== provider.sp_mchid)
    throw WxError.param('/combine_mchid', `与发起请求的商户号${provider.sp_mchid}不一致`, 'body', b.combine_mchid);
  if (b.combine_appid !== provider.sp_appid) throw WxError.appidMchidNotMatch('combine_appid和combine_mchid不匹配');
  if (mode === 'JSAPI' && !b.combine_payer_info?.openid)
    throw WxError.param('/combine_payer_info/openid', 'JSAPI合单支付必须传combine_payer_info.openid');
  if (mode === 'MWEB' && !b.scene_info?.h5_info) throw WxError.param('/scene_info/h5_info', 'H5合单支付必须传scene_info.h5_info');
  const seen = new Set<string>();
  for (const [i, s] of b.sub_orders.entries()) {
    if (s.mchid !== b.combine_mchid) throw WxError.param(`/sub_orders/${i}/mchid`, '子单发起方商户号须与合单发起方商户号一致');
    if (s.sub_mchid === b.combine_mchid) throw WxError.param(`/sub_orders/${i}/sub_mchid`, '子商户号不能与服务商商户号相同');
    const sub = requireSub(core, provider.sp_mchid, s.sub_mchid);
    if (s.sub_appid && !sub.appids.has(s.sub_appid)) throw WxError.appidMchidNotMatch('sub_appid和sub_mchid不匹配');
    if (seen.has(s.out_trade_no)) throw WxError.param(`/sub_orders/${i}/out_trade_no`, '子单商户订单号重复');
    seen.add(s.out_trade_no);
  }
  const now = core.wall.now();
  const canonicalBody = canonicalJson(raw);
  const existing = desk.get(provider.sp_mchid, b.combine_out_trade_no);
  if (existing) {
    for (const o of existing.subs) core.refresh(o);
    if (existing.subs.some((o) => o.state === 'SUCCESS' || o.state === 'REFUND')) throw WxError.orderPaid();
    if (existing.subs.some((o) => o.state === 'CLOSED')) throw WxError.orderClosed();
    if (existing.canonicalBody !== canonicalBody || existing.trade_type !== mode) throw WxError.outTradeNoUsed();
    if (now - existing.prepayCreatedAt > PREPAY_TTL_MS) {
      existing.prepay_id = newPrepayId(now);
      existing.prepayCreatedAt = now;
    }
    return existing;
  }
  // A sub-order number is an out_trade_no of the provider like any other: one already used is refused.
  for (const s of b.sub_orders) if (core.state.order(provider.sp_mchid, s.out_trade_no)) throw WxError.outTradeNoUsed();
  const expiresAt = expiryOf(b.time_expire, now);
  const openid = b.combine_payer_info?.openid ?? `oSim${alnum(24)}`;
  const prepayId = newPrepayId(now);
  const subs: Order[] = b.sub_orders.map((s) => ({
    sp_mchid: provider.sp_mchid,
    sp_appid: b.combine_appid,
    sub_mchid: s.sub_mchid,
    sub_appid: s.sub_appid,
    trade_type: mode,
    out_trade_no: s.out_trade_no,
    description: s.description,
    attach: s.attach,
    notify_url: b.notify_url,
    total: s.amount.total_amount,
    currency: s.amount.currency,
    payer: { sp_openid: openid },
    canonicalBody: canonicalJson(s),
    // Each sub-order shares the combine order's prepay (the control API pays it as a whole).
    prepay_id: `${prepayId}-${s.out_trade_no}`,
    prepayCreatedAt: now,
    createdAt: now,
    expiresAt,
    state: 'NOTPAY',
    combine_out_trade_no: b.combine_out_trade_no,
    ...(s.settle_info?.profit_sharing ? { profit_sharing: true } : {}),
  }));
  for (const o of subs) core.state.putOrder(o);
  const c: CombineOrder = {
    combine_mchid: provider.sp_mchid,
    combine_appid: b.combine_appid,
    combine_out_trade_no: b.combine_out_trade_no,
    trade_type: mode,
    notify_url: b.notify_url,
    ...(b.combine_payer_info?.openid ? { openid: b.combine_payer_info.openid } : {}),
    ...(b.scene_info?.device_id ? { device_id: b.scene_info.device_id } : {}),
    canonicalBody,
    prepay_id: prepayId,
    prepayCreatedAt: now,
    createdAt: now,
    subs,
  };
  desk.put(c);
  return c;
}

/** 合单 for 普通服务商 (spec wave3 §3.6): prepay in four modes, query by combine_out_trade_no, close all sub-orders. */
export function registerCombineRoutes(api: ApiRoutes, core: SimCore, desk: CombineSim): void {
  api.route('post', '/v3/combine-transactions/jsapi', ({ provider, body }) => {
    const c = place(core, desk, provider, body, 'JSAPI');
    return { status: 200, body: { prepay_id: c.prepay_id } };
  });
  api.route('post', '/v3/combine-transactions/app', ({ provider, body }) => {
    const c = place(core, desk, provider, body, 'APP');
    return { status: 200, body: { prepay_id: c.prepay_id } };
  });
  api.route('post', '/v3/combine-transactions/native', ({ provider, body }) => {
    const c = place(core, desk, provider, body, 'NATIVE');
    c.code_url ??= `weixin://wxpay/bizpayurl?pr=${alnum(7)}`;
    return { status: 200, body: { code_url: c.code_url } };
  });
  api.route('post', '/v3/combine-transactions/h5', ({ provider, body }) => {
    const c = place(core, desk, provider, body, 'MWEB');
    const pkg = randomBytes(5).readUInt32BE(0);
    return {
      status: 200,
      body: { h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${c.prepay_id}&package=${pkg}` },
    };
  });

  api.route('get', '/v3/combine-transactions/out-trade-no/:combine_out_trade_no', ({ provider, params }) => {
    const c = desk.get(provider.sp_mchid, params.combine_out_trade_no);
    if (!c) throw WxError.orderNotExist();
    for (const o of c.subs) core.refresh(o);
    return { status: 200, body: combineView(c) };
  });

  api.route('post', '/v3/combine-transactions/out-trade-no/:combine_out_trade_no/close', ({ provider, body, params }) => {
    const b = check(closeBody, body ?? {});
    if (b.combine_appid !== provider.sp_appid) throw WxError.appidMchidNotMatch('combine_appid和combine_mchid不匹配');
    const c = desk.get(provider.sp_mchid, params.combine_out_trade_no);
    if (!c) throw WxError.orderNotExist();
    // The close must list exactly the sub-orders placed (count, mchids and numbers).
    const placed = c.subs.map((o) => `${o.sp_mchid}/${o.sub_mchid}/${o.out_trade_no}`).sort();
    const asked = b.sub_orders.map((s) => `${s.mchid}/${s.sub_mchid}/${s.out_trade_no}`).sort();
    if (canonicalJson(placed) !== canonicalJson(asked))
      throw WxError.invalid('合单支付关单接口不支持关闭部分子单，关单的子单个数、子单商户号、子单单号必须与下单时完全一致');
    for (const o of c.subs) core.refresh(o);
    if (c.subs.some((o) => o.state === 'SUCCESS' || o.state === 'REFUND')) throw WxError.orderPaid();
    const now = core.wall.now();
    // Re-entrant: sub-orders already CLOSED (or failed) stay so.
    for (const o of c.subs)
      if (o.state === 'NOTPAY' || o.state === 'PAYERROR') {
        o.state = 'CLOSED';
        o.closedAt = now;
      }
    return { status: 204 };
  });
}
