import type { Logger } from '../common/logger';
import type { Em } from '../common/db/orm';
import { run } from '../common/db/sql';
import type { RecordEvent } from '../events/outbox';
import type { PaymentOrderRow, TradeState } from './order.entity';
import { findOrderById } from './order-repository';
import { orderView } from './order-view';
import type { PartnerTransaction } from '../wxpay/resources';

/**
 * The order state machine (spec §5). This module is the only writer of trade_state: every change
 * is a guarded UPDATE (`where trade_state = <from>`), so concurrent or repeated copies of the same
 * news change the row once and record one event.
 */
const TRANSITIONS: Record<TradeState, readonly TradeState[]> = {
  NOTPAY: ['SUCCESS', 'CLOSED', 'PAYERROR'],
  SUCCESS: ['REFUND'],
  REFUND: [],
  CLOSED: [],
  PAYERROR: [],
};

/** Whether `from -> to` is a legal move. */
export function canTransition(from: TradeState, to: TradeState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** What applying news did: changed the order, found it already so, or refused it. */
export type ApplyOutcome =
  { result: 'applied' | 'duplicate'; order: PaymentOrderRow } | { result: 'conflict'; order: PaymentOrderRow; reason: string };

/** Dependencies of the transition functions. */
export interface TransitionDeps {
  recordEvent: RecordEvent;
  logger: Logger;
}

/** Moves an unpaid order to CLOSED (after WeChat Pay closed it), recording `order.closed` once. */
export async function closeOrder(em: Em, deps: TransitionDeps, orderId: string, now: number, desc = 'closed'): Promise<ApplyOutcome> {
  const changed = await run(
    em,
    "update payment_order set trade_state = 'CLOSED', trade_state_desc = ?, updated_at = ? where id = ? and trade_state = 'NOTPAY'",
    [desc, now, orderId],
  );
  const order = (await findOrderById(em, orderId))!;
  if (changed === 1) {
    await deps.recordEvent(em, { tenantId: order.tenant_id, type: 'order.closed', data: { order: orderView(order) } });
    return { result: 'applied', order };
  }
  return order.trade_state === 'CLOSED'
    ? { result: 'duplicate', order }
    : { result: 'conflict', order, reason: `order is ${order.trade_state}` };
}

/**
 * Applies WeChat Pay's account of a transaction — from a notification or a query, through the same
 * code — to the order, which the caller has already matched by tenant and out_trade_no. Checks that
 * the amount and merchant agree before changing anything. Runs inside the caller's transaction.
 */
export async function applyTransaction(
  em: Em,
  deps: TransitionDeps,
  order: PaymentOrderRow,
  txn: PartnerTransaction,
  now: number,
): Promise<ApplyOutcome> {
  if (txn.sub_mchid !== order.sub_mchid || txn.out_trade_no !== order.out_trade_no || txn.sp_mchid !== order.sp_mchid)
    return { result: 'conflict', order, reason: 'merchant or out_trade_no does not match the order' };
  if (txn.amount?.total !== undefined && txn.amount.total !== order.amount_total)
    return { result: 'conflict', order, reason: `amount ${txn.amount.total} does not match the order's ${order.amount_total}` };

  switch (txn.trade_state) {
    case 'SUCCESS':
    case 'REFUND': {
      // REFUND means it was paid and then a refund began: the payment is still news to apply.
      if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND') return { result: 'duplicate', order };
      if (!canTransition(order.trade_state, 'SUCCESS')) {
        deps.logger.error(
          { order_id: order.id, local: order.trade_state, upstream: txn.trade_state },
          'WeChat Pay reports a payment for an order that is not open',
        );
        return { result: 'conflict', order, reason: `order is ${order.trade_state} but WeChat Pay reports ${txn.trade_state}` };
      }
      const parsed = txn.success_time ? Date.parse(txn.success_time) : now;
      const paid: PaymentOrderRow = {
        ...order,
        trade_state: 'SUCCESS',
        trade_state_desc: txn.trade_state_desc ?? null,
        transaction_id: txn.transaction_id ?? null,
        success_time: Number.isFinite(parsed) ? parsed : now,
        payer_total: txn.amount?.payer_total ?? null,
        bank_type: txn.bank_type ?? null,
        updated_at: now,
        last_synced_at: now,
      };
      const changed = await run(
        em,
        "update payment_order set trade_state = 'SUCCESS', trade_state_desc = ?, transaction_id = ?, success_time = ?, payer_total = ?, bank_type = ?, updated_at = ?, last_synced_at = ? where id = ? and trade_state = 'NOTPAY'",
        [paid.trade_state_desc, paid.transaction_id, paid.success_time, paid.payer_total, paid.bank_type, now, now, order.id],
      );
      if (changed !== 1) {
        const fresh = (await findOrderById(em, order.id))!;
        return fresh.trade_state === 'SUCCESS' || fresh.trade_state === 'REFUND'
          ? { result: 'duplicate', order: fresh }
          : { result: 'conflict', order: fresh, reason: `order is ${fresh.trade_state}` };
      }
      // The guarded UPDATE moved exactly this row, read in this transaction, to exactly these values:
      // the order is `paid` without reading it back (one statement less on every payment).
      await deps.recordEvent(em, { tenantId: paid.tenant_id, type: 'order.paid', data: { order: orderView(paid) } });
      return { result: 'applied', order: paid };
    }
    case 'CLOSED':
    case 'REVOKED':
      return closeOrder(em, deps, order.id, now, txn.trade_state_desc ?? 'closed');
    case 'PAYERROR': {
      const changed = await run(
        em,
        "update payment_order set trade_state = 'PAYERROR', trade_state_desc = ?, updated_at = ? where id = ? and trade_state = 'NOTPAY'",
        [txn.trade_state_desc ?? null, now, order.id],
      );
      const fresh = (await findOrderById(em, order.id))!;
      return changed === 1
        ? { result: 'applied', order: fresh }
        : ({
            result: fresh.trade_state === 'PAYERROR' ? 'duplicate' : 'conflict',
            order: fresh,
            reason: `order is ${fresh.trade_state}`,
          } as ApplyOutcome);
    }
    default:
      // NOTPAY, USERPAYING, ACCEPT: nothing has happened yet.
      return { result: 'duplicate', order };
  }
}

/** Moves a paid order to REFUND once a refund succeeds and adds to refunded_total (used by refunds). */
export async function addRefunded(em: Em, orderId: string, amount: number, now: number): Promise<boolean> {
  return (
    (await run(
      em,
      "update payment_order set refunded_total = refunded_total + ?, trade_state = 'REFUND', updated_at = ? where id = ? and trade_state in ('SUCCESS', 'REFUND') and refunded_total + ? <= amount_total",
      [amount, now, orderId, amount],
    )) === 1
  );
}
