import { inject, injectable } from 'tsyringe';
import { keyset } from '../../platform/db/keyset';
import { claimDue } from '../../platform/jobs/follow-up';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { run } from '../../platform/db/sql';
import { ReadBatch } from '../../platform/db/read-batch';
import { WriteBatch } from '../../platform/db/write-batch';
import { PAYMENT_ORDER as T, type PaymentOrderRow, type TradeState } from './order.entity';
import { ORDER_STATES } from './order.state';

/** trade_state_desc of an order once a refund succeeded (trade_state REFUND: 转入退款, as WeChat Pay's documentation names it). */
export const REFUND_STATE_DESC = '转入退款';

export interface OrderFilter {
  tenantId?: string;
  state?: TradeState;
  tradeType?: string;
  outTradeNo?: string;
  transactionId?: string;
  createdFrom?: number;
  createdTo?: number;
}

/**
 * The payment_order table's only SQL. Every method takes an optional `em`: the caller's transaction
 * when it has one, else an autocommit statement on the pool.
 */
@injectable()
export class OrderRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** Writes a new order with one INSERT (a duplicate out_trade_no raises a unique violation). */
  insert(o: PaymentOrderRow, em: Em = this.db.read()): Promise<void> {
    return T.insert(em, o);
  }

  /** The sub-orders of a 合单 of the provider, oldest first (the order they were placed in). */
  findByCombine(spMchid: string, combineOutTradeNo: string, em: Em = this.db.read()): Promise<PaymentOrderRow[]> {
    return T.findBy(em, { spMchid, combineOutTradeNo }, 'order by created_at, id');
  }

  /** The tenant's order by out_trade_no (the unique key is per service provider, so both are given). */
  findTenantOrder(tenantId: string, spMchid: string, outTradeNo: string, em: Em = this.db.read()): Promise<PaymentOrderRow | undefined> {
    return T.findBy(em, { spMchid, outTradeNo, tenantId }).then((r) => r[0]);
  }

  /** findTenantOrder for hot paths (notifications): the lookups of one event-loop turn share one SELECT. */
  findTenantOrderBatched(tenantId: string, spMchid: string, outTradeNo: string): Promise<PaymentOrderRow | undefined> {
    return this.byOutTradeNo.get({ tenantId, spMchid, outTradeNo });
  }

  private readonly byOutTradeNo = new ReadBatch<Pick<PaymentOrderRow, 'tenantId' | 'spMchid' | 'outTradeNo'>, PaymentOrderRow>(
    (keys) => {
      const bySp = new Map<string, string[]>();
      for (const k of keys) bySp.set(k.spMchid, [...(bySp.get(k.spMchid) ?? []), k.outTradeNo]);
      const where = [...bySp.values()].map(
        (nos) => `(${T.col('spMchid')} = ? and ${T.col('outTradeNo')} in (${nos.map(() => '?').join(', ')}))`,
      );
      return T.select(
        this.db.read(),
        where.join(' or '),
        [...bySp].flatMap(([sp, nos]) => [sp, ...nos]),
      );
    },
    (k, r) => r.spMchid === k.spMchid && r.outTradeNo === k.outTradeNo && r.tenantId === k.tenantId,
  );

  /** The tenant's order by WeChat Pay's transaction_id. */
  findByTransactionId(tenantId: string, transactionId: string, em: Em = this.db.read()): Promise<PaymentOrderRow | undefined> {
    return T.findBy(em, { tenantId, transactionId }).then((r) => r[0]);
  }

  /** Any tenant's order by service provider and out_trade_no (to tell "used by someone else" apart). */
  findByOutTradeNo(spMchid: string, outTradeNo: string, em: Em = this.db.read()): Promise<PaymentOrderRow | undefined> {
    return T.findBy(em, { spMchid, outTradeNo }).then((r) => r[0]);
  }

  /** The order by id; `lock` takes its row lock for the rest of the caller's transaction. */
  findById(id: string, em: Em = this.db.read(), lock = false): Promise<PaymentOrderRow | undefined> {
    return T.findBy(em, { id }, lock ? this.db.forUpdate(em).trim() : '').then((r) => r[0]);
  }

  /** Takes the order's row lock for the rest of the caller's transaction (refunds reserve under it). */
  async lock(em: Em, id: string): Promise<void> {
    await T.select(em, `${T.col('id')} = ?`, [id], this.db.forUpdate(em).trim());
  }

  /** Records the prepay_id of an order still open; false when the order moved on meanwhile. */
  async savePrepay(id: string, prepayId: string, now: number, em: Em = this.db.read()): Promise<boolean> {
    const open = ORDER_STATES.sources('SUCCESS');
    return (await T.update(em, { prepayId, prepayAt: now, prepayClaimUntil: null, updatedAt: now }, { id, tradeState: open })) === 1;
  }

  /**
   * savePrepay for order creation: the saves of one event-loop turn share one UPDATE (one commit
   * for several orders); each caller's promise settles once its row is written.
   */
  savePrepayBatched(id: string, prepayId: string, now: number): Promise<void> {
    return this.prepaySaves.add({ id, prepayId, now });
  }

  private readonly prepaySaves = new WriteBatch<{ id: string; prepayId: string; now: number }>(async (items) => {
    if (items.length === 1) {
      await this.savePrepay(items[0].id, items[0].prepayId, items[0].now);
      return;
    }
    const open = ORDER_STATES.sources('SUCCESS');
    const id = T.col('id');
    const cases = (f: (i: (typeof items)[number]) => unknown): [string, unknown[]] => [
      `case ${id} ${items.map(() => 'when ? then ?').join(' ')} end`,
      items.flatMap((i) => [i.id, f(i)]),
    ];
    const [prepayIdSql, prepayIdParams] = cases((i) => i.prepayId);
    const [atSql, atParams] = cases((i) => i.now);
    await run(
      this.db.read(),
      `update ${T.name} set ${T.col('prepayId')} = ${prepayIdSql}, ${T.col('prepayAt')} = ${atSql}, ` +
        `${T.col('updatedAt')} = ${atSql}, ${T.col('prepayClaimUntil')} = null ` +
        `where ${id} in (${items.map(() => '?').join(', ')}) and ${T.col('tradeState')} in (${open.map(() => '?').join(', ')})`,
      [...prepayIdParams, ...atParams, ...atParams, ...items.map((i) => i.id), ...open],
    );
  });

  /** Gives up the inserting request's prepay claim (its WeChat Pay call failed), unless it was taken over meanwhile. */
  async releasePrepayClaim(id: string, claimUntil: number, em: Em = this.db.read()): Promise<void> {
    await T.update(em, { prepayClaimUntil: null }, { id, prepayClaimUntil: claimUntil });
  }

  /** Binds the first buyer to an order awaiting one (guarded: only while unbound and open); false when someone was first. */
  async bindPayer(id: string, openid: string, now: number, em: Em = this.db.read()): Promise<boolean> {
    const open = ORDER_STATES.sources('SUCCESS');
    return (await T.update(em, { payerOpenid: openid, updatedAt: now }, { id, payerOpenid: '', tradeState: open })) === 1;
  }

  /** Notes that WeChat Pay was asked about the order (the reconciler's bookmark). */
  async markSynced(id: string, now: number, em: Em = this.db.read()): Promise<void> {
    await T.update(em, { lastSyncedAt: now }, { id });
  }

  /**
   * Adds a succeeded refund to refunded_total and moves the order to REFUND, from any state the
   * table lets reach REFUND, never past the amount paid. False when the guard did not hold.
   */
  async addRefunded(em: Em, id: string, amount: number, now: number): Promise<boolean> {
    const from = ORDER_STATES.sources('REFUND');
    const sql =
      `update ${T.name} set refunded_total = refunded_total + ?, trade_state = ?, trade_state_desc = ?, updated_at = ? ` +
      `where id = ? and trade_state in (${from.map(() => '?').join(', ')}) and refunded_total + ? <= amount_total`;
    // WeChat Pay's own wording for an order in REFUND (its query answers the same).
    return (await run(em, sql, [amount, 'REFUND', REFUND_STATE_DESC, now, id, ...from, amount])) === 1;
  }

  /**
   * A paid 付款码 charge WeChat Pay reversed (refunded in full): SUCCESS -> REFUND with refunded_total
   * = amount_total (its funds_refunds was reserved before the reverse). False when already so.
   */
  async markReversedPaid(em: Em, id: string, desc: string, now: number): Promise<boolean> {
    const sql =
      `update ${T.name} set refunded_total = amount_total, trade_state = ?, trade_state_desc = ?, follow_at = null, updated_at = ? ` +
      `where id = ? and trade_state = ? and refunded_total = 0 and trade_type = ?`;
    return (await run(em, sql, ['REFUND', desc, now, id, 'SUCCESS', 'MICROPAY'])) === 1;
  }

  /**
   * Claims up to `limit` open orders due for a query (补单) or an automatic close, oldest first: at
   * least `quietMs` old and not asked about for `quietMs`. The follow-up claim, with last_synced_at
   * as the lease: claiming moves it to `now`, so the row is due again `quietMs` later (a lease of
   * `quietMs` counted from "now - quietMs"). Of several nodes exactly one claims each order.
   */
  claimUnpaidDue(now: number, quietMs: number, limit: number): Promise<PaymentOrderRow[]> {
    return claimDue(this.db.read(), T, {
      // 付款码 charges are followed (and reversed, never closed) by micropay.follower.ts.
      due: 'trade_state = ? and trade_type <> ? and created_at <= ?',
      params: ['NOTPAY', 'MICROPAY', now - quietMs],
      lease: 'lastSyncedAt',
      now: now - quietMs,
      leaseMs: quietMs,
      limit,
      order: 'createdAt',
      guard: { tradeState: 'NOTPAY' },
    });
  }

  /**
   * Claims up to `limit` open 付款码 charges whose follow-up is due (micropay.follower.ts), the longest
   * waiting first. follow_at is both the due time and the lease: the claim moves it `everyMs` ahead,
   * guarded on the value read, so of several nodes one looks at a charge per step.
   */
  claimFollowDue(now: number, everyMs: number, limit: number): Promise<PaymentOrderRow[]> {
    return claimDue(this.db.read(), T, {
      due: 'follow_at is not null and trade_state in (?, ?)',
      params: ['NOTPAY', 'USERPAYING'],
      lease: 'followAt',
      now,
      leaseMs: everyMs,
      limit,
      order: 'followAt',
    });
  }

  /** A page of orders, newest first, after the (created_at, id) cursor. */
  list(f: OrderFilter, limit: number, after?: { createdAt: number; id: string }, em: Em = this.db.read()): Promise<PaymentOrderRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...v: unknown[]) => {
      where.push(sql);
      params.push(...v);
    };
    if (f.tenantId) add('tenant_id = ?', f.tenantId);
    if (f.state) add('trade_state = ?', f.state);
    if (f.tradeType) add('trade_type = ?', f.tradeType);
    if (f.outTradeNo) add('out_trade_no = ?', f.outTradeNo);
    if (f.transactionId) add('transaction_id = ?', f.transactionId);
    if (f.createdFrom !== undefined) add('created_at >= ?', f.createdFrom);
    if (f.createdTo !== undefined) add('created_at < ?', f.createdTo);
    const page = keyset(T, 'createdAt', after && { n: after.createdAt, id: after.id }, limit);
    if (page.where) add(page.where.sql, ...page.where.params);
    return T.select(em, where.join(' and '), params, page.tail);
  }
}
