import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import type { ApiRoutes } from '../http';
import { newPrepayId, PREPAY_TTL_MS, type SimCore } from '../core';
import { WxError } from '../errors';
import { canonicalJson, type Order, type SimTradeType } from '../state';
import { check, str, text } from '../validate';
import { expiryOf, jsapiBody, requireSameMchid, requireSub } from './transactions';

/** Native, H5 and APP take the JSAPI body without payer (spec wave2 §6). */
const withoutPayer = jsapiBody.omit({ payer: true });
const nativeBody = withoutPayer;
const appBody = withoutPayer;
/** H5: scene_info with payer_client_ip and h5_info is required. */
const h5Body = withoutPayer.extend({
  scene_info: z.object({
    payer_client_ip: str(45),
    device_id: str(32).optional(),
    h5_info: z.object({
      type: str(32),
      app_name: text(64).optional(),
      app_url: str(128).optional(),
      bundle_id: str(128).optional(),
      package_name: str(128).optional(),
    }),
  }),
});

type Body = z.infer<typeof withoutPayer>;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const alnum = (n: number) => Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join('');

/**
 * Places (or finds again, by out_trade_no and the identical body) an order without payer. The
 * simulator keeps a prepay_id for every mode: the control API pays an order by it.
 */
function place(core: SimCore, provider: { sp_mchid: string; sp_appid: string }, raw: unknown, b: Body, tradeType: SimTradeType): Order {
  requireSameMchid(provider.sp_mchid, b.sp_mchid, 'body');
  if (b.sp_appid !== provider.sp_appid) throw WxError.appidMchidNotMatch('sp_appid和sp_mchid不匹配');
  const sub = requireSub(core, provider.sp_mchid, b.sub_mchid);
  if (b.sub_appid && !sub.appids.has(b.sub_appid)) throw WxError.appidMchidNotMatch('sub_appid和sub_mchid不匹配');
  const now = core.wall.now();
  const canonicalBody = canonicalJson(raw);
  const existing = core.state.order(provider.sp_mchid, b.out_trade_no);
  if (existing) {
    core.refresh(existing);
    if (existing.state === 'SUCCESS' || existing.state === 'REFUND') throw WxError.orderPaid();
    if (existing.state === 'CLOSED') throw WxError.orderClosed();
    if (existing.canonicalBody !== canonicalBody || (existing.trade_type ?? 'JSAPI') !== tradeType) throw WxError.outTradeNoUsed();
    if (now - existing.prepayCreatedAt > PREPAY_TTL_MS) {
      existing.prepay_id = newPrepayId(now);
      existing.prepayCreatedAt = now;
      core.state.indexPrepay(existing);
    }
    return existing;
  }
  const order: Order = {
    sp_mchid: provider.sp_mchid,
    sp_appid: b.sp_appid,
    sub_mchid: b.sub_mchid,
    sub_appid: b.sub_appid,
    trade_type: tradeType,
    out_trade_no: b.out_trade_no,
    description: b.description,
    attach: b.attach,
    notify_url: b.notify_url,
    total: b.amount.total,
    currency: b.amount.currency ?? 'CNY',
    // The buyer is known only once paid: the control API's pay gives the simulator's stand-in payer.
    payer: { sp_openid: `oSim${alnum(24)}` },
    canonicalBody,
    prepay_id: newPrepayId(now),
    prepayCreatedAt: now,
    createdAt: now,
    expiresAt: expiryOf(b.time_expire, now),
    state: 'NOTPAY',
    ...(b.settle_info?.profit_sharing ? { profit_sharing: true } : {}),
  };
  core.state.putOrder(order);
  return order;
}

/** Partner Native, H5 and APP prepay (spec wave2 §6): thin variants of JSAPI with their own answers. */
export function registerPaymentModeRoutes(api: ApiRoutes, core: SimCore): void {
  // The code_url stays the same for the order (valid 2 h, like its prepay_id).
  const codeUrls = new WeakMap<Order, string>();
  api.route('post', '/v3/pay/partner/transactions/native', ({ provider, body }) => {
    const o = place(core, provider, body, check(nativeBody, body ?? {}), 'NATIVE');
    if (!codeUrls.has(o)) codeUrls.set(o, `weixin://wxpay/bizpayurl?pr=${alnum(7)}`);
    return { status: 200, body: { code_url: codeUrls.get(o) } };
  });
  // Each call answers a fresh h5_url (valid 5 minutes) for the same order.
  api.route('post', '/v3/pay/partner/transactions/h5', ({ provider, body }) => {
    const o = place(core, provider, body, check(h5Body, body ?? {}), 'MWEB');
    const pkg = randomBytes(5).readUInt32BE(0);
    return {
      status: 200,
      body: { h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${o.prepay_id}&package=${pkg}` },
    };
  });
  api.route('post', '/v3/pay/partner/transactions/app', ({ provider, body }) => {
    const o = place(core, provider, body, check(appBody, body ?? {}), 'APP');
    return { status: 200, body: { prepay_id: o.prepay_id } };
  });
}
