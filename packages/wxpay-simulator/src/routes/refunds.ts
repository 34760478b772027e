import { z } from 'zod';
import type { ApiRoutes } from '../http';
import { newRefundId, type SimCore } from '../core';
import { WxError } from '../errors';
import type { Order, Refund } from '../state';
import { check, fen, str, text } from '../validate';
import { refundable, refundView } from '../views';

/** At most 50 partial refunds per order (spec §8.1). */
const MAX_REFUNDS_PER_ORDER = 50;

/** POST /v3/refund/domestic/refunds body, partner flavour (spec §8.1). */
const refundBody = z.object({
  sub_mchid: str(32).optional(),
  transaction_id: str(32).optional(),
  out_trade_no: str(32).optional(),
  out_refund_no: z.string().regex(/^[0-9A-Za-z_\-|*@]{1,64}$/, '应为1-64位数字、大小写字母或_-|*@'),
  reason: text(80).optional(),
  notify_url: z
    .string()
    .max(256)
    .regex(/^https?:\/\/[^\s?#]+$/, '须为http(s)开头的绝对地址，且不能携带参数')
    .optional(),
  funds_account: z.enum(['AVAILABLE', 'UNSETTLED']).optional(),
  amount: z.object({
    refund: fen(),
    total: fen(),
    currency: z.literal('CNY'),
    from: z.array(z.object({ account: z.enum(['AVAILABLE', 'UNAVAILABLE']), amount: fen() })).optional(),
  }),
  goods_detail: z
    .array(
      z.object({
        merchant_goods_id: str(32),
        wechatpay_goods_id: str(32).optional(),
        goods_name: text(256).optional(),
        unit_price: z.number().int().min(0),
        refund_amount: z.number().int().min(0),
        refund_quantity: z.number().int().min(1),
      }),
    )
    .optional(),
});

const subQuery = z.object({ sub_mchid: str(32) });

/** Refund create and query by out_refund_no (spec §8.1, §8.2). */
export function registerRefundRoutes(api: ApiRoutes, core: SimCore): void {
  api.route('post', '/v3/refund/domestic/refunds', ({ provider, body }) => {
    const b = check(refundBody, body ?? {});
    // A service provider refunds on behalf of a sub-merchant: 受理机构必须传入sub_mch_id.
    if (!b.sub_mchid) throw WxError.param('/sub_mchid', '受理机构必须传入sub_mchid');
    if (!b.transaction_id && !b.out_trade_no) throw WxError.param('/transaction_id', 'transaction_id和out_trade_no必须二选一');
    if (!core.state.sub(provider.sp_mchid, b.sub_mchid)) throw WxError.mchNotExists();

    const existing = core.state.refund(provider.sp_mchid, b.out_refund_no);
    if (existing) {
      // The same out_refund_no refunds once: a retry gets the refund as it stands.
      const sameOrder =
        (b.transaction_id ? existing.order.transaction_id === b.transaction_id : true) &&
        (b.out_trade_no ? existing.order.out_trade_no === b.out_trade_no : true);
      if (existing.sub_mchid !== b.sub_mchid || !sameOrder || existing.refund !== b.amount.refund || existing.total !== b.amount.total) {
        throw WxError.invalid('商户退款单号已被使用，且请求参数与首次请求不一致 (out_refund_no reused with different parameters)');
      }
      return { status: 200, body: refundView(existing) };
    }

    let order: Order | undefined = b.transaction_id
      ? core.state.orderByTransaction(b.transaction_id)
      : core.state.order(provider.sp_mchid, b.out_trade_no!);
    if (order && (order.sp_mchid !== provider.sp_mchid || order.sub_mchid !== b.sub_mchid)) order = undefined;
    if (order && b.transaction_id && b.out_trade_no && order.out_trade_no !== b.out_trade_no) order = undefined;
    if (order) core.refresh(order);
    if (!order || (order.state !== 'SUCCESS' && order.state !== 'REFUND')) throw WxError.resourceNotExists('订单不存在或未支付');

    if (b.amount.total !== order.total)
      throw WxError.param('/amount/total', `订单金额与原订单金额${order.total}不一致`, 'body', b.amount.total);
    if (b.amount.refund > b.amount.total) throw WxError.param('/amount/refund', '退款金额不能大于订单金额', 'body', b.amount.refund);
    const previous = core.state.refundsOf(order);
    if (previous.length >= MAX_REFUNDS_PER_ORDER) throw WxError.invalid('订单已达到退款次数上限 (at most 50 refunds per order)');
    const left = refundable(order, previous);
    if (b.amount.refund > left) throw WxError.notEnough(`可退款金额不足: 剩余可退 ${left} 分，申请 ${b.amount.refund} 分`);
    // Before the remainder is unfrozen a refund comes out of the frozen funds only (addendum §2.12).
    const ps = core.profitSharing;
    if (ps && order.profit_sharing && !ps.unfrozen(order) && b.amount.refund > ps.unsplit(order))
      throw WxError.notEnough(`可退款金额不足: 冻结资金剩余 ${ps.unsplit(order)} 分，请先解冻剩余资金或回退分账`);

    const now = core.wall.now();
    const r: Refund = {
      sp_mchid: provider.sp_mchid,
      sub_mchid: b.sub_mchid,
      out_refund_no: b.out_refund_no,
      refund_id: newRefundId(now),
      order,
      reason: b.reason,
      notify_url: b.notify_url,
      funds_account: b.funds_account ?? 'UNSETTLED',
      refund: b.amount.refund,
      total: b.amount.total,
      currency: b.amount.currency,
      status: 'PROCESSING',
      createdAt: now,
    };
    core.state.putRefund(r);
    order.state = 'REFUND';
    core.scheduleAutoFinish(r);
    return { status: 200, body: refundView(r) };
  });

  api.route('get', '/v3/refund/domestic/refunds/:out_refund_no', ({ provider, query, params }) => {
    const q = check(subQuery, query, 'query');
    if (!core.state.sub(provider.sp_mchid, q.sub_mchid)) throw WxError.mchNotExists();
    const r = core.state.refund(provider.sp_mchid, params.out_refund_no);
    if (!r || r.sub_mchid !== q.sub_mchid) throw WxError.resourceNotExists('退款单不存在');
    return { status: 200, body: refundView(r) };
  });
}
