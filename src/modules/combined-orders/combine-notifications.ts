import { inject, injectable } from 'tsyringe';
import type { CombineTransaction } from '@partnerpay/wxpay';
import { TOKENS } from '../../platform/tokens';
import type { Logger } from '../../platform/logging/logger';
import { SpNotificationReader, spAnswer } from '../notifications';
import { CombinedOrdersService } from './combined-orders.service';

/** The answer WeChat Pay gets. */
export interface InboxAnswer {
  status: number;
  body: { code: 'SUCCESS' | 'FAIL'; message: string };
}

/**
 * WeChat Pay's one notification for a paid 合单, at /notify/sp/{sp_mchid}/combine-transactions:
 * read by the shared provider-notification reader (signature, decryption, sampled refusals), then
 * cross-checked (the provider, a combined order of it, every sub-order's merchant and amount) and
 * applied to every sub-order in one transaction through payments' guarded transitions, so a
 * duplicate or concurrent copy changes nothing twice. Logged (kind `combine`); our failures answer 5xx.
 */
@injectable()
export class CombineNotificationInbox {
  constructor(
    @inject(CombinedOrdersService) private readonly combined: CombinedOrdersService,
    @inject(SpNotificationReader) private readonly reader: SpNotificationReader,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async receive(spMchid: string, headers: Record<string, string | string[] | undefined>, raw: Buffer): Promise<InboxAnswer> {
    const read = await this.reader.read<CombineTransaction>(spMchid, 'combine', headers, raw);
    if ('answer' in read) return read.answer;
    const { sp, envelope, resource: truth, log, refuse } = read.notification;
    if (envelope.event_type !== 'TRANSACTION.SUCCESS') return refuse('event_type');
    if (truth.combine_mchid !== spMchid) return refuse('combine_mchid', { claimed: String(truth.combine_mchid).slice(0, 32) });
    if (truth.combine_appid !== sp.spAppid) return refuse('combine_appid');
    if (typeof truth.combine_out_trade_no !== 'string' || !Array.isArray(truth.sub_orders)) return refuse('combine_out_trade_no');
    const combine = { combine_out_trade_no: truth.combine_out_trade_no.slice(0, 32) };
    try {
      const order = await this.combined.find(spMchid, truth.combine_out_trade_no);
      if (!order) return refuse('combine_out_trade_no', combine);
      // Every sub-order must be one of ours, of the tenant it was placed for, with its amount: else nothing is applied.
      if (truth.sub_orders.length !== order.subs.length) return refuse('sub_orders', combine);
      for (const s of truth.sub_orders) {
        const row = order.subs.find((o) => o.outTradeNo === s.out_trade_no);
        if (!row) return refuse('out_trade_no', { ...combine, out_trade_no: String(s.out_trade_no).slice(0, 32) });
        if (s.mchid !== spMchid || s.sub_mchid !== row.subMchid) return refuse('sub_mchid', { ...combine, out_trade_no: row.outTradeNo });
        if (s.amount?.total_amount !== row.amountTotal) return refuse('amount', { ...combine, out_trade_no: row.outTradeNo });
      }
      await this.combined.applyWithLog(order, truth, (em, applied) =>
        log(
          {
            outcome: applied.some((r) => r.result === 'conflict')
              ? 'conflict'
              : applied.some((r) => r.result === 'applied')
                ? 'applied'
                : 'duplicate',
            detail: { ...combine, sub_orders: applied },
          },
          em,
        ),
      );
      return spAnswer.ok();
    } catch (err) {
      this.logger.error({ err, sp_mchid: spMchid, ...combine }, 'combine notification processing failed');
      await log({ outcome: 'error', detail: combine }).catch(() => undefined);
      return spAnswer.fail(500, 'temporarily unavailable');
    }
  }
}
