import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { rows } from '../../platform/db/sql';
import { StateMachine } from '../../platform/db/state-machine';
import {
  RECEIVER,
  RETURN,
  SPLIT,
  type ReceiverRow,
  type ReturnRow,
  type ReturnState,
  type SplitRow,
  type SplitState,
} from './profit-sharing.entity';

/** The split/unfreeze state machine: the only truth about which moves are legal (addendum §2.10). */
export const SPLIT_TRANSITIONS: Record<SplitState, readonly SplitState[]> = {
  RESERVED: ['PROCESSING', 'FINISHED'],
  PROCESSING: ['FINISHED'],
  FINISHED: [],
};
/** The return state machine: PROCESSING -> SUCCESS | FAILED (a 5-day timeout is FAILED at WeChat Pay). */
export const RETURN_TRANSITIONS: Record<ReturnState, readonly ReturnState[]> = {
  RESERVED: ['PROCESSING', 'SUCCESS', 'FAILED'],
  PROCESSING: ['SUCCESS', 'FAILED'],
  SUCCESS: [],
  FAILED: [],
};
export const SPLITS = new StateMachine(SPLIT, 'state', 'id', SPLIT_TRANSITIONS);
export const RETURNS = new StateMachine(RETURN, 'state', 'id', RETURN_TRANSITIONS);

/** Per tenant: what was split of its profit-sharing payments, for the compliance report. */
export interface TenantSplitTotals {
  orders: number;
  split: number;
  paid: number;
  /** The highest cumulative share of one payment, in 万分比. */
  maxShare: number;
}

