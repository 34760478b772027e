import type { NotificationHandler, HandlerResult, VerifiedNotification } from '../notifications';
import type { OrderService } from './order.service';
import type { OrderRepository } from './order.repository';
import { queryOrderByOutTradeNo, isUpstream, type PartnerTransaction, type WxpayClient } from '@partnerpay/wxpay';

const refused = (check: string, claimed: Record<string, unknown>): HandlerResult => ({ outcome: 'refused', detail: { check, ...claimed } });

/**
 * TRANSACTION.SUCCESS for one tenant: the decrypted transaction must name this tenant's provider,
 * sub-merchant and app, and an order of this tenant with the same amount; then it is applied
 * through the same transition code as queries. A payload for an order we do not know is not
 * trusted: WeChat Pay is asked instead.
 */
export function transactionNotificationHandler(repo: OrderRepository, orders: OrderService, wxpay: WxpayClient): NotificationHandler {
  return {
    kind: 'transactions',
    async handle({ tenant, sp, envelope, resource, commit }: VerifiedNotification): Promise<HandlerResult> {
      const txn = resource as unknown as PartnerTransaction;
      const appid = txn.sub_appid ?? txn.sp_appid;
      const claimed = {
        claimed_sp_mchid: txn.sp_mchid,
        claimed_sub_mchid: txn.sub_mchid,
        out_trade_no: txn.out_trade_no,
        event_id: envelope.id,
      };
      if (envelope.event_type !== 'TRANSACTION.SUCCESS' || txn.trade_state !== 'SUCCESS') return refused('event_type', claimed);
      if (txn.sp_mchid !== tenant.spMchid) return refused('sp_mchid', claimed);
      if (txn.sub_mchid !== tenant.subMchid) return refused('sub_mchid', claimed);
      if (typeof txn.out_trade_no !== 'string') return refused('out_trade_no', claimed);
      // Batched: concurrent notifications read their orders in one SELECT (they commit in one transaction too).
      const order = await repo.findTenantOrderBatched(tenant.id, tenant.spMchid, txn.out_trade_no);
      if (!order) {
        // Unknown to us: believe only WeChat Pay's own answer to a query we sign. ORDER_NOT_EXIST is
        // an answer (refuse); a failed query is not (throw: the gate answers 5xx and WeChat Pay retries).
        let truth: PartnerTransaction | undefined;
        try {
          truth = await queryOrderByOutTradeNo(wxpay, sp, tenant.subMchid, txn.out_trade_no);
        } catch (err) {
          if (!isUpstream(err, 'ORDER_NOT_EXIST')) throw err;
        }
        return truth?.trade_state === 'SUCCESS'
          ? { outcome: 'unmatched', detail: { ...claimed, reason: 'paid at WeChat Pay but not an order of this tenant here' } }
          : refused('out_trade_no', claimed);
      }
      if (appid !== order.appid) return refused('appid', { ...claimed, claimed_appid: appid });
      if (txn.amount?.total !== order.amountTotal) return refused('amount', { ...claimed, claimed_total: txn.amount?.total });
      return commit(async (em) => {
        const outcome = await orders.applyUpstreamIn(em, order.id, txn, order);
        if (outcome.result === 'conflict') return { outcome: 'conflict', detail: { ...claimed, reason: outcome.reason } };
        return { outcome: outcome.result, detail: { out_trade_no: txn.out_trade_no } };
      });
    },
  };
}
