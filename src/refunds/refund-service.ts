import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../common/tokens';
import { AppError } from '../common/errors';
import type { Clock } from '../common/clock';
import type { Config } from '../config/schema';
import type { Logger } from '../common/logger';
import type { Orm } from '../common/db/orm';
import { forUpdate, inTransaction, isUniqueViolation, reader, row, run } from '../common/db/sql';
import { newId } from '../common/ids';
import type { WxpayClient } from '../wxpay/client-port';
import type { ServiceProviderCredentials } from '../wxpay/credentials';
import type { TenantView } from '../tenancy/tenant-directory';
import { recordEvent } from '../events/outbox';
import { requestHash } from '../idempotency/request-hash';
import type { TransitionDeps } from '../orders/order-state';
import { OrderService } from '../orders/order-service';
import { findTenantOrder } from '../orders/order-repository';
import { toOrderRow } from '../orders/order-view';
import type { PaymentOrderRow } from '../orders/order.entity';
import { isUpstream, upstreamCode } from '../orders/upstream-errors';
import type { RefundRow } from './refund.entity';
import type { CreateRefundInput } from './refund-input';
import { findRefund, findRefundById, insertRefund, markRefundSynced, markSubmitted, reservedOnOrder } from './refund-repository';
import { applyRefundStatus, type RefundApplyOutcome } from './refund-state';
import { createRefund, queryRefund } from '../wxpay/resources';
import type { RefundNotice } from './refund-notice';
import { splitHoldOf } from '../profit-sharing/profit-sharing.repository';

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
  private readonly deps: TransitionDeps;

  constructor(
    @inject(TOKENS.Orm) private readonly orm: Orm,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(OrderService) private readonly orders: OrderService,
  ) {
    this.deps = { recordEvent, logger };
  }

  /** POST /v1/refunds. `created` tells a new refund from the same request repeated. */
  async create(tenant: TenantView, input: CreateRefundInput): Promise<{ created: boolean; refund: RefundRow }> {
    const sp = await this.orders.provider(tenant.spMchid);
    const order = await this.findPaidOrder(tenant, input);
    const hash = requestHash({
      out_trade_no: order.out_trade_no,
      out_refund_no: input.out_refund_no,
      refund: input.amount.refund,
      reason: input.reason ?? null,
    });

    const existing = await findRefund(reader(this.orm), tenant.spMchid, input.out_refund_no);
    let refund: RefundRow;
    let created = false;
    if (existing) refund = this.sameRefundOr409(tenant, existing, hash);
    else {
      try {
        refund = await this.reserve(tenant, order, input, hash);
        created = true;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        refund = this.sameRefundOr409(tenant, (await findRefund(reader(this.orm), tenant.spMchid, input.out_refund_no))!, hash);
      }
    }
    if (refund.submitted === 1) return { created, refund };
    return { created, refund: await this.submit(sp, refund) };
  }

  private sameRefundOr409(tenant: TenantView, existing: RefundRow, hash: string): RefundRow {
    if (existing.tenant_id !== tenant.id || existing.request_hash !== hash)
      throw new AppError(
        'OUT_REFUND_NO_USED',
        `out_refund_no ${existing.out_refund_no} is already used by a different refund; a new refund needs a new out_refund_no`,
        { out_refund_no: existing.out_refund_no },
      );
    return existing;
  }

  private async findPaidOrder(tenant: TenantView, input: CreateRefundInput): Promise<PaymentOrderRow> {
    const em = reader(this.orm);
    const order = input.out_trade_no
      ? await findTenantOrder(em, tenant.id, tenant.spMchid, input.out_trade_no)
      : await row<Record<string, unknown>>(em, 'select * from payment_order where tenant_id = ? and transaction_id = ?', [
          tenant.id,
          input.transaction_id,
        ]).then((r) => r && toOrderRow(r));
    if (!order) throw AppError.notFound(`order ${input.out_trade_no ?? input.transaction_id}`);
    if (order.trade_state !== 'SUCCESS' && order.trade_state !== 'REFUND')
      throw new AppError('ORDER_NOT_REFUNDABLE', `order ${order.out_trade_no} is ${order.trade_state}; only paid orders can be refunded`);
    if (order.success_time !== null && this.clock.now() - order.success_time > REFUND_WINDOW_MS)
      throw new AppError(
        'ORDER_NOT_REFUNDABLE',
        `order ${order.out_trade_no} was paid more than a year ago; WeChat Pay no longer refunds it`,
        { success_time: order.success_time },
      );
    return order;
  }

  /** Writes the refund under a lock on the order row, after checking what is left to refund. */
  private reserve(tenant: TenantView, order: PaymentOrderRow, input: CreateRefundInput, hash: string): Promise<RefundRow> {
    return inTransaction(this.orm, async (em) => {
      await run(em, `select id from payment_order where id = ?${forUpdate(em)}`, [order.id]);
      const refundable = order.amount_total - (await reservedOnOrder(em, order.id));
      if (input.amount.refund > refundable)
        throw new AppError(
          'REFUND_AMOUNT_EXCEEDED',
          `refund of ${input.amount.refund} fen exceeds the ${refundable} fen still refundable on order ${order.out_trade_no}`,
          { refundable, requested: input.amount.refund },
        );
      // While a profit-sharing payment is frozen a refund comes out of its unsplit funds only (addendum §2.12).
      const hold = order.profit_sharing === 1 ? await splitHoldOf(em, order.id) : undefined;
      if (hold && !hold.unfrozen && input.amount.refund > refundable - hold.split)
        throw new AppError(
          'REFUND_AMOUNT_EXCEEDED',
          `refund of ${input.amount.refund} fen exceeds the ${refundable - hold.split} fen still frozen and unsplit on order ${order.out_trade_no}; ` +
            'unfreeze the remainder (POST /v1/profit-sharing/unfreeze) or return splits first',
          { refundable: refundable - hold.split, requested: input.amount.refund, split: hold.split, rule: 'profit_sharing_frozen' },
        );
      const now = this.clock.now();
      const refund: RefundRow = {
        id: newId('rfd'),
        tenant_id: tenant.id,
        order_id: order.id,
        sp_mchid: tenant.spMchid,
        sub_mchid: tenant.subMchid,
        out_trade_no: order.out_trade_no,
        transaction_id: order.transaction_id,
        out_refund_no: input.out_refund_no,
        refund_id: null,
        amount_refund: input.amount.refund,
        amount_total: order.amount_total,
        reason: input.reason ?? null,
        request_hash: hash,
        status: 'PROCESSING',
        submitted: 0,
        user_received_account: null,
        success_time: null,
        last_synced_at: null,
        created_at: now,
        updated_at: now,
      };
      await insertRefund(em, refund);
      return refund;
    });
  }

  /** Sends the refund to WeChat Pay; a definite refusal deletes the reservation, anything else keeps it for a retry. */
  private async submit(sp: ServiceProviderCredentials, refund: RefundRow): Promise<RefundRow> {
    let answer: RefundNotice;
    try {
      answer = await createRefund(this.wxpay, sp, {
        sub_mchid: refund.sub_mchid,
        ...(refund.transaction_id ? { transaction_id: refund.transaction_id } : { out_trade_no: refund.out_trade_no }),
        out_refund_no: refund.out_refund_no,
        ...(refund.reason ? { reason: refund.reason } : {}),
        notify_url: `${this.config.server.publicBaseUrl}/notify/${refund.tenant_id}/refunds`,
        amount: { refund: refund.amount_refund, total: refund.amount_total, currency: 'CNY' },
      });
    } catch (err) {
      const code = upstreamCode(err);
      if (code && DEFINITE_REFUSALS.some((c) => isUpstream(err, c))) {
        // Refused: nothing happened at WeChat Pay, so the amount is free again and the out_refund_no reusable.
        await run(reader(this.orm), 'delete from refund where id = ? and submitted = 0', [refund.id]);
        this.logger.info({ refund_id: refund.id, upstream_code: code }, 'refund refused by WeChat Pay; reservation released');
      }
      throw err;
    }
    const now = this.clock.now();
    await markSubmitted(reader(this.orm), refund.id, answer.refund_id ?? null, now);
    const accepted = { ...refund, submitted: 1, refund_id: answer.refund_id ?? refund.refund_id };
    const outcome = await this.apply(refund.id, answer);
    return outcome?.refund ?? accepted;
  }

  /** Applies WeChat Pay's account of a refund in one transaction. */
  async apply(refundId: string, wx: RefundNotice): Promise<RefundApplyOutcome | undefined> {
    return inTransaction(this.orm, async (em) => {
      await run(em, `select id from refund where id = ?${forUpdate(em)}`, [refundId]);
      const locked = await findRefundById(em, refundId);
      if (!locked) return undefined;
      return applyRefundStatus(em, this.deps, locked, wx, this.clock.now());
    });
  }

  /** GET /v1/refunds/{out_refund_no}: own refunds only (404 otherwise); sync=true asks WeChat Pay first. */
  async get(tenant: TenantView, outRefundNo: string, sync = false): Promise<RefundRow> {
    const refund = await findRefund(reader(this.orm), tenant.spMchid, outRefundNo);
    if (!refund || refund.tenant_id !== tenant.id) throw AppError.notFound(`refund ${outRefundNo}`);
    if (!sync || (refund.status !== 'PROCESSING' && refund.status !== 'ABNORMAL')) return refund;
    return this.sync(await this.orders.provider(tenant.spMchid), refund);
  }

  /** Queries WeChat Pay about a refund and applies the answer; resubmits one WeChat Pay never received. */
  async sync(sp: ServiceProviderCredentials, refund: RefundRow): Promise<RefundRow> {
    let wx: RefundNotice;
    try {
      wx = await queryRefund(this.wxpay, sp, refund.sub_mchid, refund.out_refund_no);
    } catch (err) {
      if (isUpstream(err, 'RESOURCE_NOT_EXISTS') && refund.submitted === 0) return this.submit(sp, refund);
      throw err;
    }
    if (refund.submitted === 0) await markSubmitted(reader(this.orm), refund.id, wx.refund_id ?? null, this.clock.now());
    const outcome = await this.apply(refund.id, wx);
    await markRefundSynced(reader(this.orm), refund.id, this.clock.now());
    return outcome?.refund ?? refund;
  }
}
