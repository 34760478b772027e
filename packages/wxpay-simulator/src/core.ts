import { randomBytes, randomInt } from 'node:crypto';
import type { Clock, WxpayLogger as Logger } from '@partnerpay/wxpay';
import { ControlError } from './errors';
import type { PlatformIdentity } from './keys';
import type { NotificationDispatcher } from './notifier';
import type { SimScheduler } from './scheduler';
import type { Order, Refund, RefundStatus, SimState } from './state';
import { refundNotificationResource, transactionView } from './views';
import { beijingDateTime } from './bills';

/** prepay_id is valid for 2 hours (spec §3.1). */
export const PREPAY_TTL_MS = 2 * 3_600_000;

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}

/** `wx` + yyyyMMddHHmmss + 20 chars, like `wx201410272009395522657a690389285100`. */
export function newPrepayId(now: number): string {
  return `wx${beijingDateTime(now).replace(/\D/g, '')}${randomBytes(10).toString('hex')}`;
}
/** 28 digits starting 4200, like `4200000263201902167700134212`. */
export function newTransactionId(now: number): string {
  return `42000${digits(5)}${beijingDateTime(now).slice(0, 10).replace(/\D/g, '')}${digits(10)}`;
}
/** 29 digits starting 50, like `50000709672019011908420787722`. */
export function newRefundId(now: number): string {
  return `50${digits(9)}${beijingDateTime(now).slice(0, 10).replace(/\D/g, '')}${digits(10)}`;
}

/** Selects an order: by prepay_id, or by (sp_mchid?, sub_mchid, out_trade_no). */
export type OrderSelector = { prepay_id: string } | { sp_mchid?: string; sub_mchid: string; out_trade_no: string };

export interface CoreOptions {
  /** Simulator-time ms after which a PROCESSING refund finishes as SUCCESS by itself; undefined = only finishRefund() finishes it. */
  refundAutoFinishMs?: number;
}

/** What refunds ask profit sharing (ProfitSharingSim implements it): is the order unfrozen, and how much is unsplit. */
export interface FrozenFunds {
  unfrozen(order: Order): boolean;
  unsplit(order: Order): number;
}

/** The simulator's business rules shared by the API routes and the control API. */
export class SimCore {
  /** Profit sharing (set by the simulator); refunds consult its frozen funds (addendum §2.12). */
  profitSharing?: FrozenFunds;

  constructor(
    readonly state: SimState,
    readonly identity: PlatformIdentity,
    readonly wall: Clock,
    readonly scheduler: SimScheduler,
    readonly notifier: NotificationDispatcher,
    readonly options: CoreOptions,
    readonly logger?: Logger,
  ) {
    scheduler.handle<{ refund: Refund }>('refund.auto_finish', async ({ refund }) => {
      if (refund.status === 'PROCESSING') await this.settleRefund(refund, 'SUCCESS');
    });
  }

  /** The order's state now: an unpaid order past time_expire is CLOSED. */
  refresh(o: Order): Order {
    if (o.state === 'NOTPAY' && this.wall.now() >= o.expiresAt) {
      o.state = 'CLOSED';
      o.closedAt = o.expiresAt;
    }
    return o;
  }

  findOrder(sel: OrderSelector): Order {
    let o: Order | undefined;
    if ('prepay_id' in sel) o = this.state.orderByPrepay(sel.prepay_id);
    else if (sel.sp_mchid) o = this.state.order(sel.sp_mchid, sel.out_trade_no);
    else {
      const found = this.state.ordersBySub(sel.sub_mchid, sel.out_trade_no);
      if (found.length > 1)
        throw new ControlError(409, 'AMBIGUOUS', 'several service providers have this sub_mchid and out_trade_no: give sp_mchid');
      o = found[0];
    }
    if (!o || ('sub_mchid' in sel && o.sub_mchid !== sel.sub_mchid)) throw new ControlError(404, 'ORDER_NOT_EXIST', 'no such order');
    return this.refresh(o);
  }

