import { inject, injectable } from 'tsyringe';
import { decryptResource, type CombineTransaction, type CredentialsProvider, type PlatformKeys } from '@partnerpay/wxpay';
import { TOKENS } from '../../platform/tokens';
import { newId } from '../../platform/ids';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import { NotificationRepository } from '../notifications';
import { verifiedByOf } from '../wxpay-gateway';
import { CombinedOrdersService } from './combined-orders.service';

/** The answer WeChat Pay gets. */
export interface InboxAnswer {
  status: number;
  body: { code: 'SUCCESS' | 'FAIL'; message: string };
}

const fail = (status: number, message: string): InboxAnswer => ({ status, body: { code: 'FAIL', message } });
type Outcome = 'applied' | 'duplicate' | 'refused' | 'unmatched' | 'error' | 'conflict';

/**
 * WeChat Pay's one notification for a paid 合单, at /notify/sp/{sp_mchid}/combine-transactions:
 * verified with the provider's WeChat Pay keys, decrypted with its APIv3 key, cross-checked (the
 * provider, a combined order of it, every sub-order's merchant and amount) and applied to every
 * sub-order in one transaction through payments' guarded transitions, so a duplicate or concurrent
 * copy changes nothing twice. Logged (kind `combine`), refusals too; our failures answer 5xx.
 */
@injectable()
export class CombineNotificationInbox {
  constructor(
    @inject(CombinedOrdersService) private readonly combined: CombinedOrdersService,
    @inject(NotificationRepository) private readonly log: NotificationRepository,
    @inject(TOKENS.Credentials) private readonly credentials: CredentialsProvider,
    @inject(TOKENS.PlatformKeys) private readonly keys: PlatformKeys,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async receive(spMchid: string, headers: Record<string, string | string[] | undefined>, raw: Buffer): Promise<InboxAnswer> {
    const sp = await this.credentials.get(spMchid);
    if (!sp) return fail(404, 'unknown notify path');
    const body = raw.toString('utf8');
    const serial = one(headers['wechatpay-serial'])?.slice(0, 64) ?? null;
    const entry = { tenantId: `sp:${spMchid}`, serial };
    const verified = await this.keys.verify(sp, headers, body);
    if (!verified.ok) {
      this.logger.warn({ security: true, sp_mchid: spMchid, reason: verified.reason }, 'combine notification refused');
      await this.record({ ...entry, verification: verified.reason, outcome: 'refused', detail: { check: 'signature' } });
      return fail(401, `signature refused: ${verified.reason}`);
    }
    let envelope: {
      id?: string;
      event_type?: string;
      resource?: { ciphertext: string; nonce: string; associated_data?: string; algorithm: string };
    };
    let truth: CombineTransaction;
    try {
      envelope = JSON.parse(body) as typeof envelope;
      truth = JSON.parse(decryptResource(envelope.resource!, sp.apiV3Key)) as CombineTransaction;
    } catch {
      await this.record({ ...entry, verification: 'undecryptable', outcome: 'refused', detail: { check: 'decryption' } });
      return fail(400, 'resource does not decrypt with this provider APIv3 key');
    }
    const ids = { ...entry, eventId: envelope.id, eventType: envelope.event_type, verifiedBy: verifiedByOf(verified), verification: 'ok' };
    const refuse = async (check: string, detail: Record<string, unknown> = {}) => {
      this.logger.warn({ security: true, sp_mchid: spMchid, check, ...detail }, 'combine notification refused by cross-check');
      await this.record({ ...ids, outcome: 'refused', detail: { check, ...detail } });
      return fail(400, `notification does not match: ${check}`);
    };
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
      const results = await this.combined.applyWithLog(order, truth, (em, applied) =>
        this.record(
          {
            ...ids,
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
      void results;
      return { status: 200, body: { code: 'SUCCESS', message: '成功' } };
    } catch (err) {
      this.logger.error({ err, sp_mchid: spMchid, ...combine }, 'combine notification processing failed');
      await this.record({ ...ids, outcome: 'error', detail: combine }).catch(() => undefined);
      return fail(500, 'temporarily unavailable');
    }
  }

  private record(
    r: {
      tenantId: string;
      serial: string | null;
      eventId?: string;
      eventType?: string;
      verifiedBy?: string | null;
      verification: string;
      outcome: Outcome;
      detail?: Record<string, unknown>;
    },
    em?: Parameters<NotificationRepository['insert']>[1],
  ): Promise<void> {
    return this.log.insert(
      {
        id: newId('ntf'),
        tenantId: r.tenantId.slice(0, 64),
        kind: 'combine',
        eventId: typeof r.eventId === 'string' ? r.eventId.slice(0, 64) : null,
        eventType: typeof r.eventType === 'string' ? r.eventType.slice(0, 32) : null,
        serial: r.serial,
        verification: r.verification,
        verifiedBy: r.verifiedBy?.slice(0, 64) ?? null,
        outcome: r.outcome,
        detail: r.detail ? JSON.stringify(r.detail) : null,
        receivedAt: this.clock.now(),
      },
      em,
    );
  }
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
