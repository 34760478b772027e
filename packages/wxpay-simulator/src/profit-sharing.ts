import { randomInt } from 'node:crypto';
import { rfc3339 } from '@partnerpay/wxpay';
import { ControlError, WxError } from './errors';
import type { SimCore } from './core';
import { canonicalJson, type Order } from './state';

/** What a receiver row shows until it finishes (addendum §2.4 (b)). */
export const PENDING_FINISH_TIME = '1970-01-01T08:00:00+08:00';
/** 普通服务商: frozen funds are released automatically 30 days after payment (addendum §2.9). */
export const FREEZE_MS = 30 * 86_400_000;
/** Returns are possible within 180 days of the split (addendum §2.7). */
export const RETURN_WINDOW_MS = 180 * 86_400_000;
/** WeChat Pay refuses a split within about a minute of payment (addendum §2.1). */
export const SETTLE_DELAY_MS = 60_000;
export const UNFREEZE_DESCRIPTION = '解冻给分账方';

export type RowResult = 'PENDING' | 'SUCCESS' | 'CLOSED';

export interface SimReceiver {
  sp_mchid: string;
  sub_mchid: string;
  type: string;
  account: string;
  /** The decrypted name (checked to decrypt with the platform key). */
  name?: string;
  relation_type: string;
}

export interface SimSplitRow {
  type: string;
  account: string;
  amount: number;
  description: string;
  result: RowResult;
  fail_reason?: string;
  detail_id: string;
  create_time: number;
  finish_time?: number;
}

export interface SimSplit {
  sp_mchid: string;
  sub_mchid: string;
  order: Order;
  out_order_no: string;
  order_id: string;
  state: 'PROCESSING' | 'FINISHED';
  rows: SimSplitRow[];
  /** Canonical JSON of the first request (same number + same body = same answer). */
  canonical: string;
  createdAt: number;
}

export interface SimReturn {
  sp_mchid: string;
  sub_mchid: string;
  split: SimSplit;
  out_return_no: string;
  return_id: string;
  return_mchid: string;
  amount: number;
  description: string;
  result: 'PROCESSING' | 'SUCCESS' | 'FAILED';
  fail_reason?: string;
  canonical: string;
  createdAt: number;
  finishedAt?: number;
}

export interface ProfitSharingSettings {
  /** WeChat Pay's fee on each payment, a fraction (0.006 gives 690 -> 686 splittable). */
  fee_rate: number;
  /** Returns answer PROCESSING (until finishReturn) instead of SUCCESS. */
  returns_processing: boolean;
  /** Simulator-time ms after which a PROCESSING split finishes by itself with every row SUCCESS (unset: only finishSplit()). */
  auto_finish_ms?: number;
  /** Split answers leave out `receivers` (the field is optional in WeChat Pay's answer): clients must not count on the echo. */
  omit_receivers?: boolean;
}

const digits = (n: number) => Array.from({ length: n }, () => String(randomInt(10))).join('');

/** WeChat Pay's profit-sharing memory and rules (addendum §2.13), shared by the routes and the control API. */
export class ProfitSharingSim {
  readonly receivers = new Map<string, SimReceiver>();
  readonly splits = new Map<string, SimSplit>();
  readonly returns = new Map<string, SimReturn>();
  /** max_ratio per sub_mchid in 万分比 (default 3000). */
  readonly maxRatio = new Map<string, number>();
  /** Merchant receivers that have not enabled 同意分账回退. */
  readonly refusesReturns = new Set<string>();
  readonly settings: ProfitSharingSettings = { fee_rate: 0, returns_processing: false };

  constructor(private readonly core: SimCore) {
    core.scheduler.handle<{ split: SimSplit }>(
      'split.auto_finish',
      ({ split }) => void (split.state === 'PROCESSING' && this.finish(split, {})),
    );
  }

  private now(): number {
    return this.core.wall.now();
  }

  ratioOf(sub_mchid: string): number {
    return this.maxRatio.get(sub_mchid) ?? 3000;
  }

  receiverKey(sp: string, sub: string, type: string, account: string): string {
    return `${sp}:${sub}:${type}:${account}`;
  }

  /** The fen WeChat Pay keeps as its fee on this order. */
  fee(o: Order): number {
    return Math.round(o.total * this.settings.fee_rate);
  }

  refunded(o: Order): number {
    return this.core.state
      .refundsOf(o)
      .filter((r) => r.status !== 'CLOSED')
      .reduce((s, r) => s + r.refund, 0);
  }

  /** Released to the sub-merchant: by unfreeze, unfreeze_unsplit, or 30 days after payment. */
  unfrozen(o: Order): boolean {
    if (o.psUnfrozenAt === undefined && o.success_time !== undefined && this.now() - o.success_time >= FREEZE_MS)
      o.psUnfrozenAt = o.success_time + FREEZE_MS;
    return o.psUnfrozenAt !== undefined;
  }

  /** Frozen fen still splittable: total - fee - refunds - splits (0 once unfrozen). */
  unsplit(o: Order): number {
    if (!o.profit_sharing || this.unfrozen(o)) return 0;
    return Math.max(0, o.total - this.fee(o) - this.refunded(o) - (o.psSplit ?? 0));
  }

