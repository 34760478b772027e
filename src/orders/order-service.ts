import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../common/tokens';
import { AppError } from '../common/errors';
import { rfc3339, type Clock } from '../common/clock';
import type { Config } from '../config/schema';
import type { Logger } from '../common/logger';
import type { Orm } from '../common/db/orm';
import type { LockService, RateLimiter } from '../common/kv/kv';
import { forUpdate, inTransaction, isUniqueViolation, reader } from '../common/db/sql';
import { newId } from '../common/ids';
import type { CredentialsProvider, ServiceProviderCredentials } from '../wxpay/credentials';
import type { WxpayClient } from '../wxpay/client-port';
import type { AppBinding, TenantView } from '../tenancy/tenant-directory';
import { recordEvent } from '../events/outbox';
import { requestHash } from '../idempotency/request-hash';
import type { PaymentOrderRow } from './order.entity';
import type { CreateOrderInput } from './order-input';
import { findByOutTradeNo, findOrderById, findTenantOrder, insertOrder, markSynced, savePrepay } from './order-repository';
import { applyTransaction, closeOrder, type ApplyOutcome, type TransitionDeps } from './order-state';
import { orderView } from './order-view';
import { paymentParams, type PaymentParams } from './payment-params';
import {
  closeOrder as closeUpstream,
  createJsapiOrder,
  queryOrderByOutTradeNo,
  type PartnerJsapiOrderRequest,
  type PartnerTransaction,
} from '../wxpay/resources';
import { isUpstream } from './upstream-errors';

/** WeChat Pay keeps a prepay_id usable for 2 h; ask again a little before that. */
const PREPAY_TTL_MS = 2 * 3600_000 - 10 * 60_000;

/** The 二清 guard as orders use it (bound by the compliance feature). */
export interface OrderClearingGuard {
  checkOrder(tenant: TenantView, binding: AppBinding): unknown;
}

export interface CreateResult {
  created: boolean;
  order: PaymentOrderRow;
  payment: PaymentParams | null;
}

/**
 * Orders end to end. The order row is written before WeChat Pay is called, so a crash or an
 * upstream failure between the two leaves an order that the same request (or the reconciler)
 * resumes; WeChat Pay deduplicates the retried call by out_trade_no.
 */
@injectable()
export class OrderService {
  private readonly deps: TransitionDeps;

