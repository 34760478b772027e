import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import type { Logger } from '../../platform/logging/logger';
import { isUniqueViolation } from '../../platform/db/sql';
import type { Em } from '../../platform/db/orm';
import { newId } from '../../platform/ids';
import { isUpstream, upstreamCode, createRefund, queryRefund, type WxpayClient, type ServiceProviderCredentials } from '@partnerpay/wxpay';
import { ProviderCredentials, type TenantView } from '../tenancy';
import { recordEvent } from '../events';
import { requestHash } from '../../platform/idempotency/request-hash';
import { FundsLedger } from './funds';
import { OrderService } from './order.service';
import { OrderRepository } from './order.repository';
import type { PaymentOrderRow } from './order.entity';
import type { RefundRow } from './refund.entity';
import type { CreateRefundInput } from './refund.input';
import { RefundRepository } from './refund.repository';
import { applyRefundStatus, type RefundApplyOutcome, type RefundTransitionDeps } from './refund.state';
import type { RefundNotice } from './refund-notice';

/** WeChat Pay refunds only within a year of payment (spec §8.1). */
export const REFUND_WINDOW_MS = 365 * 24 * 3600_000;

/** WeChat Pay's answers that mean "refused, nothing happened": the reserved amount is released. */
const DEFINITE_REFUSALS = [
  'PARAM_ERROR',
  'INVALID_REQUEST',
  'NOT_ENOUGH',
  'RESOURCE_NOT_EXISTS',
  'USER_ACCOUNT_ABNORMAL',
  'NO_AUTH',
  'MCH_NOT_EXISTS',
];

/**
 * Refunds. The refund row is written first, under a lock on the order row, with the refundable
 * remainder checked in the same transaction, so concurrent refunds can never add up to more than
 * was paid; then WeChat Pay is asked. A failure without an answer keeps the row, and a retry with
 * the same out_refund_no resumes it (WeChat Pay deduplicates by out_refund_no).
 */
@injectable()
export class RefundService {
  private readonly deps: RefundTransitionDeps;

  constructor(
    @inject(RefundRepository) private readonly repo: RefundRepository,
    @inject(OrderRepository) private readonly orderRepo: OrderRepository,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(OrderService) private readonly orders: OrderService,
    @inject(FundsLedger) private readonly funds: FundsLedger,
    @inject(ProviderCredentials) private readonly providers: ProviderCredentials,
  ) {
    this.deps = { recordEvent, logger, orders: orderRepo, funds };
  }

  /** POST /v1/refunds. `created` tells a new refund from the same request repeated. */
  async create(tenant: TenantView, input: CreateRefundInput): Promise<{ created: boolean; refund: RefundRow }> {
    const sp = await this.providers.require(tenant.spMchid);
    const order = await this.findPaidOrder(tenant, input);
    const hash = requestHash({
      out_trade_no: order.outTradeNo,
      out_refund_no: input.out_refund_no,
      refund: input.amount.refund,
      reason: input.reason ?? null,
    });

    const existing = await this.repo.find(tenant.spMchid, input.out_refund_no);
    let refund: RefundRow;
    let created = false;
    if (existing) refund = this.sameRefundOr409(tenant, existing, hash);
    else {
      try {
        refund = await this.reserve(tenant, order, input, hash);
        created = true;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        refund = this.sameRefundOr409(tenant, (await this.repo.find(tenant.spMchid, input.out_refund_no))!, hash);
      }
    }
    if (refund.submitted === 1) return { created, refund };
    return { created, refund: await this.submit(sp, refund) };
  }

  private sameRefundOr409(tenant: TenantView, existing: RefundRow, hash: string): RefundRow {
    if (existing.tenantId !== tenant.id || existing.requestHash !== hash)
      throw new AppError(
        'OUT_REFUND_NO_USED',
        `out_refund_no ${existing.outRefundNo} is already used by a different refund; a new refund needs a new out_refund_no`,
        { out_refund_no: existing.outRefundNo },
      );
    return existing;
  }

  private async findPaidOrder(tenant: TenantView, input: CreateRefundInput): Promise<PaymentOrderRow> {
    const order = input.out_trade_no
      ? await this.orderRepo.findTenantOrder(tenant.id, tenant.spMchid, input.out_trade_no)
      : await this.orderRepo.findByTransactionId(tenant.id, input.transaction_id!);
    if (!order) throw AppError.notFound(`order ${input.out_trade_no ?? input.transaction_id}`);
    if (order.tradeState !== 'SUCCESS' && order.tradeState !== 'REFUND')
      throw new AppError('ORDER_NOT_REFUNDABLE', `order ${order.outTradeNo} is ${order.tradeState}; only paid orders can be refunded`);
    if (order.successTime != null && this.clock.now() - order.successTime > REFUND_WINDOW_MS)
      throw new AppError(
        'ORDER_NOT_REFUNDABLE',
        `order ${order.outTradeNo} was paid more than a year ago; WeChat Pay no longer refunds it`,
        { success_time: order.successTime },
      );
    return order;
  }