  /** The paid profit-sharing order of a split request, or the refusal WeChat Pay would answer. */
  splittableOrder(sp: string, sub: string, transaction_id: string): Order {
    const o = this.core.state.orderByTransaction(transaction_id);
    if (!o || o.sp_mchid !== sp || o.sub_mchid !== sub) throw WxError.param('/transaction_id', '订单不存在', 'body', transaction_id);
    if (!o.profit_sharing) throw WxError.invalid('非分账订单不支持分账');
    if (o.success_time !== undefined && this.now() - o.success_time < SETTLE_DELAY_MS) throw WxError.invalid('订单处理中，请稍后重试');
    if (this.unfrozen(o)) throw WxError.invalid('订单已完结分账，不支持分账');
    return o;
  }

  newRows(rows: Array<{ type: string; account: string; amount: number; description: string }>): SimSplitRow[] {
    const now = this.now();
    return rows.map((r) => ({ ...r, result: 'PENDING', detail_id: `3600${digits(25)}`, create_time: now }));
  }

  /** A split or unfreeze already known by out_order_no: same body answers it again, another body is refused. */
  replay(sp: string, out_order_no: string, body: unknown): SimSplit | undefined {
    const s = this.splits.get(`${sp}:${out_order_no}`);
    if (s && s.canonical !== canonicalJson(body))
      throw WxError.invalid('分账接收方与原请求不一致 (out_order_no reused with a different request)');
    return s;
  }

  put(sp: string, sub: string, o: Order, out_order_no: string, rows: SimSplitRow[], body: unknown): SimSplit {
    const s: SimSplit = {
      sp_mchid: sp,
      sub_mchid: sub,
      order: o,
      out_order_no,
      order_id: `3000${digits(25)}`,
      state: 'PROCESSING',
      rows,
      canonical: canonicalJson(body),
      createdAt: this.now(),
    };
    this.splits.set(`${sp}:${out_order_no}`, s);
    const ms = this.settings.auto_finish_ms;
    if (ms !== undefined) this.core.scheduler.schedule('split.auto_finish', ms, { split: s });
    return s;
  }

  /** Flips a PROCESSING split to FINISHED: rows named in `closed` fail with their reason, the rest succeed. */
  finish(s: SimSplit, closed: Record<string, string>): SimSplit {
    if (s.state !== 'PROCESSING') throw new ControlError(409, 'INVALID_STATE', 'the split is already FINISHED');
    const now = this.now();
    for (const r of s.rows) {
      const reason = r.description === UNFREEZE_DESCRIPTION ? undefined : closed[r.account];
      r.result = reason ? 'CLOSED' : 'SUCCESS';
      if (reason) r.fail_reason = reason;
      r.finish_time = now;
      // A failed row's money goes back to the sub-merchant's frozen funds (addendum §2.10).
      if (reason && s.order.psSplit) s.order.psSplit -= r.amount;
    }
    s.state = 'FINISHED';
    return s;
  }

  finishReturn(r: SimReturn, result: 'SUCCESS' | 'FAILED', fail_reason?: string): SimReturn {
    if (r.result !== 'PROCESSING') throw new ControlError(409, 'INVALID_STATE', `the return is already ${r.result}`);
    r.result = result;
    if (result === 'FAILED') r.fail_reason = fail_reason ?? 'BALANCE_NOT_ENOUGH';
    r.finishedAt = this.now();
    return r;
  }

  splitView(s: SimSplit): Record<string, unknown> {
    return {
      sub_mchid: s.sub_mchid,
      transaction_id: s.order.transaction_id,
      out_order_no: s.out_order_no,
      order_id: s.order_id,
      state: s.state,
      ...(this.settings.omit_receivers ? {} : { receivers: this.receiverViews(s) }),
    };
  }

  private receiverViews(s: SimSplit): Array<Record<string, unknown>> {
    return s.rows.map((r) => ({
      type: r.type,
      account: r.account,
      amount: r.amount,
      description: r.description,
      result: r.result,
      ...(r.fail_reason ? { fail_reason: r.fail_reason } : {}),
      detail_id: r.detail_id,
      create_time: rfc3339(r.create_time),
      finish_time: r.finish_time !== undefined ? rfc3339(r.finish_time) : PENDING_FINISH_TIME,
    }));
  }

  returnView(r: SimReturn): Record<string, unknown> {
    return {
      sub_mchid: r.sub_mchid,
      order_id: r.split.order_id,
      out_order_no: r.split.out_order_no,
      out_return_no: r.out_return_no,
      return_id: r.return_id,
      return_mchid: r.return_mchid,
      amount: r.amount,
      description: r.description,
      result: r.result,
      ...(r.fail_reason ? { fail_reason: r.fail_reason } : {}),
      create_time: rfc3339(r.createdAt),
      ...(r.finishedAt !== undefined ? { finish_time: rfc3339(r.finishedAt) } : {}),
    };
  }
}
