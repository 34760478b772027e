import type { HandlerResult, NotificationHandler, VerifiedNotification } from '../notifications';
import type { RefundRepository } from './refund.repository';
import type { RefundService } from './refund.service';
import type { RefundNotice } from './refund-notice';

const EVENT_TYPES = new Set(['REFUND.SUCCESS', 'REFUND.CLOSED', 'REFUND.ABNORMAL']);
const refused = (check: string, claimed: Record<string, unknown>): HandlerResult => ({ outcome: 'refused', detail: { check, ...claimed } });

/**
 * REFUND.SUCCESS / CLOSED / ABNORMAL for one tenant: the refund must be this tenant's, under this
 * sub-merchant, for the same order and amounts; then its status is applied once.
 */
export function refundNotificationHandler(repo: RefundRepository, refunds: RefundService): NotificationHandler {
  return {
    kind: 'refunds',
    async handle({ tenant, envelope, resource, commit }: VerifiedNotification): Promise<HandlerResult> {
      const wx = resource as unknown as RefundNotice;
      const claimed = {
        claimed_sp_mchid: wx.sp_mchid,
        claimed_sub_mchid: wx.sub_mchid,
        out_refund_no: wx.out_refund_no,
        event_id: envelope.id,
      };
      if (!EVENT_TYPES.has(envelope.event_type) || `REFUND.${wx.refund_status}` !== envelope.event_type)
        return refused('event_type', claimed);
      if (wx.sp_mchid !== undefined && wx.sp_mchid !== tenant.spMchid) return refused('sp_mchid', claimed);
      if (wx.sub_mchid !== tenant.subMchid) return refused('sub_mchid', claimed);
      if (typeof wx.out_refund_no !== 'string') return refused('out_refund_no', claimed);
      const refund = await repo.find(tenant.spMchid, wx.out_refund_no);
      if (!refund || refund.tenantId !== tenant.id) return refused('out_refund_no', claimed);
      if (wx.out_trade_no !== undefined && wx.out_trade_no !== refund.outTradeNo) return refused('out_trade_no', claimed);
      if (wx.amount?.refund !== refund.amountRefund || (wx.amount?.total !== undefined && wx.amount.total !== refund.amountTotal))
        return refused('amount', { ...claimed, claimed_refund: wx.amount?.refund, claimed_total: wx.amount?.total });
      return commit(async (em) => {
        const outcome = await refunds.applyIn(em, refund.id, wx);
        if (!outcome) return refused('out_refund_no', claimed);
        if (outcome.result === 'conflict') return { outcome: 'conflict', detail: { ...claimed, reason: outcome.reason } };
        return { outcome: outcome.result, detail: { out_refund_no: wx.out_refund_no } };
      });
    },
  };
}