  constructor(
    @inject(TOKENS.Orm) private readonly orm: Orm,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Locks) private readonly locks: LockService,
    @inject(TOKENS.RateLimiter) private readonly limiter: RateLimiter,
    @inject(TOKENS.Credentials) private readonly credentials: CredentialsProvider,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(TOKENS.ClearingGuard) private readonly guard: OrderClearingGuard,
  ) {
    this.deps = { recordEvent, logger };
  }

  /** The service provider's credentials, or 503 when the operator has not configured them. */
  async provider(spMchid: string): Promise<ServiceProviderCredentials> {
    const sp = await this.credentials.get(spMchid);
    if (!sp)
      throw AppError.unavailable(
        `service provider ${spMchid} is not configured; an operator must PUT /admin/v1/service-providers/${spMchid}`,
      );
    return sp;
  }

  /** POST /v1/orders: validates against the tenant, writes the order, places it upstream, signs payment parameters. */
  async create(tenant: TenantView, input: CreateOrderInput): Promise<CreateResult> {
    const binding = tenant.apps.find((a) => a.appid === input.appid);
    if (!binding)
      throw new AppError(
        'APPID_MCHID_NOT_MATCH',
        `appid ${input.appid} is not bound to this sub-merchant; an operator can bind it with POST /admin/v1/tenants/${tenant.id}/apps`,
        { appid: input.appid },
      );
    await this.guard.checkOrder(tenant, binding);
    const now = this.clock.now();
    const expireAt = input.time_expire ? Date.parse(input.time_expire) : now + tenant.orderExpireMinutes * 60_000;
    if (!Number.isFinite(expireAt) || expireAt <= now + 60_000)
      throw AppError.invalid([{ field: 'time_expire', issue: 'must be at least one minute in the future' }]);
    const limit = await this.limiter.hit(`orders:create:${tenant.id}`, this.config.orders.createPerMinutePerTenant, 60_000);
    if (!limit.allowed) throw AppError.rateLimited(limit.retryAfterMs / 1000, 'order creation rate limit for this sub-merchant reached');
    const sp = await this.provider(tenant.spMchid);

    const hash = requestHash(input);
    const candidate: PaymentOrderRow = {
      id: newId('ord'),
      tenant_id: tenant.id,
      sp_mchid: tenant.spMchid,
      sub_mchid: tenant.subMchid,
      out_trade_no: input.out_trade_no,
      appid: input.appid,
      app_side: binding.devMode === 'centralized' ? 'sp' : 'sub',
      payer_openid: input.payer.openid,
      description: input.description,
      amount_total: input.amount.total,
      currency: input.amount.currency,
      attach: input.attach ?? null,
      time_expire: expireAt,
      request_hash: hash,
      trade_state: 'NOTPAY',
      trade_state_desc: null,
      prepay_id: null,
      prepay_at: null,
      transaction_id: null,
      success_time: null,
      payer_total: null,
      bank_type: null,
      refunded_total: 0,
      profit_sharing: input.profit_sharing ? 1 : 0,
      last_synced_at: null,
      created_at: now,
      updated_at: now,
    };
    let order = candidate;
    let created = true;
    try {
      await insertOrder(reader(this.orm), candidate);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await findByOutTradeNo(reader(this.orm), tenant.spMchid, input.out_trade_no);
      // Another tenant's order, or this tenant's with another body: both are a different order.
      if (!existing || existing.tenant_id !== tenant.id || existing.request_hash !== hash)
        throw new AppError(
          'OUT_TRADE_NO_USED',
          `out_trade_no ${input.out_trade_no} is already used by a different order; use a new out_trade_no`,
          { out_trade_no: input.out_trade_no },
        );
      order = existing;
      created = false;
    }
    if (order.trade_state !== 'NOTPAY') return { created, order, payment: null };
    order = await this.ensurePrepay(sp, order);
    if (order.trade_state !== 'NOTPAY' || !order.prepay_id) return { created, order, payment: null };
    return { created, order, payment: paymentParams(order.appid, order.prepay_id, sp.merchantPrivateKey, this.clock.now()) };
  }

  /** The JSAPI body for an order; always the same bytes for the same order, as WeChat Pay's dedup requires. */
  private upstreamBody(sp: ServiceProviderCredentials, o: PaymentOrderRow): PartnerJsapiOrderRequest {
    const own = o.app_side === 'sub';
    return {
      sp_appid: sp.spAppid,
      sp_mchid: o.sp_mchid,
      ...(own ? { sub_appid: o.appid } : {}),
      sub_mchid: o.sub_mchid,
      description: o.description,
      out_trade_no: o.out_trade_no,
      time_expire: rfc3339(o.time_expire),
      ...(o.attach !== null ? { attach: o.attach } : {}),
      notify_url: `${this.config.server.publicBaseUrl}/notify/${o.tenant_id}/transactions`,
      amount: { total: o.amount_total, currency: 'CNY' },
      payer: own ? { sub_openid: o.payer_openid } : { sp_openid: o.payer_openid },
      ...(o.profit_sharing === 1 ? { settle_info: { profit_sharing: true } } : {}),
    };
  }

  /**
   * Makes sure the order has a live prepay_id. One caller per order talks to WeChat Pay (a lock,
   * Redis-backed when configured); concurrent callers wait and reuse its answer.
   */
  private async ensurePrepay(sp: ServiceProviderCredentials, order: PaymentOrderRow): Promise<PaymentOrderRow> {
    const live = (o: PaymentOrderRow) => o.prepay_id !== null && o.prepay_at !== null && this.clock.now() - o.prepay_at < PREPAY_TTL_MS;
    if (live(order)) return order;
    return this.locks.withLock(
      `order:prepay:${order.id}`,
      async () => {
        const fresh = (await findOrderById(reader(this.orm), order.id))!;
        if (fresh.trade_state !== 'NOTPAY' || live(fresh)) return fresh;
        if (this.clock.now() >= fresh.time_expire)
          throw new AppError('ORDER_CLOSED', `order ${fresh.out_trade_no} expired at ${rfc3339(fresh.time_expire)}; create a new order`);
        let prepayId: string;
        try {
          prepayId = (await createJsapiOrder(this.wxpay, sp, this.upstreamBody(sp, fresh))).prepay_id;
        } catch (err) {
          throw await this.explainCreateFailure(sp, fresh, err);
        }
        const now = this.clock.now();
        await savePrepay(reader(this.orm), fresh.id, prepayId, now);
        return { ...fresh, prepay_id: prepayId, prepay_at: now };
      },
      { ttlMs: 60_000, waitMs: 60_000 },
    );
  }

  /** Turns WeChat Pay's refusal of an order into the contract's error, syncing first when the order moved on. */
  private async explainCreateFailure(sp: ServiceProviderCredentials, order: PaymentOrderRow, err: unknown): Promise<unknown> {
    if (isUpstream(err, 'OUT_TRADE_NO_USED'))
      return new AppError(
        'OUT_TRADE_NO_USED',
        `WeChat Pay already holds a different order with out_trade_no ${order.out_trade_no}; use a new out_trade_no`,
        { out_trade_no: order.out_trade_no },
        { cause: err },
      );
    if (isUpstream(err, 'APPID_MCHID_NOT_MATCH'))
      return new AppError(
        'APPID_MCHID_NOT_MATCH',
        `WeChat Pay says appid ${order.appid} is not bound to sub_mchid ${order.sub_mchid}; bind it on the WeChat Pay side, then retry`,
        { appid: order.appid },
        { cause: err },
      );
    if (isUpstream(err, 'ORDER_PAID') || isUpstream(err, 'ORDER_CLOSED')) {
      const synced = await this.sync(sp, order).catch(() => order);
      return new AppError(
        synced.trade_state === 'CLOSED' ? 'ORDER_CLOSED' : 'ORDER_PAID',
        `order ${order.out_trade_no} is already ${synced.trade_state === 'CLOSED' ? 'closed' : 'paid'}`,
        undefined,
        { cause: err },
      );
    }
    return err;
  }

  /** The tenant's order, or 404 (also for another tenant's: its existence is never revealed). */
  async get(tenant: TenantView, outTradeNo: string, sync = false): Promise<PaymentOrderRow> {
    const order = await findTenantOrder(reader(this.orm), tenant.id, tenant.spMchid, outTradeNo);
    if (!order) throw AppError.notFound(`order ${outTradeNo}`);
    if (!sync || order.trade_state !== 'NOTPAY') return order;
    return this.sync(await this.provider(tenant.spMchid), order);
  }

  /**
   * Asks WeChat Pay about the order and applies the answer through the same transition code as
   * notifications. ORDER_NOT_EXIST (never placed upstream) changes nothing.
   */
  async sync(sp: ServiceProviderCredentials, order: PaymentOrderRow): Promise<PaymentOrderRow> {
    let txn: PartnerTransaction;
    try {
      txn = await queryOrderByOutTradeNo(this.wxpay, sp, order.sub_mchid, order.out_trade_no);
    } catch (err) {
      if (isUpstream(err, 'ORDER_NOT_EXIST')) {
        await markSynced(reader(this.orm), order.id, this.clock.now());
        return order;
      }
      throw err;
    }
    const outcome = await this.applyUpstream(order.id, txn);
    if (outcome.result === 'conflict')
      this.logger.warn({ order_id: order.id, reason: outcome.reason }, 'WeChat Pay query disagrees with the local order');
    return outcome.order;
  }

  /** Applies WeChat Pay's account of a transaction to an order in one transaction, with the row locked. */
  async applyUpstream(orderId: string, txn: PartnerTransaction): Promise<ApplyOutcome> {
    return inTransaction(this.orm, async (em) => {
      const locked = (await findOrderById(em, orderId, forUpdate(em)))!;
      const now = this.clock.now();
      const outcome = await applyTransaction(em, this.deps, locked, txn, now);
      // A payment applied just now already set last_synced_at = now in its guarded UPDATE.
      if (outcome.result !== 'applied' || outcome.order.last_synced_at !== now) await markSynced(em, orderId, now);
      return outcome;
    });
  }

  /** POST /v1/orders/{out_trade_no}/payment: fresh parameters for an unpaid, unexpired order (same prepay_id while it lives). */
  async payment(tenant: TenantView, outTradeNo: string): Promise<{ order: PaymentOrderRow; payment: PaymentParams }> {
    const order = await this.get(tenant, outTradeNo);
    this.assertOpen(order);
    if (this.clock.now() >= order.time_expire)
      throw new AppError('ORDER_CLOSED', `order ${outTradeNo} expired at ${rfc3339(order.time_expire)}; create a new order`);
    const sp = await this.provider(tenant.spMchid);
    const ready = await this.ensurePrepay(sp, order);
    this.assertOpen(ready);
    return { order: ready, payment: paymentParams(ready.appid, ready.prepay_id!, sp.merchantPrivateKey, this.clock.now()) };
  }

  private assertOpen(order: PaymentOrderRow): void {
    if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND')
      throw new AppError('ORDER_PAID', `order ${order.out_trade_no} is already paid`);
    if (order.trade_state !== 'NOTPAY')
      throw new AppError('ORDER_CLOSED', `order ${order.out_trade_no} is ${order.trade_state}; create a new order`);
  }

  /** POST /v1/orders/{out_trade_no}/close: closes upstream, then locally; a closed order answers as is. */
  async close(tenant: TenantView, outTradeNo: string): Promise<PaymentOrderRow> {
    const order = await this.get(tenant, outTradeNo);
    if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND')
      throw new AppError('ORDER_PAID', `order ${outTradeNo} is paid; refund it instead of closing it`);
    if (order.trade_state !== 'NOTPAY') return order;
    return this.closeNow(await this.provider(tenant.spMchid), order);
  }

  /** Closes an unpaid order at WeChat Pay and here. A payment that won the race turns into 409 ORDER_PAID. */
  async closeNow(sp: ServiceProviderCredentials, order: PaymentOrderRow): Promise<PaymentOrderRow> {
    try {
      await closeUpstream(this.wxpay, sp, order.sub_mchid, order.out_trade_no);
    } catch (err) {
      // Never placed upstream (the create call failed before WeChat Pay saw it): closing here is enough.
      if (!isUpstream(err, 'ORDER_NOT_EXIST')) {
        if (isUpstream(err, 'ORDER_PAID')) {
          await this.sync(sp, order).catch(() => undefined);
          throw new AppError('ORDER_PAID', `order ${order.out_trade_no} was paid before it could be closed; refund it instead`, undefined, {
            cause: err,
          });
        }
        throw err;
      }
    }
    const outcome = await inTransaction(this.orm, (em) => closeOrder(em, this.deps, order.id, this.clock.now()));
    if (outcome.result === 'conflict' && (outcome.order.trade_state === 'SUCCESS' || outcome.order.trade_state === 'REFUND'))
      throw new AppError('ORDER_PAID', `order ${order.out_trade_no} was paid before it could be closed; refund it instead`);
    return outcome.order;
  }

  /** The order by id for operators (any tenant). */
  async byId(id: string): Promise<PaymentOrderRow> {
    const order = await findOrderById(reader(this.orm), id);
    if (!order) throw AppError.notFound(`order ${id}`);
    return order;
  }

  /** Serialises a create result for the API. */
  static createAnswer(r: CreateResult): { status: number; body: Record<string, unknown> } {
    return { status: r.created ? 201 : 200, body: { order: orderView(r.order), payment: r.payment } };
  }
}
