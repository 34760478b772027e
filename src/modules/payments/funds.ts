import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { run } from '../../platform/db/sql';
import { PAYMENT_ORDER as T } from './order.entity';

/** What one payment holds, read under its row lock. Amounts in fen. */
export interface Funds {
  orderId: string;
  /** What the buyer paid (amount_total). */
  paid: number;
  /** Promised back by refunds not closed: in flight (PROCESSING, ABNORMAL, not yet accepted) and settled. */
  refunds: number;
  /** Refunds settled (SUCCESS). */
  refunded: number;
  /** Split, or being split, to receivers (profit sharing), receivers WeChat Pay closed excluded. */
  splits: number;
  /** Profit sharing ended for this payment: what was not split went (or is going) to the sub-merchant. */
  unfrozen: boolean;
  /** The payment was placed with profit_sharing: its unsplit funds are frozen until unfrozen. */
  profitSharing: boolean;
}

export type FundsKind = 'refund' | 'split';

const COLUMN: Record<FundsKind, string> = { refund: 'funds_refunds', split: 'funds_splits' };

/**
 * The funds ledger: the one place that knows what is left on a payment. Refunds and profit sharing
 * both reserve here, under the payment's row lock, with one guarded UPDATE that refuses when the
 * reservation would take more than was paid; a definite refusal by WeChat Pay releases it, a
 * success settles it. The totals live on the payment's row (funds_refunds, funds_splits,
 * funds_unfrozen, with refunded_total for settled refunds), so no module sums another's table.
 *
 * The invariant every reservation keeps: refunds <= paid, and while a profit-sharing payment is
 * frozen, refunds + splits <= paid (a refund comes out of the unsplit funds only, addendum §2.12).
 */
@injectable()
export class FundsLedger {
  constructor(@inject(TOKENS.Db) private readonly db: Database) {}

  /** Takes the payment's row lock for the rest of the caller's transaction and answers its funds. */
  async lock(em: Em, orderId: string): Promise<Funds> {
    const [o] = await T.select(em, `${T.col('id')} = ?`, [orderId], this.db.forUpdate(em).trim());
    if (!o) throw new Error(`payment ${orderId} not found`);
    return {
      orderId,
      paid: o.amountTotal,
      refunds: o.fundsRefunds,
      refunded: o.refundedTotal,
      splits: o.fundsSplits,
      unfrozen: o.fundsUnfrozen === 1,
      profitSharing: o.profitSharing === 1,
    };
  }

  /**
   * Reserves `amount` for a refund or a split: one guarded UPDATE. False (nothing reserved) when it
   * would exceed what was paid, or, while the payment is frozen, its unsplit funds; a split also
   * needs the payment still frozen and not fully refunded.
   */
  async reserve(em: Em, orderId: string, kind: FundsKind, amount: number): Promise<boolean> {
    const frozenFits = 'funds_refunds + funds_splits + ? <= amount_total';
    const sql =
      kind === 'refund'
        ? `update ${T.name} set funds_refunds = funds_refunds + ? where id = ? and funds_refunds + ? <= amount_total ` +
          `and (profit_sharing = 0 or funds_unfrozen = 1 or ${frozenFits})`
        : `update ${T.name} set funds_splits = funds_splits + ? where id = ? and funds_unfrozen = 0 ` +
          `and funds_refunds < amount_total and ${frozenFits}`;
    return (await run(em, sql, kind === 'refund' ? [amount, orderId, amount, amount] : [amount, orderId, amount])) === 1;
  }

  /** Ends profit sharing for the payment (unfreeze, or a split that unfreezes the rest); false when already ended or fully refunded. */
  async reserveUnfreeze(em: Em, orderId: string): Promise<boolean> {
    const sql = `update ${T.name} set funds_unfrozen = 1 where id = ? and funds_unfrozen = 0 and funds_refunds < amount_total`;
    return (await run(em, sql, [orderId])) === 1;
  }

  /** A split's final amount replaces its reservation (receivers WeChat Pay closed give their share back to the frozen funds). */
  async settleSplit(em: Em, orderId: string, reserved: number, final: number): Promise<void> {
    if (final !== reserved) await run(em, `update ${T.name} set funds_splits = funds_splits + ? where id = ?`, [final - reserved, orderId]);
  }

  /** Gives back what a refund or split reserved: only on a definite failure (refused by WeChat Pay, or a refund CLOSED). */
  async release(em: Em, orderId: string, kind: FundsKind, amount: number, opts: { unfreeze?: boolean } = {}): Promise<void> {
    const column = COLUMN[kind];
    const unfreeze = opts.unfreeze ? ', funds_unfrozen = 0' : '';
    await run(em, `update ${T.name} set ${column} = ${column} - ?${unfreeze} where id = ?`, [amount, orderId]);
  }
}
