import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import { rfc3339, type Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import type { Logger } from '../../platform/logging/logger';
import type { LockService, RateLimiter } from '../../platform/kv/kv';
import { isUniqueViolation } from '../../platform/db/sql';
import type { Em } from '../../platform/db/orm';
import { newId } from '../../platform/ids';
import {
  closeOrder as closeUpstream,
  createJsapiOrder,
  createAppOrder,
  createH5Order,
  createNativeOrder,
  type H5SceneInfo,
  queryOrderByOutTradeNo,
  isUpstream,
  type ServiceProviderCredentials,
  type WxpayClient,
  type PartnerJsapiOrderRequest,
  type PartnerTransaction,
} from '@partnerpay/wxpay';
import { ProviderCredentials, assertAppAuthorized, type AppBinding, type TenantView } from '../tenancy';
import { recordEvent } from '../events';
import { requestHash } from '../../platform/idempotency/request-hash';
import type { PaymentOrderRow } from './order.entity';
import { appPayReq, type AppPayReq } from './payment-params';
import type { CreateOrderInput } from './order.input';
import { OrderRepository } from './order.repository';
import { applyTransaction, closeOrder, type ApplyOutcome, type TransitionDeps } from './order.state';
import { orderView } from './order.view';
import { paymentParams, type PaymentParams } from './payment-params';
import { ClientSecrets } from './client-secret';

/** A 付款码 charge can be reversed for 7 days (spec wave3 §3.4). */
export const MICROPAY_REVERSIBLE_MS = 7 * 86_400_000;
/** The first look at a 付款码 charge whose outcome is not final: WeChat Pay advises 5 s. */
export const MICROPAY_FIRST_LOOK_MS = 5_000;

/** WeChat Pay caps time_expire at 15 days after the order. */
const MAX_EXPIRE_MS = 15 * 86_400_000;

/** WeChat Pay keeps a prepay_id usable for 2 h; ask again a little before that. */
const PREPAY_TTL_MS = 2 * 3600_000 - 10 * 60_000;

/**
 * How long the request that inserted an order holds its prepay claim: the Redis lock's TTL before this
 * claim. A WeChat Pay call slower than that lets a duplicate call too, which WeChat Pay answers with the
 * same prepay_id (it deduplicates by out_trade_no); a crashed holder delays a retry by this much at most.
 */
export const PREPAY_CLAIM_MS = 5_000;

/** Orders whose creating request asks WeChat Pay for a prepay_id at once (JSAPI with payer, APP). */
function claimsPrepay(tradeType: CreateOrderInput['trade_type'], payer: CreateOrderInput['payer']): boolean {
  return tradeType === 'APP' || (tradeType === 'JSAPI' && !!payer);
}

/** The 二清 guard as orders use it (TOKENS.ClearingGuard, bound by tenancy). */
export interface OrderClearingGuard {
  checkOrder(tenant: TenantView, binding: AppBinding): unknown;
}

export interface CreateResult {
  created: boolean;
  order: PaymentOrderRow;
  payment: ModePayment | null;
}

/** What the buyer's client needs, per trade_type (API.md "Payment modes"): MICROPAY has none. */
export type ModePayment = PaymentParams | AppPayReq | { code_url: string } | { h5_url: string };

/**
 * Orders end to end. The order row is written before WeChat Pay is called, so a crash or an
 * upstream failure between the two leaves an order that the same request (or the reconciler)
 * resumes; WeChat Pay deduplicates the retried call by out_trade_no.
 */
@injectable()
export class OrderService {
  private readonly deps: TransitionDeps;

  constructor(
    @inject(OrderRepository) private readonly repo: OrderRepository,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Locks) private readonly locks: LockService,
    @inject(TOKENS.RateLimiter) private readonly limiter: RateLimiter,
    @inject(ProviderCredentials) private readonly providers: ProviderCredentials,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(TOKENS.ClearingGuard) private readonly guard: OrderClearingGuard,
    @inject(ClientSecrets) private readonly clientSecrets: ClientSecrets,
  ) {
    this.deps = { recordEvent, logger };
  }

  /** POST /v1/orders: validates against the tenant, writes the order, places it upstream, signs payment parameters. */
  async create(tenant: TenantView, input: CreateOrderInput): Promise<CreateResult> {
    const binding = this.bindingFor(tenant, input);
    assertAppAuthorized(binding, tenant.id);
    await this.guard.checkOrder(tenant, binding);
    const now = this.clock.now();
    // A 付款码 charge has no time_expire: it stays reversible for WeChat Pay's 7 days.
    const micropay = input.trade_type === 'MICROPAY';
    const expireAt = micropay
      ? now + MICROPAY_REVERSIBLE_MS
      : input.time_expire
        ? Date.parse(input.time_expire)
        : now + tenant.orderExpireMinutes * 60_000;
    if (!Number.isFinite(expireAt) || expireAt <= now + 60_000)
      throw AppError.invalid([{ field: 'time_expire', issue: 'must be at least one minute in the future' }]);
    if (expireAt > now + MAX_EXPIRE_MS)
      throw AppError.invalid([{ field: 'time_expire', issue: 'must be at most 15 days ahead (WeChat Pay caps it there)' }]);
    const limit = await this.limiter.hit(`orders:create:${tenant.id}`, tenant.ordersPerMinute, 60_000);
    if (!limit.allowed) throw AppError.rateLimited(limit.retryAfterMs / 1000, 'order creation rate limit for this sub-merchant reached');
    const sp = await this.providers.require(tenant.spMchid);

    // A JSAPI order hashes as it did before trade_type existed, so a retry across the upgrade is the same order.
    // The auth_code is never stored, not even hashed: a replay with another code is the same charge.
    const { trade_type: tradeType, ...rest } = input;
    const hash = requestHash(tradeType === 'JSAPI' ? rest : micropay ? { ...input, payer: undefined } : input);
    const id = newId('ord');
    // A JSAPI order without payer awaits its buyer, who pays it from the mini-program with this secret (/mp/v1).
    const clientSecret = tradeType === 'JSAPI' && !input.payer ? await this.clientSecrets.seal(id) : null;
    const candidate: PaymentOrderRow = {
      id,
      tenantId: tenant.id,
      spMchid: tenant.spMchid,
      subMchid: tenant.subMchid,
      outTradeNo: input.out_trade_no,
      appid: binding.appid,
      tradeType,
      sceneInfo: input.scene_info ? JSON.stringify(input.scene_info) : null,
      // Followed from the start: a charge whose answer was lost (crash, timeout) is asked about too.
      followAt: micropay ? now + MICROPAY_FIRST_LOOK_MS : null,
      appSide: binding.devMode === 'centralized' ? 'sp' : 'sub',
      payerOpenid: input.payer?.openid ?? '',
      clientSecret,
      description: input.description,
      amountTotal: input.amount.total,
      currency: input.amount.currency,
      attach: input.attach ?? null,
      timeExpire: expireAt,
      requestHash: hash,
      tradeState: 'NOTPAY',
      tradeStateDesc: null,
      prepayId: null,
      prepayAt: null,
      // The INSERT is the prepay claim: this request alone asks WeChat Pay, its duplicates wait (ensurePrepay).
      prepayClaimUntil: claimsPrepay(tradeType, input.payer) ? now + PREPAY_CLAIM_MS : null,
      transactionId: null,
      successTime: null,
      payerTotal: null,
      bankType: null,
      refundedTotal: 0,
      profitSharing: input.profit_sharing ? 1 : 0,
      fundsRefunds: 0,
      fundsSplits: 0,
      fundsUnfrozen: 0,
      combineOutTradeNo: null,
      lastSyncedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    let order = candidate;
    let created = true;
    try {
      await this.repo.insert(candidate);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await this.repo.findByOutTradeNo(tenant.spMchid, input.out_trade_no);
      // Another tenant's order, or this tenant's with another body: both are a different order.
      if (!existing || existing.tenantId !== tenant.id || existing.requestHash !== hash)
        throw new AppError(
          'OUT_TRADE_NO_USED',
          `out_trade_no ${input.out_trade_no} is already used by a different order; use a new out_trade_no`,
          { out_trade_no: input.out_trade_no },
        );
      order = existing;
      created = false;
    }
    if (order.tradeType === 'MICROPAY') {
      // Another mode's order under this out_trade_no and this body cannot be (the hash covers trade_type).
      return { created, order, payment: null };
    }
    if (order.tradeState !== 'NOTPAY' || (order.tradeType === 'JSAPI' && !order.payerOpenid)) return { created, order, payment: null };
    return { created, ...(await this.modePayment(sp, order, created)) };
  }

  /**
   * The AppID an order is placed with: the one named, or for NATIVE and MICROPAY without one the
   * tenant's only app, else the ISV's sp_appid (its centralized binding). APP takes only a `type: app` binding.
   */
  private bindingFor(tenant: TenantView, input: CreateOrderInput): AppBinding {
    const mode = input.trade_type;
    if (!input.appid) {
      const only = tenant.apps.length === 1 ? tenant.apps[0] : tenant.apps.find((a) => a.devMode === 'centralized');
      if (!only)
        throw AppError.invalid([{ field: 'appid', issue: `is required: this sub-merchant has several apps and no centralized one` }]);
      return only;
    }
    const binding = tenant.apps.find((a) => a.appid === input.appid);
    if (!binding)
      throw new AppError(
        'APPID_MCHID_NOT_MATCH',
        `appid ${input.appid} is not bound to this sub-merchant; an operator can bind it with POST /admin/v1/tenants/${tenant.id}/apps`,
        { appid: input.appid },
      );
    if (mode === 'APP' && binding.type !== 'app')
      throw AppError.invalid([{ field: 'appid', issue: `must be a mobile app bound with type app; ${input.appid} is a ${binding.type}` }]);
    if (mode === 'JSAPI' && binding.type === 'app')
      throw AppError.invalid([{ field: 'appid', issue: `${input.appid} is a mobile app: use trade_type APP for it` }]);
    return binding;
  }

  /** Places the order upstream in its mode and answers what the buyer's client needs (fresh h5_url each time). */
  private async modePayment(
    sp: ServiceProviderCredentials,
    order: PaymentOrderRow,
    justInserted = false,
  ): Promise<{ order: PaymentOrderRow; payment: ModePayment | null }> {
    if (order.tradeType === 'NATIVE' || order.tradeType === 'H5') {
      const body = this.orderBodyWithoutPayer(sp, order);
      try {
        if (order.tradeType === 'NATIVE') return { order, payment: { code_url: (await createNativeOrder(this.wxpay, sp, body)).code_url } };
        const scene = JSON.parse(order.sceneInfo ?? '{}') as H5SceneInfo;
        return { order, payment: { h5_url: (await createH5Order(this.wxpay, sp, { ...body, scene_info: scene })).h5_url } };
      } catch (err) {
        throw await this.explainCreateFailure(sp, order, err);
      }
    }
    const ready = await this.ensurePrepay(sp, order, justInserted);
    if (ready.tradeState !== 'NOTPAY' || !ready.prepayId) return { order: ready, payment: null };
    const now = this.clock.now();
    const payment =
      ready.tradeType === 'APP'
        ? appPayReq(ready.appid, ready.subMchid, ready.prepayId, sp.merchantPrivateKey, now)
        : paymentParams(ready.appid, ready.prepayId, sp.merchantPrivateKey, now);
    return { order: ready, payment };
  }

  /** The body every mode shares (JSAPI without payer); always the same bytes for the same order, as WeChat Pay's dedup requires. */
  private orderBodyWithoutPayer(sp: ServiceProviderCredentials, o: PaymentOrderRow): Omit<PartnerJsapiOrderRequest, 'payer'> {
    const own = o.appSide === 'sub';
    return {
      sp_appid: sp.spAppid,
      sp_mchid: o.spMchid,
      ...(own ? { sub_appid: o.appid } : {}),
      sub_mchid: o.subMchid,
      description: o.description,
      out_trade_no: o.outTradeNo,
      time_expire: rfc3339(o.timeExpire),
      ...(o.attach != null ? { attach: o.attach } : {}),
      notify_url: `${this.config.server.publicBaseUrl}/notify/${o.tenantId}/transactions`,
      amount: { total: o.amountTotal, currency: 'CNY' },
      ...(o.profitSharing === 1 ? { settle_info: { profit_sharing: true } } : {}),
    };
  }

  /** The JSAPI body for an order; always the same bytes for the same order, as WeChat Pay's dedup requires. */
  private upstreamBody(sp: ServiceProviderCredentials, o: PaymentOrderRow): PartnerJsapiOrderRequest {
    const payer = o.appSide === 'sub' ? { sub_openid: o.payerOpenid } : { sp_openid: o.payerOpenid };
    const { settle_info, ...head } = this.orderBodyWithoutPayer(sp, o);
    // Key order as before the payment modes: the same order sends the same bytes.
    return { ...head, payer, ...(settle_info ? { settle_info } : {}) };
  }

  /** Asks WeChat Pay for a prepay_id in the order's mode (JSAPI or APP). */
  private async prepay(sp: ServiceProviderCredentials, o: PaymentOrderRow): Promise<string> {
    if (o.tradeType === 'APP') return (await createAppOrder(this.wxpay, sp, this.orderBodyWithoutPayer(sp, o))).prepay_id;
    return (await createJsapiOrder(this.wxpay, sp, this.upstreamBody(sp, o))).prepay_id;
  }

  /**
   * Makes sure the order has a live prepay_id. One caller per order talks to WeChat Pay: the request
   * that inserted the order holds the claim its INSERT wrote (prepay_claim_until, no Redis round trip);
   * every other caller takes a lock (Redis-backed when configured), then waits while that claim stands.
   */
  async ensurePrepay(sp: ServiceProviderCredentials, order: PaymentOrderRow, justInserted = false): Promise<PaymentOrderRow> {
    if (this.live(order)) return order;
    // The database decided when the INSERT succeeded: the row and its claim are this request's.
    if (justInserted && order.prepayClaimUntil != null) return this.placePrepay(sp, order, order.prepayClaimUntil);
    return this.locks.withLock(
      `order:prepay:${order.id}`,
      async () => {
        const fresh = justInserted ? order : await this.afterClaim(order.id);
        return this.placePrepay(sp, fresh, null);
      },
      // Short and renewed while held (Redis): after a kill -9 mid-order a retry waits seconds, not a minute.
      { ttlMs: 5_000, waitMs: 60_000 },
    );
  }

  private live(o: PaymentOrderRow): boolean {
    return o.prepayId != null && o.prepayAt != null && this.clock.now() - o.prepayAt < PREPAY_TTL_MS;
  }

  /** The order once no inserting request's prepay claim stands on it (answered, failed, or expired). */
  private async afterClaim(id: string): Promise<PaymentOrderRow> {
    // Bounded in real time too: a test's ManualClock may not move while we wait.
    const deadline = Date.now() + PREPAY_CLAIM_MS;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      const row = (await this.repo.findById(id))!;
      const claimed = row.prepayClaimUntil != null && row.prepayClaimUntil > this.clock.now();
      if (!claimed || this.live(row) || row.tradeState !== 'NOTPAY' || Date.now() >= deadline) return row;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** Asks WeChat Pay for the prepay_id of an open order and saves it (clearing the claim); `claim`: the inserter's, released on failure. */
  private async placePrepay(sp: ServiceProviderCredentials, fresh: PaymentOrderRow, claim: number | null): Promise<PaymentOrderRow> {
    if (fresh.tradeState !== 'NOTPAY' || this.live(fresh)) return fresh;
    if (this.clock.now() >= fresh.timeExpire)
      throw new AppError('ORDER_CLOSED', `order ${fresh.outTradeNo} expired at ${rfc3339(fresh.timeExpire)}; create a new order`);
    let prepayId: string;
    try {
      prepayId = await this.prepay(sp, fresh);
    } catch (err) {
      // A retry of the client's need not wait for the claim to run out.
      if (claim != null) await this.repo.releasePrepayClaim(fresh.id, claim).catch(() => undefined);
      const settled = isUpstream(err, 'OUT_TRADE_NO_USED') ? await this.afterOutTradeNoUsed(sp, fresh, (o) => this.live(o)) : undefined;
      if (settled) return settled;
      throw await this.explainCreateFailure(sp, fresh, err);
    }
    const now = this.clock.now();
    // Shares its UPDATE (and commit) with the other orders answered in this turn; the answer waits for it.
    await this.repo.savePrepayBatched(fresh.id, prepayId, now);
    return { ...fresh, prepayId, prepayAt: now, prepayClaimUntil: null };
  }

  /**
   * WeChat Pay answered OUT_TRADE_NO_USED for our own order: when two nodes raced past the prepay
   * lock (a stalled Redis), the other node's call may have placed it a moment ago, or the buyer has
   * paid it since. Re-read the row for the prepay_id the other node saves (a few bounded looks) and
   * ask WeChat Pay once how the order stands; undefined when neither explains it (a different order
   * holds the number upstream: the caller answers 409 OUT_TRADE_NO_USED).
   */
  private async afterOutTradeNoUsed(
    sp: ServiceProviderCredentials,
    order: PaymentOrderRow,
    live: (o: PaymentOrderRow) => boolean,
  ): Promise<PaymentOrderRow | undefined> {
    for (let look = 0; look < 5; look++) {
      const row = await this.repo.findById(order.id);
      if (row && (live(row) || row.tradeState !== 'NOTPAY')) return row;
      if (look === 0) {
        const synced = await this.sync(sp, row ?? order).catch(() => undefined);
        if (synced && synced.tradeState !== 'NOTPAY') return synced;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return undefined;
  }

  /** Turns WeChat Pay's refusal of an order into the contract's error, syncing first when the order moved on. */
  private async explainCreateFailure(sp: ServiceProviderCredentials, order: PaymentOrderRow, err: unknown): Promise<unknown> {
    if (isUpstream(err, 'OUT_TRADE_NO_USED'))
      return new AppError(
        'OUT_TRADE_NO_USED',
        `WeChat Pay already holds a different order with out_trade_no ${order.outTradeNo}; use a new out_trade_no`,
        { out_trade_no: order.outTradeNo },
        { cause: err },
      );
    if (isUpstream(err, 'APPID_MCHID_NOT_MATCH'))
      return new AppError(
        'APPID_MCHID_NOT_MATCH',
        `WeChat Pay says appid ${order.appid} is not bound to sub_mchid ${order.subMchid}; bind it on the WeChat Pay side, then retry`,
        { appid: order.appid },
        { cause: err },
      );
    if (isUpstream(err, 'ORDER_PAID') || isUpstream(err, 'ORDER_CLOSED')) {
      const synced = await this.sync(sp, order).catch(() => order);
      return new AppError(
        synced.tradeState === 'CLOSED' ? 'ORDER_CLOSED' : 'ORDER_PAID',
        `order ${order.outTradeNo} is already ${synced.tradeState === 'CLOSED' ? 'closed' : 'paid'}`,
        undefined,
        { cause: err },
      );
    }
    return err;
  }

  /** The tenant's order, or 404 (also for another tenant's: its existence is never revealed). */
  async get(tenant: TenantView, outTradeNo: string, sync = false): Promise<PaymentOrderRow> {
    const order = await this.repo.findTenantOrder(tenant.id, tenant.spMchid, outTradeNo);
    if (!order) throw AppError.notFound(`order ${outTradeNo}`);
    if (!sync || order.tradeState !== 'NOTPAY') return order;
    await this.assertSyncAllowed(tenant);
    return this.sync(await this.providers.require(tenant.spMchid), order);
  }

  /**
   * ?sync=true spends the provider's one WeChat Pay query quota, shared by all its tenants: each
   * tenant gets orders.syncPerMinutePerTenant of them (orders and refunds together), then 429.
   */
  async assertSyncAllowed(tenant: TenantView): Promise<void> {
    const r = await this.limiter.hit(`wxpay:sync:${tenant.id}`, this.config.orders.syncPerMinutePerTenant, 60_000);
    if (!r.allowed)
      throw AppError.rateLimited(r.retryAfterMs / 1000, 'sync=true rate limit for this sub-merchant reached; read without sync');
  }

  /**
   * Asks WeChat Pay about the order and applies the answer through the same transition code as
   * notifications. ORDER_NOT_EXIST (never placed upstream) changes nothing.
   */
  async sync(sp: ServiceProviderCredentials, order: PaymentOrderRow): Promise<PaymentOrderRow> {
    let txn: PartnerTransaction;
    try {
      txn = await queryOrderByOutTradeNo(this.wxpay, sp, order.subMchid, order.outTradeNo);
    } catch (err) {
      if (isUpstream(err, 'ORDER_NOT_EXIST')) {
        await this.repo.markSynced(order.id, this.clock.now());
        return order;
      }
      throw err;
    }
    const outcome = await this.applyUpstream(order.id, txn);
    if (outcome.result === 'conflict')
      this.logger.warn({ order_id: order.id, reason: outcome.reason }, 'WeChat Pay query disagrees with the local order');
    return outcome.order;
  }

  /**
   * Applies WeChat Pay's account of a transaction to an order in one transaction. The guarded UPDATE
   * takes the row lock, so the order is read without one: `known` (the caller's read of it) saves even
   * that read; what the cross-check compares (merchant, out_trade_no, amount) never changes.
   */
  async applyUpstream(orderId: string, txn: PartnerTransaction, known?: PaymentOrderRow): Promise<ApplyOutcome> {
    return this.repo.db.tx((em) => this.applyUpstreamIn(em, orderId, txn, known));
  }

  /** applyUpstream inside the caller's transaction (notifications commit their log row with it). */
  async applyUpstreamIn(em: Em, orderId: string, txn: PartnerTransaction, known?: PaymentOrderRow): Promise<ApplyOutcome> {
    const order = known ?? (await this.repo.findById(orderId, em))!;
    const now = this.clock.now();
    const outcome = await applyTransaction(em, this.deps, order, txn, now);
    // A payment applied just now already set last_synced_at = now in its guarded UPDATE.
    if (outcome.result !== 'applied' || outcome.order.lastSyncedAt !== now) await this.repo.markSynced(orderId, now, em);
    return outcome;
  }

  /** POST /v1/orders/{out_trade_no}/payment: fresh parameters for an unpaid, unexpired order (same prepay_id while it lives). */
  async payment(tenant: TenantView, outTradeNo: string): Promise<{ order: PaymentOrderRow; payment: ModePayment }> {
    const order = await this.get(tenant, outTradeNo);
    this.assertOpen(order);
    this.assertNotCombined(order, 'paid');
    if (order.tradeType === 'MICROPAY')
      throw new AppError('CONFLICT', `order ${outTradeNo} is a 付款码 charge: there is nothing for the buyer's client to pay with`);
    if (order.tradeType === 'JSAPI' && !order.payerOpenid)
      throw new AppError(
        'CONFLICT',
        `order ${outTradeNo} awaits its buyer: the mini-program pays it with the order's client_secret ` +
          `(POST /mp/v1/orders/${order.id}/pay)`,
      );
    await this.assertPayable(tenant, order);
    const sp = await this.providers.require(tenant.spMchid);
    const r = await this.modePayment(sp, order);
    this.assertOpen(r.order);
    return { order: r.order, payment: r.payment! };
  }

  /**
   * The checks every payment of an existing order runs before WeChat Pay is asked (the tenant's
   * POST /payment and the mini-program's /mp/v1 pay alike): the AppID is still bound and authorised,
   * the 二清 guard agrees, and the order has not expired. Answers the binding.
   */
  async assertPayable(tenant: TenantView, order: PaymentOrderRow): Promise<AppBinding> {
    // The AppID may have been unbound (or the tenant re-checked by the 二清 guard) since the order was made.
    const binding = tenant.apps.find((a) => a.appid === order.appid);
    if (!binding)
      throw new AppError('APPID_MCHID_NOT_MATCH', `appid ${order.appid} is no longer bound to this sub-merchant; create a new order`, {
        appid: order.appid,
      });
    assertAppAuthorized(binding, tenant.id);
    await this.guard.checkOrder(tenant, binding);
    if (this.clock.now() >= order.timeExpire)
      throw new AppError('ORDER_CLOSED', `order ${order.outTradeNo} expired at ${rfc3339(order.timeExpire)}; create a new order`);
    return binding;
  }

  /** 409 CONFLICT for a 合单 sub-order: it is paid and closed only with its combined order (refunds and splits are its own). */
  private assertNotCombined(order: PaymentOrderRow, what: 'paid' | 'closed'): void {
    if (order.combineOutTradeNo)
      throw new AppError(
        'CONFLICT',
        `order ${order.outTradeNo} is a sub-order of combined order ${order.combineOutTradeNo}: it is ${what} only with it ` +
          `(POST /platform/v1/combined-orders/${order.combineOutTradeNo}${what === 'closed' ? '/close' : ''})`,
      );
  }

  /** 409 ORDER_PAID / ORDER_CLOSED unless the order is open. */
  assertOpen(order: PaymentOrderRow): void {
    if (order.tradeState === 'SUCCESS' || order.tradeState === 'REFUND')
      throw new AppError('ORDER_PAID', `order ${order.outTradeNo} is already paid`);
    if (order.tradeState !== 'NOTPAY')
      throw new AppError('ORDER_CLOSED', `order ${order.outTradeNo} is ${order.tradeState}; create a new order`);
  }

  /** POST /v1/orders/{out_trade_no}/close: closes upstream, then locally; a closed order answers as is. */
  async close(tenant: TenantView, outTradeNo: string): Promise<PaymentOrderRow> {
    const order = await this.get(tenant, outTradeNo);
    if (order.tradeState === 'SUCCESS' || order.tradeState === 'REFUND')
      throw new AppError('ORDER_PAID', `order ${outTradeNo} is paid; refund it instead of closing it`);
    this.assertNotCombined(order, 'closed');
    if (order.tradeType === 'MICROPAY')
      throw new AppError(
        'CONFLICT',
        `order ${outTradeNo} is a 付款码 charge: reverse it (POST /v1/orders/${outTradeNo}/reverse) instead of closing it`,
      );
    if (order.tradeState !== 'NOTPAY') return order;
    return this.closeNow(await this.providers.require(tenant.spMchid), order);
  }

  /** Closes an unpaid order at WeChat Pay and here. A payment that won the race turns into 409 ORDER_PAID. */
  async closeNow(sp: ServiceProviderCredentials, order: PaymentOrderRow): Promise<PaymentOrderRow> {
    try {
      await closeUpstream(this.wxpay, sp, order.subMchid, order.outTradeNo);
    } catch (err) {
      // Never placed upstream (the create call failed before WeChat Pay saw it): closing here is enough.
      if (!isUpstream(err, 'ORDER_NOT_EXIST')) {
        if (isUpstream(err, 'ORDER_PAID')) {
          await this.sync(sp, order).catch(() => undefined);
          throw new AppError('ORDER_PAID', `order ${order.outTradeNo} was paid before it could be closed; refund it instead`, undefined, {
            cause: err,
          });
        }
        throw err;
      }
    }
    const outcome = await this.repo.db.tx((em) => closeOrder(em, this.deps, order.id, this.clock.now()));
    if (outcome.result === 'conflict' && (outcome.order.tradeState === 'SUCCESS' || outcome.order.tradeState === 'REFUND'))
      throw new AppError('ORDER_PAID', `order ${order.outTradeNo} was paid before it could be closed; refund it instead`);
    return outcome.order;
  }

  /** Moves an order WeChat Pay has closed (a 合单 sub-order closed with its combined order) to CLOSED here, once. */
  async closeLocally(orderId: string): Promise<PaymentOrderRow> {
    return (await this.repo.db.tx((em) => closeOrder(em, this.deps, orderId, this.clock.now()))).order;
  }

  /** The order by id for operators (any tenant). */
  async byId(id: string): Promise<PaymentOrderRow> {
    const order = await this.repo.findById(id);
    if (!order) throw AppError.notFound(`order ${id}`);
    return order;
  }

  /** The tenant's view of an order: orderView plus, for orders awaiting (or bound to) a mini-program buyer, its client_secret. */
  async tenantView(order: PaymentOrderRow): Promise<ReturnType<typeof orderView> & { client_secret?: string }> {
    const view = orderView(order);
    const secret = await this.clientSecrets.reveal(order);
    return secret === null ? view : { ...view, client_secret: secret };
  }

  /** Serialises a create result for the API. */
  static createAnswer(r: CreateResult) {
    return { status: r.created ? 201 : 200, body: { order: orderView(r.order), payment: r.payment } };
  }
}
