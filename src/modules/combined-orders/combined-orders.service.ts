import { inject, injectable } from 'tsyringe';
import {
  closeCombineOrder,
  createCombineOrder,
  isUpstream,
  queryCombineOrder,
  type CombineSubTransaction,
  type CombineTransaction,
  type PartnerTransaction,
  type ServiceProviderCredentials,
  type WxpayClient,
} from '@partnerpay/wxpay';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import { rfc3339, type Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import type { RateLimiter } from '../../platform/kv/kv';
import type { Em } from '../../platform/db/orm';
import { isUniqueViolation } from '../../platform/db/sql';
import { newId } from '../../platform/ids';
import { requestHash } from '../../platform/idempotency/request-hash';
import { ProviderCredentials, SecondaryClearingGuard, type TenantDirectory, type TenantView } from '../tenancy';
import { appPayReq, OrderRepository, OrderService, paymentParams, type PaymentOrderRow } from '../payments';
import type { CombinedOrderRow } from './combined-order.entity';
import { CombinedOrderRepository } from './combined-order.repository';
import type { CreateCombinedOrderInput } from './combined-order.input';
import type { PlatformCaller } from './platform-auth';

/** A combined order is payable as long as its sub-orders: 2 h by default, like an ordinary order's prepay_id. */
const DEFAULT_EXPIRE_MS = 2 * 3600_000;
/** WeChat Pay keeps a prepay_id usable for 2 h; ask again a little before that. */
const PREPAY_TTL_MS = 2 * 3600_000 - 10 * 60_000;

/** A combined order's state, derived from its sub-orders: PARTIAL when they ended differently. */
export type CombinedState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'PARTIAL';

export interface CombinedOrder {
  head: CombinedOrderRow;
  subs: PaymentOrderRow[];
}

const paid = (o: PaymentOrderRow) => o.tradeState === 'SUCCESS' || o.tradeState === 'REFUND';

/** The combined order's state from its sub-orders. */
export function combinedState(subs: PaymentOrderRow[]): CombinedState {
  if (subs.every(paid)) return 'SUCCESS';
  if (subs.every((o) => o.tradeState === 'CLOSED')) return 'CLOSED';
  if (subs.some((o) => o.tradeState === 'NOTPAY')) return 'NOTPAY';
  return 'PARTIAL';
}

/**
 * 合单 (API.md "Combined orders"): one upstream combine order of the provider over sub-orders of its
 * tenants. Each sub-order is an ordinary payment_order row of its tenant (payments applies every
 * state change to it, records its events and refunds it); this service places, queries and closes
 * them together. Rows are written before WeChat Pay is called, as for ordinary orders.
 */
@injectable()
export class CombinedOrdersService {
  constructor(
    @inject(CombinedOrderRepository) private readonly heads: CombinedOrderRepository,
    @inject(OrderRepository) private readonly orders: OrderRepository,
    @inject(OrderService) private readonly orderService: OrderService,
    @inject(ProviderCredentials) private readonly providers: ProviderCredentials,
    @inject(TOKENS.Tenants) private readonly tenants: TenantDirectory,
    @inject(TOKENS.ClearingGuard) private readonly guard: SecondaryClearingGuard,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.RateLimiter) private readonly limiter: RateLimiter,
  ) {}

  /** POST /platform/v1/combined-orders: checks every tenant (二清 guard), writes the rows, places the 合单, signs the payment. */
  async create(
    caller: PlatformCaller,
    input: CreateCombinedOrderInput,
  ): Promise<{ created: boolean; order: CombinedOrder; payment: unknown }> {
    const tenants: TenantView[] = [];
    for (const s of input.sub_orders)
      tenants.push(await this.guard.checkCombineSubOrder(caller.spMchid, s.tenant_id, await this.tenants.byId(s.tenant_id)));
    const sp = await this.providers.require(caller.spMchid);
    const now = this.clock.now();
    const hash = requestHash(input);
    const head: CombinedOrderRow = {
      id: newId('cmb'),
      spMchid: caller.spMchid,
      combineOutTradeNo: input.combine_out_trade_no,
      tradeType: input.trade_type,
      payerOpenid: input.payer?.openid ?? '',
      sceneInfo: input.scene_info ? JSON.stringify(input.scene_info) : null,
      requestHash: hash,
      subOrders: JSON.stringify(input.sub_orders.map((s) => s.out_trade_no)),
      prepayId: null,
      prepayAt: null,
      codeUrl: null,
      timeExpire: now + DEFAULT_EXPIRE_MS,
      createdAt: now,
      updatedAt: now,
    };
    const subs: PaymentOrderRow[] = input.sub_orders.map((s, i) => ({
      id: newId('ord'),
      tenantId: tenants[i].id,
      spMchid: caller.spMchid,
      subMchid: tenants[i].subMchid,
      outTradeNo: s.out_trade_no,
      appid: sp.spAppid,
      tradeType: input.trade_type,
      sceneInfo: head.sceneInfo,
      followAt: null,
      appSide: 'sp',
      payerOpenid: input.payer?.openid ?? '',
      clientSecret: null,
      description: s.description,
      amountTotal: s.amount.total,
      currency: s.amount.currency,
      attach: s.attach ?? null,
      timeExpire: head.timeExpire,
      requestHash: requestHash(s),
      tradeState: 'NOTPAY',
      tradeStateDesc: null,
      prepayId: null,
      prepayAt: null,
      prepayClaimUntil: null,
      transactionId: null,
      successTime: null,
      payerTotal: null,
      bankType: null,
      refundedTotal: 0,
      profitSharing: s.profit_sharing ? 1 : 0,
      fundsRefunds: 0,
      fundsSplits: 0,
      fundsUnfrozen: 0,
      combineOutTradeNo: input.combine_out_trade_no,
      lastSyncedAt: null,
      createdAt: now + i,
      updatedAt: now,
    }));
    let order: CombinedOrder = { head, subs };
    let created = true;
    try {
      await this.orders.db.tx(async (em) => {
        await this.heads.insert(em, head);
        for (const o of subs) await this.orders.insert(o, em);
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await this.find(caller.spMchid, input.combine_out_trade_no);
      if (!existing)
        throw new AppError(
          'OUT_TRADE_NO_USED',
          `a sub-order's out_trade_no is already used by another order of this provider; use new ones`,
          undefined,
          { cause: err },
        );
      if (existing.head.requestHash !== hash)
        throw new AppError(
          'OUT_TRADE_NO_USED',
          `combine_out_trade_no ${input.combine_out_trade_no} is already used by a different combined order; use a new one`,
          { combine_out_trade_no: input.combine_out_trade_no },
        );
      order = existing;
      created = false;
    }
    if (combinedState(order.subs) !== 'NOTPAY' || order.subs.some((o) => o.tradeState !== 'NOTPAY'))
      return { created, order, payment: null };
    return { created, ...(await this.pay(sp, order)) };
  }

  /** Places (or with the identical body, places again) the 合单 upstream and answers what the buyer's client needs. */
  private async pay(sp: ServiceProviderCredentials, order: CombinedOrder): Promise<{ order: CombinedOrder; payment: unknown }> {
    const { head } = order;
    const now = this.clock.now();
    if (head.tradeType === 'NATIVE' && head.codeUrl) return { order, payment: { code_url: head.codeUrl } };
    const live = head.prepayId != null && head.prepayAt != null && now - head.prepayAt < PREPAY_TTL_MS;
    let prepayId = live ? head.prepayId! : undefined;
    if (!prepayId) {
      let answer: { prepay_id?: string; code_url?: string; h5_url?: string };
      try {
        answer = await createCombineOrder(this.wxpay, sp, head.tradeType, this.upstreamBody(sp, order));
      } catch (err) {
        if (isUpstream(err, 'OUT_TRADE_NO_USED'))
          throw new AppError(
            'OUT_TRADE_NO_USED',
            `WeChat Pay already holds a different order with combine_out_trade_no ${head.combineOutTradeNo} ` +
              "or with one of its sub-orders' out_trade_no; use new numbers",
            { combine_out_trade_no: head.combineOutTradeNo },
            { cause: err },
          );
        if (isUpstream(err, 'ORDER_PAID') || isUpstream(err, 'ORDER_CLOSED')) {
          const synced = await this.sync(sp, order).catch(() => order);
          throw new AppError(
            combinedState(synced.subs) === 'CLOSED' ? 'ORDER_CLOSED' : 'ORDER_PAID',
            `combined order ${head.combineOutTradeNo} is no longer payable`,
            undefined,
            { cause: err },
          );
        }
        throw err;
      }
      if (head.tradeType === 'H5') return { order, payment: { h5_url: answer.h5_url } };
      if (head.tradeType === 'NATIVE') {
        await this.heads.setPayment(head.id, { codeUrl: answer.code_url ?? null }, now);
        return { order: { ...order, head: { ...head, codeUrl: answer.code_url ?? null } }, payment: { code_url: answer.code_url } };
      }
      prepayId = answer.prepay_id!;
      await this.heads.setPayment(head.id, { prepayId, prepayAt: now }, now);
      order = { ...order, head: { ...head, prepayId, prepayAt: now } };
    }
    // Signed for the provider's AppID: the buyer pays in the ISV's own (centralized) mini-program or app.
    const payment =
      head.tradeType === 'APP'
        ? appPayReq(sp.spAppid, sp.spMchid, prepayId, sp.merchantPrivateKey, now)
        : paymentParams(sp.spAppid, prepayId, sp.merchantPrivateKey, now);
    return { order, payment };
  }

  /** The upstream body, rebuilt from the rows: the same bytes each time, as WeChat Pay's dedup requires. */
  private upstreamBody(sp: ServiceProviderCredentials, { head, subs }: CombinedOrder) {
    const scene = head.sceneInfo
      ? (JSON.parse(head.sceneInfo) as { payer_client_ip: string; h5_info?: Record<string, string> })
      : undefined;
    return {
      combine_appid: sp.spAppid,
      combine_mchid: head.spMchid,
      combine_out_trade_no: head.combineOutTradeNo,
      ...(scene ? { scene_info: scene } : {}),
      sub_orders: subs.map((o) => ({
        mchid: head.spMchid,
        sub_mchid: o.subMchid,
        // attach is required in a 合单 sub-order: one left out is sent as the out_trade_no (WeChat Pay only echoes it back).
        attach: o.attach ?? o.outTradeNo,
        amount: { total_amount: o.amountTotal, currency: 'CNY' as const },
        out_trade_no: o.outTradeNo,
        description: o.description,
        ...(o.profitSharing === 1 ? { settle_info: { profit_sharing: true } } : {}),
      })),
      ...(head.payerOpenid ? { combine_payer_info: { openid: head.payerOpenid } } : {}),
      time_expire: rfc3339(head.timeExpire),
      notify_url: `${this.config.server.publicBaseUrl}/notify/sp/${head.spMchid}/combine-transactions`,
    };
  }

  /** The provider's combined order with its sub-orders, or undefined. */
  async find(spMchid: string, combineOutTradeNo: string, em?: Em): Promise<CombinedOrder | undefined> {
    const head = await this.heads.find(spMchid, combineOutTradeNo, em);
    if (!head) return undefined;
    return { head, subs: await this.orders.findByCombine(spMchid, combineOutTradeNo, em) };
  }

  /** GET /platform/v1/combined-orders/{n}: 404 for another provider's; sync=true asks WeChat Pay first. */
  async get(caller: PlatformCaller, combineOutTradeNo: string, sync = false): Promise<CombinedOrder> {
    const order = await this.find(caller.spMchid, combineOutTradeNo);
    if (!order) throw AppError.notFound(`combined order ${combineOutTradeNo}`);
    if (!sync || combinedState(order.subs) !== 'NOTPAY') return order;
    // Spends the provider's WeChat Pay query quota like a tenant's ?sync=true: orders.syncPerMinutePerTenant a minute per provider.
    const r = await this.limiter.hit(`wxpay:sync:platform:${caller.spMchid}`, this.config.orders.syncPerMinutePerTenant, 60_000);
    if (!r.allowed)
      throw AppError.rateLimited(r.retryAfterMs / 1000, 'sync=true rate limit for this service provider reached; read without sync');
    return this.sync(await this.providers.require(caller.spMchid), order);
  }

  /** Asks WeChat Pay about the 合单 and applies each sub-order's account through payments' transitions. */
  async sync(sp: ServiceProviderCredentials, order: CombinedOrder): Promise<CombinedOrder> {
    let truth: CombineTransaction;
    try {
      truth = await queryCombineOrder(this.wxpay, sp, order.head.combineOutTradeNo);
    } catch (err) {
      if (isUpstream(err, 'ORDER_NOT_EXIST')) return order;
      throw err;
    }
    await this.orders.db.tx((em) => this.applyIn(em, order, truth));
    return (await this.find(order.head.spMchid, order.head.combineOutTradeNo))!;
  }

  /**
   * Applies WeChat Pay's account of the 合单 to every sub-order in the caller's transaction: each
   * through payments' guarded transition (so a duplicate or concurrent copy changes nothing twice, and
   * each tenant gets its own `order.paid`). Returns per sub-order what happened, or the check that failed.
   */
  async applyIn(em: Em, order: CombinedOrder, truth: CombineTransaction): Promise<Array<{ out_trade_no: string; result: string }>> {
    const out: Array<{ out_trade_no: string; result: string }> = [];
    for (const sub of truth.sub_orders ?? []) {
      const row = order.subs.find((o) => o.outTradeNo === sub.out_trade_no);
      if (!row) {
        out.push({ out_trade_no: String(sub.out_trade_no), result: 'unknown_sub_order' });
        continue;
      }
      const r = await this.orderService.applyUpstreamIn(em, row.id, asTransaction(truth, sub), row);
      out.push({ out_trade_no: row.outTradeNo, result: r.result });
    }
    return out;
  }

  /** Applies a verified combine notification and writes its log row in one transaction. */
  async applyWithLog(
    order: CombinedOrder,
    truth: CombineTransaction,
    log: (em: Em, applied: Array<{ out_trade_no: string; result: string }>) => Promise<void>,
  ): Promise<Array<{ out_trade_no: string; result: string }>> {
    return this.orders.db.tx(async (em) => {
      const applied = await this.applyIn(em, order, truth);
      await log(em, applied);
      return applied;
    });
  }

  /**
   * The auto-close of combined orders (the orders reconciler closes single orders only: WeChat Pay
   * closes a sub-order only with its 合单): each expired one with a NOTPAY sub-order is asked about
   * first (a payment that arrived wins), then closed at WeChat Pay and locally (closeIfUnpaid).
   */
  claimExpired(limit = 50): Promise<CombinedOrderRow[]> {
    const { reconcileAfterSeconds, minCloseAgeSeconds } = this.config.orders;
    return this.heads.claimExpiredUnpaid(this.clock.now(), reconcileAfterSeconds * 1000, minCloseAgeSeconds * 1000, limit);
  }

  /** Closes one claimed expired combined order unless WeChat Pay says it was paid (then that is applied instead). */
  async closeIfUnpaid(head: CombinedOrderRow): Promise<'closed' | 'paid'> {
    const sp = await this.providers.require(head.spMchid);
    const synced = await this.sync(sp, { head, subs: await this.orders.findByCombine(head.spMchid, head.combineOutTradeNo) });
    if (synced.subs.some(paid)) return 'paid';
    try {
      await this.closeUnpaid(sp, synced);
    } catch (err) {
      // Paid between the query and the close: closeUnpaid applied WeChat Pay's account of it.
      if (err instanceof AppError && err.code === 'ORDER_PAID') return 'paid';
      throw err;
    }
    return 'closed';
  }

  /** POST .../close: every sub-order or none; 409 ORDER_PAID when any is paid (refund that one instead). */
  async close(caller: PlatformCaller, combineOutTradeNo: string): Promise<CombinedOrder> {
    const order = await this.get(caller, combineOutTradeNo);
    const paidOne = order.subs.find(paid);
    if (paidOne)
      throw new AppError(
        'ORDER_PAID',
        `sub-order ${paidOne.outTradeNo} of combined order ${combineOutTradeNo} is paid: a combined order closes whole or not at all; ` +
          'its tenant refunds a paid sub-order instead',
      );
    if (order.subs.every((o) => o.tradeState !== 'NOTPAY')) return order;
    return this.closeUnpaid(await this.providers.require(caller.spMchid), order);
  }

  /**
   * Closes an unpaid combined order at WeChat Pay, then each NOTPAY sub-order locally (payments'
   * guarded transition: a sub-order paid meanwhile stays paid). ORDER_PAID upstream: synced, 409.
   */
  async closeUnpaid(sp: ServiceProviderCredentials, order: CombinedOrder): Promise<CombinedOrder> {
    const combineOutTradeNo = order.head.combineOutTradeNo;
    try {
      await closeCombineOrder(
        this.wxpay,
        sp,
        combineOutTradeNo,
        order.subs.map((o) => ({ mchid: o.spMchid, sub_mchid: o.subMchid, out_trade_no: o.outTradeNo })),
      );
    } catch (err) {
      if (isUpstream(err, 'ORDER_PAID')) {
        await this.sync(sp, order).catch(() => undefined);
        throw new AppError('ORDER_PAID', `combined order ${combineOutTradeNo} was paid before it could be closed`, undefined, {
          cause: err,
        });
      }
      // Never placed upstream (its create call failed before WeChat Pay saw it): closing here is enough.
      if (!isUpstream(err, 'ORDER_NOT_EXIST')) throw err;
    }
    for (const o of order.subs) if (o.tradeState === 'NOTPAY') await this.orderService.closeLocally(o.id);
    return (await this.find(order.head.spMchid, combineOutTradeNo))!;
  }
}

/** One sub-order of a combine account in the ordinary Transaction shape payments applies. */
export function asTransaction(c: CombineTransaction, s: CombineSubTransaction): PartnerTransaction {
  return {
    sp_appid: c.combine_appid,
    sp_mchid: s.mchid,
    sub_mchid: s.sub_mchid,
    ...(s.sub_appid ? { sub_appid: s.sub_appid } : {}),
    out_trade_no: s.out_trade_no,
    ...(s.transaction_id ? { transaction_id: s.transaction_id } : {}),
    trade_type: s.trade_type,
    trade_state: s.trade_state,
    ...(s.bank_type ? { bank_type: s.bank_type } : {}),
    ...(s.success_time ? { success_time: s.success_time } : {}),
    ...(s.attach !== undefined ? { attach: s.attach } : {}),
    amount: {
      total: s.amount?.total_amount,
      ...(s.amount?.payer_amount !== undefined ? { payer_total: s.amount.payer_amount } : {}),
      currency: s.amount?.currency,
    },
    ...(c.combine_payer_info?.openid ? { payer: { sp_openid: c.combine_payer_info.openid } } : {}),
  } as PartnerTransaction;
}
