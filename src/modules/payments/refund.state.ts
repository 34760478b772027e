import type { Em } from '../../platform/db/orm';
import { StateMachine } from '../../platform/db/state-machine';
import type { EventType } from '../events';
import type { TransitionDeps } from './order.state';
import type { OrderRepository } from './order.repository';
import type { FundsLedger } from './funds';
import { REFUND, type RefundRow, type RefundStatus } from './refund.entity';
import { refundView } from './refund.view';
import type { RefundNotice } from './refund-notice';

/** Refund statuses and their legal moves: ABNORMAL may still end well after a manual re-route. */
export const TRANSITIONS: Record<RefundStatus, readonly RefundStatus[]> = {
  PROCESSING: ['SUCCESS', 'CLOSED', 'ABNORMAL'],
  ABNORMAL: ['SUCCESS', 'CLOSED'],
  SUCCESS: [],
  CLOSED: [],
};

/** The refund state machine over refund.status: the only truth about legal moves. */
export const REFUND_STATES = new StateMachine(REFUND, 'status', 'id', TRANSITIONS);

const EVENT: Record<Exclude<RefundStatus, 'PROCESSING'>, EventType> = {
  SUCCESS: 'refund.succeeded',
  CLOSED: 'refund.closed',
  ABNORMAL: 'refund.abnormal',
};

/** What a refund's transition needs: the order (a success adds to refunded_total) and the funds ledger (a close releases). */
export type RefundTransitionDeps = TransitionDeps & { orders: OrderRepository; funds: FundsLedger };

export type RefundApplyOutcome =
  { result: 'applied' | 'duplicate'; refund: RefundRow } | { result: 'conflict'; refund: RefundRow; reason: string };

/**
 * Applies WeChat Pay's status for a refund (from a query or a REFUND.* notification) with a guarded
 * UPDATE, inside the caller's transaction, on the row the caller read under its lock: one state
 * change and one event however many copies arrive. A success settles: it adds to the order's
 * refunded_total and moves it to REFUND; a close releases the amount in the funds ledger.
 */
export async function applyRefundStatus(
  em: Em,
  deps: RefundTransitionDeps,
  refund: RefundRow,
  wx: RefundNotice,
  now: number,
): Promise<RefundApplyOutcome> {
  const target = (wx.refund_status ?? wx.status) as RefundStatus | undefined;
  if (!target || target === 'PROCESSING' || target === refund.status) return { result: 'duplicate', refund };
  const successTime = target === 'SUCCESS' ? (wx.success_time ? Date.parse(wx.success_time) : now) : null;
  const o = await REFUND_STATES.transition(em, {
    id: refund.id,
    to: target,
    set: {
      refundId: wx.refund_id ?? refund.refundId ?? null,
      submitted: 1,
      successTime: successTime !== null && Number.isFinite(successTime) ? successTime : null,
      userReceivedAccount: wx.user_received_account ?? refund.userReceivedAccount ?? null,
      updatedAt: now,
      lastSyncedAt: now,
    },
    known: refund,
    onApplied: async (tx, fresh) => {
      if (target === 'SUCCESS' && !(await deps.orders.addRefunded(tx, refund.orderId, refund.amountRefund, now)))
        deps.logger.error(
          { refund_id: refund.id, order_id: refund.orderId },
          'refund succeeded but the order could not take it (state or total); check the order',
        );
      if (target === 'CLOSED') await deps.funds.release(tx, refund.orderId, 'refund', refund.amountRefund);
      await deps.recordEvent(tx, { tenantId: fresh.tenantId, type: EVENT[target], data: { refund: refundView(fresh) } });
    },
  });
  return o.result === 'conflict' ? { result: 'conflict', refund: o.row, reason: o.reason } : { result: o.result, refund: o.row };
}