/** The only SQL for ps_receiver, ps_order and ps_return. */
@injectable()
export class ProfitSharingRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  receivers(tenantId: string): Promise<ReceiverRow[]> {
    return RECEIVER.findBy(this.db.read(), { tenantId }, 'order by created_at');
  }
  async receiver(tenantId: string, account: string): Promise<ReceiverRow | undefined> {
    return (await RECEIVER.findBy(this.db.read(), { tenantId, account }))[0];
  }
  /** Records a registration at WeChat Pay (replacing an earlier one of the same receiver). */
  /** Records a receiver's registration; `also` (its audit entry) commits with it. */
  async saveReceiver(r: ReceiverRow, also?: (em: Em) => Promise<void>): Promise<void> {
    await this.db.tx(async (em) => {
      await this.deleteReceiverIn(em, r.tenantId, r.type, r.account);
      await RECEIVER.insert(em, r);
      await also?.(em);
    });
  }
  /** Forgets a receiver's registration; `also` (its audit entry) commits with it. */
  async deleteReceiver(tenantId: string, type: string, account: string, also?: (em: Em) => Promise<void>): Promise<void> {
    await this.db.tx(async (em) => {
      await this.deleteReceiverIn(em, tenantId, type, account);
      await also?.(em);
    });
  }
  private async deleteReceiverIn(em: Em, tenantId: string, type: string, account: string): Promise<void> {
    await em.execute(
      `delete from ${RECEIVER.name} where ${RECEIVER.col('tenantId')} = ? ` +
        `and ${RECEIVER.col('type')} = ? and ${RECEIVER.col('account')} = ?`,
      [tenantId, type, account],
      'run',
    );
  }

  async split(spMchid: string, outOrderNo: string, em: Em = this.db.read()): Promise<SplitRow | undefined> {
    return (await SPLIT.findBy(em, { spMchid, outOrderNo }))[0];
  }
  async splitById(id: string, em: Em = this.db.read()): Promise<SplitRow | undefined> {
    return (await SPLIT.findBy(em, { id }))[0];
  }
  /** Every split and unfreeze of one payment (call under the order's row lock to decide on a new one). */
  splitsOfOrder(em: Em, orderId: string): Promise<SplitRow[]> {
    return SPLIT.findBy(em, { orderId });
  }
  insertSplit(em: Em, r: SplitRow): Promise<void> {
    return SPLIT.insert(em, r);
  }
  /** Deletes a reservation WeChat Pay refused (only while still RESERVED); true when it did (the caller releases its funds). */
  async deleteReservedSplit(em: Em, id: string): Promise<boolean> {
    return (await SPLIT.deleteBy(em, { id, state: 'RESERVED' })) === 1;
  }
  updateSplit(em: Em, set: Partial<SplitRow>, guard: Partial<SplitRow>): Promise<number> {
    return SPLIT.update(em, set, guard);
  }

  async returnOf(spMchid: string, outReturnNo: string): Promise<ReturnRow | undefined> {
    return (await RETURN.findBy(this.db.read(), { spMchid, outReturnNo }))[0];
  }
  returnsOfSplit(em: Em, splitId: string): Promise<ReturnRow[]> {
    return RETURN.findBy(em, { splitId });
  }
  /** Locks a split row (returns from it are serialised on it). */
  async lockSplit(em: Em, id: string): Promise<SplitRow | undefined> {
    return SPLIT.selectOne(em, `${SPLIT.col('id')} = ?`, [id], this.db.forUpdate(em).trim());
  }
  insertReturn(em: Em, r: ReturnRow): Promise<void> {
    return RETURN.insert(em, r);
  }
  async deleteReservedReturn(id: string): Promise<void> {
    await this.db
      .read()
      .execute(`delete from ${RETURN.name} where ${RETURN.col('id')} = ? and ${RETURN.col('state')} = 'RESERVED'`, [id], 'run');
  }
  updateReturn(em: Em, set: Partial<ReturnRow>, guard: Partial<ReturnRow>): Promise<number> {
    return RETURN.update(em, set, guard);
  }

  /**
   * Claims up to `limit` unfinished splits due for a query: a guarded UPDATE of the lease per row, so
   * when several nodes run the follower each row is queried by one of them.
   */
  claimSplits(now: number, leaseMs: number, limit: number): Promise<SplitRow[]> {
    return this.claim(SPLIT, ['RESERVED', 'PROCESSING'], now, leaseMs, limit);
  }
  claimReturns(now: number, leaseMs: number, limit: number): Promise<ReturnRow[]> {
    return this.claim(RETURN, ['RESERVED', 'PROCESSING'], now, leaseMs, limit);
  }
  private async claim<T extends SplitRow | ReturnRow>(
    t: typeof SPLIT | typeof RETURN,
    states: string[],
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<T[]> {
    const em = this.db.read();
    const due = (await t.select(
      em,
      `${t.col('state')} in (${states.map(() => '?').join(', ')}) and ${t.col('nextPollAt')} <= ? and ${t.col('leaseUntil')} <= ?`,
      [...states, now, now],
      `order by ${t.col('nextPollAt')} limit ${Number(limit)}`,
    )) as T[];
    const claimed: T[] = [];
    for (const r of due) {
      const set = { leaseUntil: now + leaseMs } as never;
      if ((await t.update(em, set, { id: r.id, leaseUntil: r.leaseUntil } as never)) === 1)
        claimed.push({ ...r, leaseUntil: now + leaseMs });
    }
    return claimed;
  }

  /** Split totals of one tenant's profit-sharing payments (splits only; 解冻给分账方 rows are not a split). */
  async totals(tenantId: string): Promise<TenantSplitTotals> {
    const s = SPLIT;
    const per = await rows<{ order_id: string; split: unknown; paid: unknown }>(
      this.db.read(),
      `select ${s.col('orderId')} as order_id, sum(${s.col('amount')}) as split, max(o.amount_total) as paid` +
        ` from ${s.name} join payment_order o on o.id = ${s.name}.${s.col('orderId')}` +
        ` where ${s.name}.${s.col('tenantId')} = ? group by ${s.col('orderId')}`,
      [tenantId],
    );
    let split = 0;
    let paid = 0;
    let maxShare = 0;
    for (const r of per) {
      split += Number(r.split);
      paid += Number(r.paid);
      maxShare = Math.max(maxShare, Math.ceil((Number(r.split) * 10_000) / Math.max(1, Number(r.paid))));
    }
    return { orders: per.length, split, paid, maxShare };
  }
}
