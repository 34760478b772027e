import type { Em } from '../common/db/orm';
import { run } from '../common/db/sql';
import type { EventType } from '../events/outbox';
import { addRefunded, type TransitionDeps } from '../orders/order-state';
import type { RefundRow, RefundStatus } from './refund.entity';
import { findRefundById } from './refund-repository';
import { refundView } from './refund-view';
import type { RefundNotice } from './refund-notice';

/** Refund statuses and their legal moves: ABNORMAL may still end well after a manual re-route. */
const TRANSITIONS: Record<RefundStatus, readonly RefundStatus[]> = {
  PROCESSING: ['SUCCESS', 'CLOSED', 'ABNORMAL'],
  ABNORMAL: ['SUCCESS', 'CLOSED'],
  SUCCESS: [],
  CLOSED: [],
};

const EVENT: Record<Exclude<RefundStatus, 'PROCESSING'>, EventType> = {
  SUCCESS: 'refund.succeeded',
  CLOSED: 'refund.closed',
  ABNORMAL: 'refund.abnormal',
};

export type RefundApplyOutcome =
  { result: 'applied' | 'duplicate'; refund: RefundRow } | { result: 'conflict'; refund: RefundRow; reason: string };

/**
 * Applies WeChat Pay's status for a refund (from a query or a REFUND.* notification) with a guarded
 * UPDATE, inside the caller's transaction: one state change and one event however many copies
 * arrive. A success adds to the order's refunded_total and moves it to REFUND.
 */
export async function applyRefundStatus(
  em: Em,
  deps: TransitionDeps,
  refund: RefundRow,
  wx: RefundNotice,
  now: number,
): Promise<RefundApplyOutcome> {
  const target = (wx.refund_status ?? wx.status) as RefundStatus | undefined;
  if (!target || target === 'PROCESSING' || target === refund.status) return { result: 'duplicate', refund };
  if (!TRANSITIONS[refund.status].includes(target))
    return { result: 'conflict', refund, reason: `refund is ${refund.status}; WeChat Pay reports ${target}` };
  const successTime = target === 'SUCCESS' ? (wx.success_time ? Date.parse(wx.success_time) : now) : null;
  const changed = await run(
    em,
    'update refund set status = ?, refund_id = coalesce(?, refund_id), submitted = 1, success_time = ?, user_received_account = coalesce(?, user_received_account), updated_at = ?, last_synced_at = ? where id = ? and status = ?',
    [
      target,
      wx.refund_id ?? null,
      successTime !== null && Number.isFinite(successTime) ? successTime : null,
      wx.user_received_account ?? null,
      now,
      now,
      refund.id,
      refund.status,
    ],
  );
  const fresh = (await findRefundById(em, refund.id))!;
  if (changed !== 1)
    return fresh.status === target
      ? { result: 'duplicate', refund: fresh }
      : { result: 'conflict', refund: fresh, reason: `refund is ${fresh.status}` };
  if (target === 'SUCCESS' && !(await addRefunded(em, refund.order_id, refund.amount_refund, now)))
    deps.logger.error(
      { refund_id: refund.id, order_id: refund.order_id },
      'refund succeeded but the order could not take it (state or total); check the order',
    );
  await deps.recordEvent(em, { tenantId: fresh.tenant_id, type: EVENT[target], data: { refund: refundView(fresh) } });
  return { result: 'applied', refund: fresh };
}