  /** Writes the refund under a lock on the order row, after the funds ledger reserved its amount. */
  private reserve(tenant: TenantView, order: PaymentOrderRow, input: CreateRefundInput, hash: string): Promise<RefundRow> {
    return this.repo.db.tx(async (em) => {
      const funds = await this.funds.lock(em, order.id);
      const refundable = funds.paid - funds.refunds;
      if (input.amount.refund > refundable)
        throw new AppError(
          'REFUND_AMOUNT_EXCEEDED',
          `refund of ${input.amount.refund} fen exceeds the ${refundable} fen still refundable on order ${order.outTradeNo}`,
          { refundable, requested: input.amount.refund },
        );
      // While a profit-sharing payment is frozen a refund comes out of its unsplit funds only (addendum §2.12).
      if (funds.profitSharing && !funds.unfrozen && input.amount.refund > refundable - funds.splits)
        throw new AppError(
          'REFUND_AMOUNT_EXCEEDED',
          `refund of ${input.amount.refund} fen exceeds the ${refundable - funds.splits} fen still frozen and unsplit ` +
            `on order ${order.outTradeNo}; ` +
            'unfreeze the remainder (POST /v1/profit-sharing/unfreeze) or return splits first',
          { refundable: refundable - funds.splits, requested: input.amount.refund, split: funds.splits, rule: 'profit_sharing_frozen' },
        );
      // The checks above explain a refusal; the ledger's guarded UPDATE is what holds the line.
      if (!(await this.funds.reserve(em, order.id, 'refund', input.amount.refund)))
        throw new Error(`the funds ledger refused refund ${input.out_refund_no} that its totals allowed`);
      const now = this.clock.now();
      const refund: RefundRow = {
        id: newId('rfd'),
        tenantId: tenant.id,
        orderId: order.id,
        spMchid: tenant.spMchid,
        subMchid: tenant.subMchid,
        outTradeNo: order.outTradeNo,
        transactionId: order.transactionId ?? null,
        outRefundNo: input.out_refund_no,
        refundId: null,
        amountRefund: input.amount.refund,
        amountTotal: order.amountTotal,
        reason: input.reason ?? null,
        requestHash: hash,
        status: 'PROCESSING',
        submitted: 0,
        userReceivedAccount: null,
        successTime: null,
        lastSyncedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await this.repo.insert(refund, em);
      return refund;
    });
  }

  /** Sends the refund to WeChat Pay; a definite refusal deletes the reservation, anything else keeps it for a retry. */
  private async submit(sp: ServiceProviderCredentials, refund: RefundRow): Promise<RefundRow> {
    let answer: RefundNotice;
    try {
      answer = await createRefund(this.wxpay, sp, {
        sub_mchid: refund.subMchid,
        ...(refund.transactionId ? { transaction_id: refund.transactionId } : { out_trade_no: refund.outTradeNo }),
        out_refund_no: refund.outRefundNo,
        ...(refund.reason ? { reason: refund.reason } : {}),
        notify_url: `${this.config.server.publicBaseUrl}/notify/${refund.tenantId}/refunds`,
        amount: { refund: refund.amountRefund, total: refund.amountTotal, currency: 'CNY' },
      });
    } catch (err) {
      const code = upstreamCode(err);
      if (code && DEFINITE_REFUSALS.some((c) => isUpstream(err, c))) {
        // Refused: nothing happened at WeChat Pay, so the amount is free again and the out_refund_no reusable.
        await this.repo.db.tx(async (em) => {
          await this.funds.lock(em, refund.orderId);
          if (await this.repo.deleteUnsubmitted(refund.id, em)) await this.funds.release(em, refund.orderId, 'refund', refund.amountRefund);
        });
        this.logger.info({ refund_id: refund.id, upstream_code: code }, 'refund refused by WeChat Pay; reservation released');
      }
      throw err;
    }
    const now = this.clock.now();
    await this.repo.markSubmitted(refund.id, answer.refund_id ?? null, now);
    const accepted = { ...refund, submitted: 1, refundId: answer.refund_id ?? refund.refundId };
    const outcome = await this.apply(refund.id, answer);
    return outcome?.refund ?? accepted;
  }

  /** Applies WeChat Pay's account of a refund in one transaction. */
  async apply(refundId: string, wx: RefundNotice): Promise<RefundApplyOutcome | undefined> {
    return this.repo.db.tx((em) => this.applyIn(em, refundId, wx));
  }

  /** apply inside the caller's transaction: reads the refund under its row lock, then moves it. */
  async applyIn(em: Em, refundId: string, wx: RefundNotice): Promise<RefundApplyOutcome | undefined> {
    const locked = await this.repo.findById(refundId, em, true);
    if (!locked) return undefined;
    return applyRefundStatus(em, this.deps, locked, wx, this.clock.now());
  }

  /** GET /v1/refunds/{out_refund_no}: own refunds only (404 otherwise); sync=true asks WeChat Pay first. */
  async get(tenant: TenantView, outRefundNo: string, sync = false): Promise<RefundRow> {
    const refund = await this.repo.find(tenant.spMchid, outRefundNo);
    if (!refund || refund.tenantId !== tenant.id) throw AppError.notFound(`refund ${outRefundNo}`);
    if (!sync || (refund.status !== 'PROCESSING' && refund.status !== 'ABNORMAL')) return refund;
    await this.orders.assertSyncAllowed(tenant);
    return this.sync(await this.providers.require(tenant.spMchid), refund);
  }

  /** Queries WeChat Pay about a refund and applies the answer; resubmits one WeChat Pay never received. */
  async sync(sp: ServiceProviderCredentials, refund: RefundRow): Promise<RefundRow> {
    let wx: RefundNotice;
    try {
      wx = await queryRefund(this.wxpay, sp, refund.subMchid, refund.outRefundNo);
    } catch (err) {
      if (isUpstream(err, 'RESOURCE_NOT_EXISTS') && refund.submitted === 0) return this.submit(sp, refund);
      throw err;
    }
    if (refund.submitted === 0) await this.repo.markSubmitted(refund.id, wx.refund_id ?? null, this.clock.now());
    const outcome = await this.apply(refund.id, wx);
    await this.repo.markSynced(refund.id, this.clock.now());
    return outcome?.refund ?? refund;
  }
}
