import { z } from 'zod';
import { rsaOaepDecrypt } from '@partnerpay/wxpay';
import type { ApiContext, ApiRoutes } from '../http';
import type { SimCore } from '../core';
import { WxError } from '../errors';
import { check, fen, str, text } from '../validate';
import { RETURN_WINDOW_MS, UNFREEZE_DESCRIPTION, type ProfitSharingSim, type SimReturn } from '../profit-sharing';
import { canonicalJson } from '../state';

const NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const outNo = z.string().regex(NO, '应为1-64位数字、大小写字母或_-|*@');
const receiverType = z.enum(['MERCHANT_ID', 'PERSONAL_OPENID', 'PERSONAL_SUB_OPENID']);
const RELATIONS = [
  'SERVICE_PROVIDER',
  'STORE',
  'STAFF',
  'STORE_OWNER',
  'PARTNER',
  'HEADQUARTER',
  'BRAND',
  'DISTRIBUTOR',
  'USER',
  'SUPPLIER',
  'CUSTOM',
];

const addBody = z.object({
  sub_mchid: str(32),
  appid: str(32),
  sub_appid: str(32).optional(),
  type: receiverType,
  account: str(64),
  name: z.string().max(1024).optional(),
  relation_type: z.enum(RELATIONS as [string, ...string[]]),
  custom_relation: text(10).optional(),
});
const deleteBody = z.object({ sub_mchid: str(32), appid: str(32), sub_appid: str(32).optional(), type: receiverType, account: str(64) });
const splitBody = z.object({
  sub_mchid: str(32),
  appid: str(32).optional(),
  sub_appid: str(32).optional(),
  transaction_id: str(32),
  out_order_no: outNo,
  receivers: z
    .array(
      z.object({ type: receiverType, account: str(64), name: z.string().max(1024).optional(), amount: fen(), description: text(80, 1) }),
    )
    .min(1)
    .max(50),
  unfreeze_unsplit: z.boolean(),
});
const unfreezeBody = z.object({ sub_mchid: str(32), transaction_id: str(32), out_order_no: outNo, description: text(80, 1) });
const returnBody = z.object({
  sub_mchid: str(32),
  order_id: str(64).optional(),
  out_order_no: outNo.optional(),
  out_return_no: outNo,
  return_mchid: str(32),
  amount: fen(),
  description: text(80, 1),
});

/** The Wechatpay-Serial header must name the platform key the sensitive fields were encrypted with (digest §10). */
function decryptName(core: SimCore, ctx: ApiContext, name: string): string {
  const serial = ctx.req.get('Wechatpay-Serial');
  if (serial !== core.identity.publicKeyId && serial !== core.identity.certificateSerial)
    throw WxError.param(
      'Wechatpay-Serial',
      'must name the WeChat Pay public key or platform certificate that encrypted the fields',
      'header',
    );
  try {
    return rsaOaepDecrypt(name, core.identity.privateKey);
  } catch {
    throw WxError.param('/name', '解密失败 (could not be decrypted with the platform key)', 'body');
  }
}