  /** The user pays (or fails to pay) the order; on success WeChat Pay sends TRANSACTION.SUCCESS. */
  async pay(sel: OrderSelector, outcome: 'SUCCESS' | 'PAYERROR' = 'SUCCESS'): Promise<Record<string, unknown>> {
    const o = this.findOrder(sel);
    if (o.combine_out_trade_no)
      throw new ControlError(409, 'COMBINE_SUB_ORDER', `a 合单 sub-order is paid with its combine order: POST /control/combine/pay`);
    if (o.state === 'SUCCESS' || o.state === 'REFUND') throw new ControlError(409, 'ORDER_PAID', 'the order is already paid');
    if (o.state !== 'NOTPAY') throw new ControlError(409, 'ORDER_CLOSED', `the order cannot be paid: ${o.state}`);
    if ('prepay_id' in sel && this.wall.now() - o.prepayCreatedAt > PREPAY_TTL_MS)
      throw new ControlError(409, 'PREPAY_EXPIRED', 'prepay_id is older than 2 hours; order again for a new one');
    if (outcome === 'PAYERROR') {
      o.state = 'PAYERROR';
      return transactionView(o);
    }
    const now = this.wall.now();
    o.state = 'SUCCESS';
    o.success_time = now;
    o.transaction_id = newTransactionId(now);
    this.state.indexTransaction(o);
    const view = transactionView(o);
    const provider = this.state.providers.get(o.sp_mchid)!;
    await this.notifier.send({
      provider,
      url: o.notify_url,
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      original_type: 'transaction',
      resource: view,
    });
    return view;
  }

  /** Closes an unpaid order as if its time_expire had passed. */
  expire(sel: OrderSelector): Record<string, unknown> {
    const o = this.findOrder(sel);
    if (o.state !== 'NOTPAY') throw new ControlError(409, 'INVALID_STATE', `only NOTPAY orders expire; this one is ${o.state}`);
    o.expiresAt = this.wall.now();
    return transactionView(this.refresh(o));
  }

  /** Finishes a refund as SUCCESS, CLOSED or ABNORMAL and sends its REFUND.* notification. */
  async finishRefund(sel: {
    out_refund_no: string;
    sub_mchid: string;
    sp_mchid?: string;
    status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
  }): Promise<Record<string, unknown>> {
    if (!['SUCCESS', 'CLOSED', 'ABNORMAL'].includes(sel.status))
      throw new ControlError(400, 'PARAM_ERROR', 'status must be SUCCESS, CLOSED or ABNORMAL');
    const found = sel.sp_mchid
      ? [this.state.refund(sel.sp_mchid, sel.out_refund_no)].filter((r): r is Refund => !!r && r.sub_mchid === sel.sub_mchid)
      : this.state.refundsBySub(sel.sub_mchid, sel.out_refund_no);
    if (found.length > 1) throw new ControlError(409, 'AMBIGUOUS', 'several service providers have this refund number: give sp_mchid');
    const r = found[0];
    if (!r) throw new ControlError(404, 'RESOURCE_NOT_EXISTS', 'no such refund');
    if (r.status !== 'PROCESSING' && r.status !== 'ABNORMAL')
      throw new ControlError(409, 'INVALID_STATE', `the refund is already ${r.status}`);
    await this.settleRefund(r, sel.status);
    return refundNotificationResource(r);
  }

  /** Sets a refund's final status and notifies. */
  async settleRefund(r: Refund, status: RefundStatus): Promise<void> {
    r.status = status;
    if (status === 'SUCCESS') r.success_time = this.wall.now();
    const provider = this.state.providers.get(r.sp_mchid)!;
    const summary = { SUCCESS: '退款成功', CLOSED: '退款关闭', ABNORMAL: '退款异常', PROCESSING: '退款处理中' }[status];
    await this.notifier.send({
      provider,
      url: r.notify_url ?? r.order.notify_url,
      event_type: `REFUND.${status}`,
      summary,
      original_type: 'refund',
      resource: refundNotificationResource(r),
    });
  }

  /** Schedules the automatic SUCCESS of a new refund when the option is on. */
  scheduleAutoFinish(r: Refund): void {
    const ms = this.options.refundAutoFinishMs;
    if (ms === undefined) return;
    this.scheduler.schedule('refund.auto_finish', ms, { refund: r });
  }
}
