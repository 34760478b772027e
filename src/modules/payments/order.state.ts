import type { Logger } from '../../platform/logging/logger';
import type { Em } from '../../platform/db/orm';
import { StateMachine, type TransitionOutcome } from '../../platform/db/state-machine';
import type { RecordEvent } from '../events';
import { PAYMENT_ORDER, type PaymentOrderRow, type TradeState } from './order.entity';
import { orderView } from './order.view';
import type { PartnerTransaction } from '@partnerpay/wxpay';

/**
 * The order state machine (spec §5): the only truth about which moves are legal. Every guarded
 * UPDATE of trade_state is built from it (`where trade_state in <the states that may reach the
 * target>`), so concurrent or repeated copies of the same news change the row once and record one
 * event. REFUND -> REFUND is a further refund of an order already partly refunded.
 */
export const TRANSITIONS: Record<TradeState, readonly TradeState[]> = {
  NOTPAY: ['SUCCESS', 'CLOSED', 'PAYERROR', 'USERPAYING', 'REVOKED'],
  // A 付款码 charge waiting for the buyer's password (MICROPAY only).
  USERPAYING: ['SUCCESS', 'CLOSED', 'PAYERROR', 'REVOKED'],
  SUCCESS: ['REFUND'],
  REFUND: ['REFUND'],
  CLOSED: [],
  PAYERROR: [],
  // A 付款码 charge reversed (撤销) before it was paid.
  REVOKED: [],
};

/** The order state machine over payment_order.trade_state. */
export const ORDER_STATES = new StateMachine(PAYMENT_ORDER, 'tradeState', 'id', TRANSITIONS);

/** Whether `from -> to` is a legal move. */
export function canTransition(from: TradeState, to: TradeState): boolean {
  return ORDER_STATES.can(from, to);
}

/** What applying news did: changed the order, found it already so, or refused it. */
export type ApplyOutcome =
  { result: 'applied' | 'duplicate'; order: PaymentOrderRow } | { result: 'conflict'; order: PaymentOrderRow; reason: string };

/** Dependencies of the transition functions. */
export interface TransitionDeps {
  recordEvent: RecordEvent;
  logger: Logger;
}

const paid = (s: TradeState) => s === 'SUCCESS' || s === 'REFUND';

/** An order already paid and since refunded has seen the payment: news of it is a duplicate. */
function outcome(o: TransitionOutcome<PaymentOrderRow>, to: TradeState): ApplyOutcome {
  if (o.result === 'conflict' && to === 'SUCCESS' && o.row.tradeState === 'REFUND') return { result: 'duplicate', order: o.row };
  return o.result === 'conflict' ? { result: 'conflict', order: o.row, reason: o.reason } : { result: o.result, order: o.row };
}

/** Moves an open order to CLOSED (after WeChat Pay closed it), recording `order.closed` once. */
export async function closeOrder(em: Em, deps: TransitionDeps, orderId: string, now: number, desc = 'closed'): Promise<ApplyOutcome> {
  const o = await ORDER_STATES.transition(em, {
    id: orderId,
    to: 'CLOSED',
    set: { tradeStateDesc: desc, followAt: null, updatedAt: now },
    onApplied: async (tx, order) => {
      await deps.recordEvent(tx, { tenantId: order.tenantId, type: 'order.closed', data: { order: orderView(order) } });
    },
  });
  return outcome(o, 'CLOSED');
}

/**
 * Applies WeChat Pay's account of a transaction — from a notification or a query, through the same
 * code — to the order, which the caller has already matched by tenant and out_trade_no. Checks that
 * the amount and merchant agree before changing anything. Runs inside the caller's transaction; the
 * guarded UPDATE takes the row lock, so no prior SELECT ... FOR UPDATE is needed.
 */
