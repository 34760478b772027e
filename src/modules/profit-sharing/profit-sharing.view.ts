import { rfc3339 } from '../../platform/clock';
import type { ReceiverRow, ReturnRow, SplitReceiver, SplitRow } from './profit-sharing.entity';

/** A split or unfreeze as the tenant API and its events show it (RESERVED is still PROCESSING to the tenant). */
export function splitView(s: SplitRow) {
  return {
    out_order_no: s.outOrderNo,
    out_trade_no: s.outTradeNo,
    order_id: s.wxOrderId ?? null,
    transaction_id: s.transactionId,
    type: s.kind,
    state: s.state === 'FINISHED' ? ('FINISHED' as const) : ('PROCESSING' as const),
    amount: s.amount,
    unfreeze_unsplit: s.unfreezeUnsplit,
    receivers: s.receivers.map((r: SplitReceiver) => ({
      type: r.type,
      account: r.account,
      amount: r.amount,
      description: r.description,
      result: r.result,
      fail_reason: r.fail_reason,
      detail_id: r.detail_id,
      finish_time: r.finish_time,
      ...(r.unfreeze ? { unfreeze: true as const } : {}),
    })),
    created_at: rfc3339(s.createdAt),
    finished_at: s.finishedAt ? rfc3339(s.finishedAt) : null,
  };
}

/** A return as the tenant API and its events show it. */
export function returnView(r: ReturnRow) {
  return {
    out_return_no: r.outReturnNo,
    out_order_no: r.outOrderNo,
    return_id: r.returnId ?? null,
    return_mchid: r.returnMchid,
    amount: r.amount,
    description: r.description,
    result: r.state === 'RESERVED' ? ('PROCESSING' as const) : r.state,
    fail_reason: r.failReason ?? null,
    created_at: rfc3339(r.createdAt),
    finished_at: r.finishedAt ? rfc3339(r.finishedAt) : null,
  };
}

/** A receiver for operators: approved (in the tenant's profit_sharing list) and, when added here, registered at WeChat Pay. */
export function receiverView(approved: { type: string; account: string }, reg: ReceiverRow | undefined) {
  return {
    type: approved.type,
    account: approved.account,
    relation_type: reg?.relationType ?? null,
    custom_relation: reg?.customRelation ?? null,
    name: reg?.nameMask ?? null,
    registered_at_wechat_pay: !!reg,
    created_at: reg ? rfc3339(reg.createdAt) : null,
  };
}

/** 张三 -> 张*, Acme Ltd -> A*******: enough to recognise, never the name itself. */
export function maskName(name: string | undefined): string | null {
  if (!name) return null;
  const chars = [...name];
  return chars[0] + '*'.repeat(Math.max(1, Math.min(chars.length - 1, 16)));
}
