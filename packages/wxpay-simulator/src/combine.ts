import { rfc3339 } from '@partnerpay/wxpay';
import { newTransactionId, type SimCore } from './core';
import { ControlError } from './errors';
import type { Order, SimTradeType } from './state';
import { spOpenidOf } from './views';

/**
 * One 合单 (combine order) of a service provider (spec wave3 §3.6, wave2 §6): the sub-orders are
 * ordinary orders of their sub-merchants (refunds and splits go through them), shared with SimState.
 */
export interface CombineOrder {
  combine_mchid: string;
  combine_appid: string;
  combine_out_trade_no: string;
  trade_type: Exclude<SimTradeType, 'MICROPAY'>;
  notify_url: string;
  /** combine_payer_info.openid (JSAPI), under combine_appid. */
  openid?: string;
  device_id?: string;
  /** Canonical JSON of the first body: a replay with the same body answers the same prepay_id. */
  canonicalBody: string;
  prepay_id: string;
  prepayCreatedAt: number;
  code_url?: string;
  createdAt: number;
  /** The sub-orders, in the order they were placed (the same objects as in SimState's orders). */
  subs: Order[];
}

/** The simulator's 合单 desk: combine orders by `${combine_mchid}:${combine_out_trade_no}`. */
export class CombineSim {
  readonly combines = new Map<string, CombineOrder>();

  constructor(private readonly core: SimCore) {}

  get(combineMchid: string, combineOutTradeNo: string): CombineOrder | undefined {
    return this.combines.get(`${combineMchid}:${combineOutTradeNo}`);
  }

  put(c: CombineOrder): void {
    this.combines.set(`${c.combine_mchid}:${c.combine_out_trade_no}`, c);
  }

  /**
   * Finds a combine order for the control API: by its prepay_id (what the buyer's WeChat app pays), or by
   * combine_out_trade_no (and sp_mchid, needed only when several providers share the number).
   */
  find(combineOutTradeNo: string | undefined, spMchid?: string, prepayId?: string): CombineOrder {
    const found = [...this.combines.values()].filter((c) =>
      prepayId ? c.prepay_id === prepayId : c.combine_out_trade_no === combineOutTradeNo && (!spMchid || c.combine_mchid === spMchid),
    );
    if (found.length > 1)
      throw new ControlError(409, 'AMBIGUOUS', 'several service providers have this combine_out_trade_no: give sp_mchid');
    if (!found[0]) throw new ControlError(404, 'ORDER_NOT_EXIST', 'no such combine order');
    for (const o of found[0].subs) this.core.refresh(o);
    return found[0];
  }

  /**
   * The buyer pays the combine order: every sub-order SUCCESS, except those named in `fail`
   * (PAYERROR); then WeChat Pay's one TRANSACTION.SUCCESS notification with the combine resource
   * (none when no sub-order was paid). Resolves after the first delivery attempt.
   */
  async pay(sel: {
    combine_out_trade_no?: string;
    prepay_id?: string;
    sp_mchid?: string;
    fail?: string[];
  }): Promise<Record<string, unknown>> {
    const c = this.find(sel.combine_out_trade_no, sel.sp_mchid, sel.prepay_id);
    const fail = new Set(sel.fail ?? []);
    const unknown = [...fail].filter((n) => !c.subs.some((o) => o.out_trade_no === n));
    if (unknown.length) throw new ControlError(400, 'PARAM_ERROR', `fail names no sub-order of this combine order: ${unknown.join(', ')}`);
    if (c.subs.some((o) => o.state === 'SUCCESS' || o.state === 'REFUND'))
      throw new ControlError(409, 'ORDER_PAID', 'the combine order is already paid');
    if (c.subs.some((o) => o.state !== 'NOTPAY'))
      throw new ControlError(409, 'ORDER_CLOSED', 'the combine order cannot be paid: a sub-order is no longer NOTPAY');
    const now = this.core.wall.now();
    for (const o of c.subs) {
      if (fail.has(o.out_trade_no)) {
        o.state = 'PAYERROR';
        continue;
      }
      o.state = 'SUCCESS';
      o.success_time = now;
      o.transaction_id = newTransactionId(now);
      this.core.state.indexTransaction(o);
    }
    const view = combineView(c);
    if (c.subs.some((o) => o.state === 'SUCCESS')) {
      await this.core.notifier.send({
        provider: this.core.state.providers.get(c.combine_mchid)!,
        url: c.notify_url,
        event_type: 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        original_type: 'transaction',
        resource: view,
      });
    }
    return view;
  }
}

/** The combine order as the query answers it and the notification carries it (spec wave3 §3.6). */
export function combineView(c: CombineOrder): Record<string, unknown> {
  const openid = c.openid ?? (c.subs[0] ? spOpenidOf(c.subs[0]) : undefined);
  return {
    combine_appid: c.combine_appid,
    combine_mchid: c.combine_mchid,
    combine_out_trade_no: c.combine_out_trade_no,
    ...(c.device_id ? { scene_info: { device_id: c.device_id } } : {}),
    sub_orders: c.subs.map((o) => {
      const paid = o.state === 'SUCCESS' || o.state === 'REFUND';
      return {
        mchid: o.sp_mchid,
        trade_type: c.trade_type,
        trade_state: o.state,
        ...(paid ? { bank_type: 'OTHERS' } : {}),
        attach: o.attach ?? '',
        ...(paid && o.success_time !== undefined ? { success_time: rfc3339(o.success_time) } : {}),
        ...(o.transaction_id ? { transaction_id: o.transaction_id } : {}),
        out_trade_no: o.out_trade_no,
        sub_mchid: o.sub_mchid,
        ...(o.sub_appid ? { sub_appid: o.sub_appid } : {}),
        amount: paid
          ? { total_amount: o.total, currency: o.currency, payer_amount: o.total, payer_currency: o.currency }
          : { total_amount: o.total, currency: o.currency },
      };
    }),
    ...(openid && c.subs.some((o) => o.state === 'SUCCESS' || o.state === 'REFUND') ? { combine_payer_info: { openid } } : {}),
  };
}