export async function applyTransaction(
  em: Em,
  deps: TransitionDeps,
  order: PaymentOrderRow,
  txn: PartnerTransaction,
  now: number,
): Promise<ApplyOutcome> {
  if (txn.sub_mchid !== order.subMchid || txn.out_trade_no !== order.outTradeNo || txn.sp_mchid !== order.spMchid)
    return { result: 'conflict', order, reason: 'merchant or out_trade_no does not match the order' };
  if (txn.amount?.total !== undefined && txn.amount.total !== order.amountTotal)
    return { result: 'conflict', order, reason: `amount ${txn.amount.total} does not match the order's ${order.amountTotal}` };

  switch (txn.trade_state) {
    case 'SUCCESS':
    case 'REFUND': {
      // REFUND means it was paid and then a refund began: the payment is still news to apply.
      if (paid(order.tradeState)) return { result: 'duplicate', order };
      const parsed = txn.success_time ? Date.parse(txn.success_time) : now;
      const o = outcome(
        await ORDER_STATES.transition(em, {
          id: order.id,
          to: 'SUCCESS',
          set: {
            tradeStateDesc: txn.trade_state_desc ?? null,
            transactionId: txn.transaction_id ?? null,
            successTime: Number.isFinite(parsed) ? parsed : now,
            payerTotal: txn.amount?.payer_total ?? null,
            bankType: txn.bank_type ?? null,
            followAt: null,
            updatedAt: now,
            lastSyncedAt: now,
          },
          // The guarded UPDATE moved exactly this row to exactly these values: no read-back.
          known: order,
          onApplied: async (tx, row) => {
            await deps.recordEvent(tx, { tenantId: row.tenantId, type: 'order.paid', data: { order: orderView(row) } });
          },
        }),
        'SUCCESS',
      );
      if (o.result === 'conflict')
        deps.logger.error(
          { order_id: order.id, local: o.order.tradeState, upstream: txn.trade_state },
          'WeChat Pay reports a payment for an order that is not open',
        );
      return o;
    }
    case 'REVOKED':
      if (order.tradeType === 'MICROPAY') return reverseOrder(em, deps, order.id, now, txn.trade_state_desc ?? 'reversed');
      return closeOrder(em, deps, order.id, now, txn.trade_state_desc ?? 'closed');
    case 'CLOSED':
      return closeOrder(em, deps, order.id, now, txn.trade_state_desc ?? 'closed');
    case 'PAYERROR':
      return failOrder(em, deps, order, now, txn.trade_state_desc ?? 'payment failed');
    case 'USERPAYING':
      if (order.tradeType !== 'MICROPAY') return { result: 'duplicate', order };
      return outcome(
        await ORDER_STATES.transition(em, {
          id: order.id,
          to: 'USERPAYING',
          set: { tradeStateDesc: txn.trade_state_desc ?? null, updatedAt: now },
        }),
        'USERPAYING',
      );
    default:
      // NOTPAY, ACCEPT: nothing has happened yet.
      return { result: 'duplicate', order };
  }
}

/** Moves an open order to PAYERROR; a 付款码 charge tells its tenant with `order.payment_failed`. */
export async function failOrder(em: Em, deps: TransitionDeps, order: PaymentOrderRow, now: number, desc: string): Promise<ApplyOutcome> {
  const o = await ORDER_STATES.transition(em, {
    id: order.id,
    to: 'PAYERROR',
    set: { tradeStateDesc: desc.slice(0, 255), followAt: null, updatedAt: now },
    onApplied: async (tx, row) => {
      if (row.tradeType === 'MICROPAY')
        await deps.recordEvent(tx, { tenantId: row.tenantId, type: 'order.payment_failed', data: { order: orderView(row) } });
    },
  });
  return outcome(o, 'PAYERROR');
}

/** Moves an unpaid 付款码 charge to REVOKED (after WeChat Pay reversed it), recording `order.reversed` once. */
export async function reverseOrder(em: Em, deps: TransitionDeps, orderId: string, now: number, desc = 'reversed'): Promise<ApplyOutcome> {
  const o = await ORDER_STATES.transition(em, {
    id: orderId,
    to: 'REVOKED',
    set: { tradeStateDesc: desc, followAt: null, updatedAt: now },
    onApplied: async (tx, row) => {
      await deps.recordEvent(tx, { tenantId: row.tenantId, type: 'order.reversed', data: { order: orderView(row) } });
    },
  });
  return outcome(o, 'REVOKED');
}