/** 服务商分账 (addendum §2): receivers, splits, unfreeze, returns, amounts and merchant-configs. */
export function registerProfitSharingRoutes(api: ApiRoutes, core: SimCore, ps: ProfitSharingSim): void {
  const requireSub = (sp: string, sub: string) => {
    if (!core.state.sub(sp, sub)) throw WxError.mchNotExists();
  };

  api.route('post', '/v3/profitsharing/receivers/add', (ctx) => {
    const b = check(addBody, ctx.body ?? {});
    requireSub(ctx.provider.sp_mchid, b.sub_mchid);
    if (b.appid !== ctx.provider.sp_appid) throw WxError.appidMchidNotMatch('appid和sp_mchid不匹配');
    if (b.type === 'MERCHANT_ID' && !b.name) throw WxError.param('/name', '分账接收方类型是MERCHANT_ID时，是必填项');
    if (b.type === 'PERSONAL_SUB_OPENID' && !b.sub_appid)
      throw WxError.param('/sub_appid', '分账接收方类型是PERSONAL_SUB_OPENID时，是必填项');
    if (b.relation_type === 'CUSTOM' && !b.custom_relation) throw WxError.param('/custom_relation', '关系类型是CUSTOM时，是必填项');
    const name = b.name ? decryptName(core, ctx, b.name) : undefined;
    const key = ps.receiverKey(ctx.provider.sp_mchid, b.sub_mchid, b.type, b.account);
    // Idempotent: re-adding an existing receiver succeeds without overwriting it (addendum §2.2).
    if (!ps.receivers.has(key))
      ps.receivers.set(key, {
        sp_mchid: ctx.provider.sp_mchid,
        sub_mchid: b.sub_mchid,
        type: b.type,
        account: b.account,
        name,
        relation_type: b.relation_type,
      });
    return {
      status: 200,
      body: {
        sub_mchid: b.sub_mchid,
        type: b.type,
        account: b.account,
        ...(b.name ? { name: b.name } : {}),
        relation_type: b.relation_type,
        ...(b.custom_relation ? { custom_relation: b.custom_relation } : {}),
      },
    };
  });

  api.route('post', '/v3/profitsharing/receivers/delete', (ctx) => {
    const b = check(deleteBody, ctx.body ?? {});
    requireSub(ctx.provider.sp_mchid, b.sub_mchid);
    const key = ps.receiverKey(ctx.provider.sp_mchid, b.sub_mchid, b.type, b.account);
    if (!ps.receivers.has(key)) throw WxError.invalid('请确认分账接收方是否存在');
    ps.receivers.delete(key);
    return { status: 200, body: { sub_mchid: b.sub_mchid, type: b.type, account: b.account } };
  });

  api.route('post', '/v3/profitsharing/orders', (ctx) => {
    const sp = ctx.provider.sp_mchid;
    const b = check(splitBody, ctx.body ?? {});
    requireSub(sp, b.sub_mchid);
    const known = ps.replay(sp, b.out_order_no, ctx.body);
    if (known) return { status: 200, body: ps.splitView(known) };
    const o = ps.splittableOrder(sp, b.sub_mchid, b.transaction_id);
    const seen = new Set<string>();
    for (const r of b.receivers) {
      if (seen.has(`${r.type}:${r.account}`)) throw WxError.param('/receivers', '同一接收方在一次请求中只能出现一次');
      seen.add(`${r.type}:${r.account}`);
      if (!ps.receivers.has(ps.receiverKey(sp, b.sub_mchid, r.type, r.account)))
        throw WxError.invalid('分账接收方关系不存在，请检查参数中每个接收方的关系');
      if (r.name) decryptName(core, ctx, r.name);
    }
    const amount = b.receivers.reduce((s, r) => s + r.amount, 0);
    const cap = Math.floor((o.total * ps.ratioOf(b.sub_mchid)) / 10_000);
    if ((o.psSplit ?? 0) + amount > cap) throw WxError.invalid('分账金额超出最大分账比例');
    const unsplit = ps.unsplit(o);
    if (amount > unsplit) throw WxError.notEnough('分账金额不足');
    const rows = ps.newRows(b.receivers.map(({ type, account, amount, description }) => ({ type, account, amount, description })));
    o.psSplit = (o.psSplit ?? 0) + amount;
    if (b.unfreeze_unsplit) {
      rows.push(
        ...ps.newRows([{ type: 'MERCHANT_ID', account: b.sub_mchid, amount: unsplit - amount, description: UNFREEZE_DESCRIPTION }]),
      );
      o.psUnfrozenAt = core.wall.now();
    }
    return { status: 200, body: ps.splitView(ps.put(sp, b.sub_mchid, o, b.out_order_no, rows, ctx.body)) };
  });

  api.route('post', '/v3/profitsharing/orders/unfreeze', (ctx) => {
    const sp = ctx.provider.sp_mchid;
    const b = check(unfreezeBody, ctx.body ?? {});
    requireSub(sp, b.sub_mchid);
    const known = ps.replay(sp, b.out_order_no, ctx.body);
    if (known) return { status: 200, body: ps.splitView(known) };
    const o = core.state.orderByTransaction(b.transaction_id);
    if (!o || o.sp_mchid !== sp || o.sub_mchid !== b.sub_mchid) throw WxError.param('/transaction_id', '订单不存在', 'body');
    if (!o.profit_sharing) throw WxError.invalid('非分账订单不支持解冻剩余资金');
    const unsplit = ps.unsplit(o);
    if (unsplit === 0) throw WxError.notEnough('分账金额为0');
    const rows = ps.newRows([{ type: 'MERCHANT_ID', account: b.sub_mchid, amount: unsplit, description: UNFREEZE_DESCRIPTION }]);
    o.psUnfrozenAt = core.wall.now();
    return { status: 200, body: ps.splitView(ps.put(sp, b.sub_mchid, o, b.out_order_no, rows, ctx.body)) };
  });

  api.route('get', '/v3/profitsharing/orders/:out_order_no', ({ provider, query, params }) => {
    const q = check(z.object({ sub_mchid: str(32), transaction_id: str(32) }), query, 'query');
    const s = ps.splits.get(`${provider.sp_mchid}:${params.out_order_no}`);
    if (!s || s.sub_mchid !== q.sub_mchid || s.order.transaction_id !== q.transaction_id) throw WxError.resourceNotExists('记录不存在');
    return { status: 200, body: ps.splitView(s) };
  });

  api.route('post', '/v3/profitsharing/return-orders', (ctx) => {
    const sp = ctx.provider.sp_mchid;
    const b = check(returnBody, ctx.body ?? {});
    requireSub(sp, b.sub_mchid);
    const known = ps.returns.get(`${sp}:${b.out_return_no}`);
    if (known) {
      if (known.canonical !== canonicalJson(ctx.body)) throw WxError.invalid('回退单号已被使用，且请求参数与首次请求不一致');
      return { status: 200, body: ps.returnView(known) };
    }
    const split = b.out_order_no
      ? ps.splits.get(`${sp}:${b.out_order_no}`)
      : [...ps.splits.values()].find((s) => s.sp_mchid === sp && s.order_id === b.order_id);
    if (!split || split.sub_mchid !== b.sub_mchid) throw WxError.resourceNotExists('分账单不存在');
    const row = split.rows.find((r) => r.type === 'MERCHANT_ID' && r.account === b.return_mchid && r.description !== UNFREEZE_DESCRIPTION);
    if (!row) throw WxError.invalid('回退方不是该分账单的商户接收方 (only merchant receivers of this split can return)');
    if (split.state !== 'FINISHED' || row.result !== 'SUCCESS') throw WxError.invalid('分账未成功，不支持回退');
    if (core.wall.now() - split.createdAt > RETURN_WINDOW_MS) throw WxError.invalid('分账回退已超过180天');
    if (ps.refusesReturns.has(b.return_mchid)) throw WxError.noAuth('回退方未开通分账回退功能');
    const earlier = [...ps.returns.values()].filter((r) => r.split === split && r.return_mchid === b.return_mchid);
    if (earlier.length >= 50) throw WxError.invalid('回退次数超过上限');
    const returned = earlier.filter((r) => r.result !== 'FAILED').reduce((s, r) => s + r.amount, 0);
    if (returned + b.amount > row.amount) throw WxError.notEnough('回退金额超过分账金额');
    const now = core.wall.now();
    const r: SimReturn = {
      sp_mchid: sp,
      sub_mchid: b.sub_mchid,
      split,
      out_return_no: b.out_return_no,
      return_id: `3008${digitsOf(now)}`,
      return_mchid: b.return_mchid,
      amount: b.amount,
      description: b.description,
      result: ps.settings.returns_processing ? 'PROCESSING' : 'SUCCESS',
      canonical: canonicalJson(ctx.body),
      createdAt: now,
      ...(ps.settings.returns_processing ? {} : { finishedAt: now }),
    };
    ps.returns.set(`${sp}:${b.out_return_no}`, r);
    return { status: 200, body: ps.returnView(r) };
  });

  api.route('get', '/v3/profitsharing/return-orders/:out_return_no', ({ provider, query, params }) => {
    const q = check(z.object({ sub_mchid: str(32), out_order_no: outNo }), query, 'query');
    const r = ps.returns.get(`${provider.sp_mchid}:${params.out_return_no}`);
    if (!r || r.sub_mchid !== q.sub_mchid || r.split.out_order_no !== q.out_order_no) throw WxError.resourceNotExists('记录不存在');
    return { status: 200, body: ps.returnView(r) };
  });

  api.route('get', '/v3/profitsharing/transactions/:transaction_id/amounts', ({ provider, params }) => {
    const o = core.state.orderByTransaction(params.transaction_id);
    if (!o || o.sp_mchid !== provider.sp_mchid) throw WxError.invalid('非本商户的订单不支持查询');
    if (!o.profit_sharing) throw WxError.invalid('非分账订单不支持此查询');
    return { status: 200, body: { transaction_id: o.transaction_id, unsplit_amount: ps.unsplit(o) } };
  });

  api.route('get', '/v3/profitsharing/merchant-configs/:sub_mchid', ({ provider, params }) => {
    if (!core.state.sub(provider.sp_mchid, params.sub_mchid)) throw WxError.noAuth('非服务商下的签约子商户');
    return { status: 200, body: { sub_mchid: params.sub_mchid, max_ratio: ps.ratioOf(params.sub_mchid) } };
  });
}

function digitsOf(now: number): string {
  return `${now}${Math.floor(Math.random() * 1e10)}`.padEnd(25, '0').slice(0, 25);
}
