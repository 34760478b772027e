import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { claimDue } from '../../platform/jobs/follow-up';
import { COMBINED_ORDER as C, type CombinedOrderRow } from './combined-order.entity';

/** The combined_order table's only SQL. */
@injectable()
export class CombinedOrderRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** Writes a new combined order's head in the caller's transaction (its sub-orders are payments' rows). */
  insert(em: Em, row: CombinedOrderRow): Promise<void> {
    return C.insert(em, row);
  }

  /** The provider's combined order by combine_out_trade_no. */
  find(spMchid: string, combineOutTradeNo: string, em: Em = this.db.read()): Promise<CombinedOrderRow | undefined> {
    return C.findBy(em, { spMchid, combineOutTradeNo }).then((r) => r[0]);
  }

  /** Keeps what WeChat Pay answered for a placed 合单 (prepay_id and its time, or a NATIVE code_url). */
  async setPayment(id: string, set: Pick<Partial<CombinedOrderRow>, 'prepayId' | 'prepayAt' | 'codeUrl'>, now: number): Promise<void> {
    await C.update(this.db.read(), { ...set, updatedAt: now }, { id });
  }

  /**
   * Claims up to `limit` combined orders past their time_expire, at least `minAgeMs` old, with a
   * sub-order still NOTPAY and none paid, for closing. updated_at doubles as the claim: the UPDATE is guarded on the
   * value read, so of several nodes one closes an order, and a failed close waits `quietMs` again.
   */
  claimExpiredUnpaid(now: number, quietMs: number, minAgeMs: number, limit: number): Promise<CombinedOrderRow[]> {
    const sub = (states: string) =>
      'select 1 from payment_order o where o.sp_mchid = combined_order.sp_mchid ' +
      `and o.combine_out_trade_no = combined_order.combine_out_trade_no and o.trade_state in (${states})`;
    // A combined order with a paid sub-order is never closed (its tenant refunds instead): not a candidate at all.
    return claimDue(this.db.read(), C, {
      due: `time_expire <= ? and created_at <= ? and exists (${sub('?')}) and not exists (${sub('?, ?')})`,
      params: [now, now - minAgeMs, 'NOTPAY', 'SUCCESS', 'REFUND'],
      lease: 'updatedAt',
      now: now - quietMs,
      leaseMs: quietMs,
      limit,
      order: 'timeExpire',
    });
  }
}
