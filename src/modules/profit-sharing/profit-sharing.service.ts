import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import { rfc3339, type Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { KeyValueStore } from '../../platform/kv/kv';
import { isUniqueViolation } from '../../platform/db/sql';
import { newId } from '../../platform/ids';
import { recordEvent } from '../events';
import { requestHash } from '../../platform/idempotency/request-hash';
import {
  isUpstream,
  upstreamCode,
  createReturn,
  createSplit,
  merchantConfig,
  queryReturn,
  querySplit,
  unfreezeSplit,
  type PlatformKeys,
  type WxpayClient,
  type ServiceProviderCredentials,
  type WxReturnOrder,
  type WxSplitOrder,
} from '@partnerpay/wxpay';
import { ProviderCredentials, refuse, TenantsService, type SecondaryClearingGuard, type TenantView } from '../tenancy';
import { FundsLedger, OrderRepository, type Funds, type PaymentOrderRow } from '../payments';
import type { ReturnRow, SplitReceiver, SplitRow } from './profit-sharing.entity';
import type { CreateReturnInput, CreateSplitInput, UnfreezeInput } from './profit-sharing.input';
import { ProfitSharingRepository } from './profit-sharing.repository';
import { SPLITS } from './split.state';
import { RETURNS } from './return.state';
import { returnView, splitView } from './profit-sharing.view';

/** WeChat Pay refuses a split within about a minute of payment (addendum §2.1). */
export const SETTLE_DELAY_MS = 60_000;
/** A split asked for sooner is held until this long after payment (a second over SETTLE_DELAY_MS: success_time is whole seconds). */
export const HOLD_UNTIL_MS = SETTLE_DELAY_MS + 1_000;

/** When WeChat Pay takes splits of a payment: until then a split is accepted, held and sent by the follower. */
export function heldUntil(order: Pick<PaymentOrderRow, 'successTime'>): number {
  return (order.successTime ?? 0) + HOLD_UNTIL_MS;
}
/** 普通服务商: the frozen funds are released automatically 30 days after payment (addendum §2.9). */
export const FREEZE_MS = 30 * 86_400_000;
/** Returns within 180 days of the split (addendum §2.7). */
export const RETURN_WINDOW_MS = 180 * 86_400_000;
/** At most 50 split requests per payment, 50 returns per split (addendum §2.9, §2.7). */
export const MAX_SPLITS = 50;
/** WeChat Pay's merchant-configs answer is cached this long (the database still decides every split). */
export const MAX_RATIO_TTL_MS = 10 * 60_000;
const UNFREEZE_DESCRIPTION = '解冻给分账方';

/** Answers that mean "refused, nothing happened": the reservation is released and the number reusable. */
const DEFINITE_REFUSALS = ['PARAM_ERROR', 'INVALID_REQUEST', 'NOT_ENOUGH', 'NO_AUTH', 'RESOURCE_NOT_EXISTS', 'MCH_NOT_EXISTS'];

/** The split guard's view of the 二清 guard (TOKENS.ClearingGuard, bound by tenancy). */
type Guard = Pick<SecondaryClearingGuard, 'checkProfitSharing'>;

/** 409 ORDER_NOT_SPLITTABLE with the reason in detail. */
function notSplittable(reason: string, message: string, detail: Record<string, unknown> = {}): AppError {
  return new AppError('ORDER_NOT_SPLITTABLE', message, { reason, ...detail });
}

/**
 * Profit sharing (分账): splits, unfreezes, returns and their follow-up. Every request passes the
 * guard before WeChat Pay hears of it: approved receivers, the cumulative cap, the payment's
 * state and time window, all decided under a lock on the payment's row (the same lock refunds
 * take), so concurrent splits and refunds of one payment are serialised.
 */
@injectable()
export class ProfitSharingService {
  constructor(
    @inject(ProfitSharingRepository) private readonly repo: ProfitSharingRepository,
    @inject(OrderRepository) private readonly orderRows: OrderRepository,
    @inject(FundsLedger) private readonly funds: FundsLedger,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Kv) private readonly kv: KeyValueStore,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(TOKENS.PlatformKeys) private readonly keys: PlatformKeys,
    @inject(TOKENS.ClearingGuard) private readonly guard: Guard,
    @inject(ProviderCredentials) private readonly providers: ProviderCredentials,
    @inject(TenantsService) private readonly tenants: TenantsService,
  ) {}

  /** POST /v1/profit-sharing/orders. `created` tells a new split from the same request repeated. */
  async createSplit(tenant: TenantView, input: CreateSplitInput): Promise<{ created: boolean; split: SplitRow }> {
    const order = await this.paidOrder(tenant, input.out_trade_no);
    const amount = input.receivers.reduce((s, r) => s + r.amount, 0);
    // Receivers approved for this tenant, and this request alone within the tenant's ratio (rules receiver_not_approved, ratio_above_cap).
    await this.guard.checkProfitSharing(tenant, {
      receivers: input.receivers,
      ratio: Math.min(10_000, Math.ceil((amount * 10_000) / order.amountTotal)),
    });
    const sp = await this.providers.require(tenant.spMchid);
    const ratio = await this.maxRatio(sp, tenant);
    const hash = requestHash({ kind: 'split', ...input });
    const row = await this.reserveOnce(
      tenant,
      input.out_order_no,
      hash,
      (locked, funds, splits, now) => {
        this.assertTimely(locked, now);
        const split = splits.filter((s) => s.kind === 'split');
        if (split.length >= MAX_SPLITS)
          throw notSplittable('too_many_splits', `order ${locked.outTradeNo} was already split ${MAX_SPLITS} times`);
        this.checkAmounts(locked, funds, amount, ratio);
        return Promise.resolve({
          kind: 'split' as const,
          amount,
          receivers: input.receivers.map((r) => ({
            ...r,
            result: 'PENDING' as const,
            fail_reason: null,
            detail_id: null,
            finish_time: null,
          })),
          unfreezeUnsplit: input.unfreeze_unsplit,
          description: null,
          // Within WeChat Pay's first minute: held, and sent by the follower once it may be (contract: Profit sharing).
          ...(now < heldUntil(locked) ? { nextPollAt: heldUntil(locked) } : {}),
        });
      },
      order,
    );
    if (row.split.state !== 'RESERVED' || this.clock.now() < heldUntil(order)) return row;
    return { created: row.created, split: await this.submit(sp, row.split) };
  }

  /** POST /v1/profit-sharing/unfreeze: releases what is left frozen to the sub-merchant; no split after it. */
  async unfreeze(tenant: TenantView, input: UnfreezeInput): Promise<{ created: boolean; split: SplitRow }> {
    const order = await this.paidOrder(tenant, input.out_trade_no);
    const sp = await this.providers.require(tenant.spMchid);
    const hash = requestHash({ kind: 'unfreeze', ...input });
    const row = await this.reserveOnce(
      tenant,
      input.out_order_no,
      hash,
      async (locked, funds) => {
        if (funds.refunds >= funds.paid)
          throw notSplittable('fully_refunded', `order ${locked.outTradeNo} is fully refunded; nothing is frozen`);
        return { kind: 'unfreeze' as const, amount: 0, receivers: [], unfreezeUnsplit: true, description: input.description };
      },
      order,
    );
    if (row.split.state !== 'RESERVED') return row;
    return { created: row.created, split: await this.submit(sp, row.split) };
  }

  /** The tenant's paid profit-sharing order, or the reason it cannot be split. */
  private async paidOrder(tenant: TenantView, outTradeNo: string): Promise<PaymentOrderRow> {
    const order = await this.orderRows.findTenantOrder(tenant.id, tenant.spMchid, outTradeNo);
    if (!order) throw new AppError('NOT_FOUND', `order ${outTradeNo} not found`, { field: 'out_trade_no' });
    if (order.profitSharing !== 1)
      throw notSplittable(
        'not_profit_sharing',
        `order ${outTradeNo} was not placed with "profit_sharing": true; WeChat Pay cannot split it`,
      );
    if ((order.tradeState !== 'SUCCESS' && order.tradeState !== 'REFUND') || order.transactionId === null || order.successTime === null)
      throw notSplittable('not_paid', `order ${outTradeNo} is ${order.tradeState}; only paid orders can be split`);
    return order;
  }

  /** Not after the 30-day freeze (one asked for within the first minute is held: see heldUntil). */
  private assertTimely(order: PaymentOrderRow, now: number): void {
    const since = now - order.successTime!;
    if (since >= FREEZE_MS)
      throw notSplittable(
        'freeze_expired',
        `order ${order.outTradeNo} was paid over 30 days ago; WeChat Pay has released its frozen funds`,
      );
  }

  /** The cumulative cap and the unsplit remainder, from the funds ledger with the payment's row locked. */
  private checkAmounts(order: PaymentOrderRow, funds: Funds, amount: number, ratio: number): void {
    const refunded = funds.refunds;
    if (refunded >= order.amountTotal) throw notSplittable('fully_refunded', `order ${order.outTradeNo} is fully refunded`);
    const already = funds.splits;
    const cap = Math.floor((order.amountTotal * ratio) / 10_000);
    if (already + amount > cap)
      throw refuse(
        'ratio_above_cap',
        `splitting ${amount} fen after ${already} fen already split would exceed ${ratio / 100}% ` +
          `of the ${order.amountTotal} fen paid (${cap} fen)`,
        { max_ratio: ratio, cap, already_split: already, requested: amount },
      );
    const unsplit = order.amountTotal - refunded - already;
    if (amount > unsplit)
      throw notSplittable('amount_above_unsplit', `only ${unsplit} fen of order ${order.outTradeNo} is still frozen and unsplit`, {
        field: 'receivers',
        unsplit,
        requested: amount,
      });
  }

  /**
   * The row for out_order_no: the existing one when the request is the same (another body is 409),
   * else a new one written under the payment's row lock after `decide` accepted it.
   */
  private async reserveOnce(
    tenant: TenantView,
    outOrderNo: string,
    hash: string,
    decide: (
      locked: PaymentOrderRow,
      funds: Funds,
      splits: SplitRow[],
      now: number,
    ) => Promise<Pick<SplitRow, 'kind' | 'amount' | 'receivers' | 'unfreezeUnsplit' | 'description'> & { nextPollAt?: number }>,
    order: PaymentOrderRow,
  ): Promise<{ created: boolean; split: SplitRow }> {
    const same = (s: SplitRow | undefined) => {
      if (!s) return undefined;
      if (s.tenantId !== tenant.id || s.requestHash !== hash)
        throw new AppError(
          'OUT_ORDER_NO_USED',
          `out_order_no ${outOrderNo} is already used by a different request; use a new out_order_no`,
          {
            field: 'out_order_no',
          },
        );
      return s;
    };
    const existing = same(await this.repo.split(tenant.spMchid, outOrderNo));
    if (existing) return { created: false, split: existing };
    try {
      const split = await this.repo.db.tx(async (em) => {
        const funds = await this.funds.lock(em, order.id);
        const locked = (await this.orderRows.findById(order.id, em))!;
        if (funds.unfrozen)
          throw notSplittable('unfrozen', `order ${locked.outTradeNo} was unfrozen; its remaining funds went to the sub-merchant`);
        const splits = await this.repo.splitsOfOrder(em, locked.id);
        const now = this.clock.now();
        const d = await decide(locked, funds, splits, now);
        // The checks above explain a refusal; the ledger's guarded UPDATEs are what hold the line.
        const reserved =
          (d.kind !== 'split' || (await this.funds.reserve(em, locked.id, 'split', d.amount))) &&
          (!(d.kind === 'unfreeze' || d.unfreezeUnsplit) || (await this.funds.reserveUnfreeze(em, locked.id)));
        if (!reserved) throw new Error(`the funds ledger refused ${outOrderNo} that its totals allowed`);
        const row: SplitRow = {
          id: newId('pso'),
          tenantId: tenant.id,
          orderId: locked.id,
          spMchid: tenant.spMchid,
          subMchid: tenant.subMchid,
          outTradeNo: locked.outTradeNo,
          transactionId: locked.transactionId!,
          outOrderNo,
          wxOrderId: null,
          state: 'RESERVED',
          nextPollAt: now + 15_000,
          ...d,
          requestHash: hash,
          attempts: 0,
          leaseUntil: 0,
          finishedAt: null,
          createdAt: now,
          updatedAt: now,
        };
        await this.repo.insertSplit(em, row);
        return row;
      });
      return { created: true, split };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return { created: false, split: same(await this.repo.split(tenant.spMchid, outOrderNo))! };
    }
  }

  /** The ratio WeChat Pay holds for the sub-merchant, min'd with the tenant's (both in 万分比). */
  private async maxRatio(sp: ServiceProviderCredentials, tenant: TenantView): Promise<number> {
    const own = (await this.tenants.get(tenant.id)).profit_sharing.max_ratio;
    const key = `ps:max_ratio:${sp.spMchid}:${tenant.subMchid}`;
    const cached = await this.kv.get(key);
    let wx = Number(cached);
    if (!cached) {
      wx = (await merchantConfig(this.wxpay, sp, tenant.subMchid)).max_ratio;
      await this.kv.set(key, String(wx), MAX_RATIO_TTL_MS);
    }
    return Math.min(own, wx);
  }

  /** Sends a reserved split or unfreeze to WeChat Pay; a definite refusal releases the reservation. */
  private async submit(sp: ServiceProviderCredentials, split: SplitRow): Promise<SplitRow> {
    let answer: WxSplitOrder;
    try {
      if (split.kind === 'unfreeze')
        answer = await unfreezeSplit(this.wxpay, sp, {
          sub_mchid: split.subMchid,
          transaction_id: split.transactionId,
          out_order_no: split.outOrderNo,
          description: split.description ?? '解冻全部剩余资金',
        });
      else {
        const order = (await this.orderRows.findById(split.orderId))!;
        const personalSub = split.receivers.some((r) => r.type === 'PERSONAL_SUB_OPENID');
        // The 2025 page lists Wechatpay-Serial as required for this call (addendum §2.2): always send it.
        const serial = this.keys.encryptionKey ? (await this.keys.encryptionKey(sp)).serial : undefined;
        answer = await createSplit(
          this.wxpay,
          sp,
          {
            sub_mchid: split.subMchid,
            appid: sp.spAppid,
            ...(personalSub && order.appSide === 'sub' ? { sub_appid: order.appid } : {}),
            transaction_id: split.transactionId,
            out_order_no: split.outOrderNo,
            receivers: split.receivers.map((r) => ({ type: r.type, account: r.account, amount: r.amount, description: r.description })),
            unfreeze_unsplit: split.unfreezeUnsplit,
          },
          serial ? { 'Wechatpay-Serial': serial } : {},
        );
      }
    } catch (err) {
      if (DEFINITE_REFUSALS.some((c) => isUpstream(err, c)) && split.kind === 'split' && (await this.wasHeld(split))) {
        // The tenant already has its 201: the refusal is reported like any outcome, as a finished split.
        this.logger.info({ split_id: split.id, upstream_code: upstreamCode(err) }, 'held split refused by WeChat Pay; reported as CLOSED');
        return this.closeRefused(split, upstreamCode(err) ?? 'REFUSED');
      }
      if (DEFINITE_REFUSALS.some((c) => isUpstream(err, c))) {
        await this.repo.db.tx(async (em) => {
          await this.funds.lock(em, split.orderId);
          if (await this.repo.deleteReservedSplit(em, split.id))
            await this.funds.release(em, split.orderId, 'split', split.kind === 'split' ? split.amount : 0, {
              unfreeze: split.kind === 'unfreeze' || split.unfreezeUnsplit,
            });
        });
        this.logger.info({ split_id: split.id, upstream_code: upstreamCode(err) }, 'split refused by WeChat Pay; reservation released');
      }
      throw err;
    }
    return this.applySplit(split, answer);
  }

  /** True for a split accepted while WeChat Pay did not take it yet (asked for within the first minute, held). */
  private async wasHeld(split: SplitRow): Promise<boolean> {
    const order = await this.orderRows.findById(split.orderId);
    return order !== undefined && split.createdAt < heldUntil(order);
  }

  /** A held split WeChat Pay refused: FINISHED, every receiver CLOSED with the refusal's code, its amount released. */
  private async closeRefused(split: SplitRow, code: string): Promise<SplitRow> {
    const finish_time = rfc3339(this.clock.now());
    const out = await this.applySplit(split, {
      sub_mchid: split.subMchid,
      transaction_id: split.transactionId,
      out_order_no: split.outOrderNo,
      order_id: split.wxOrderId ?? '',
      state: 'FINISHED',
      receivers: split.receivers.map(({ type, account, amount, description }) => ({
        type,
        account,
        amount,
        description,
        result: 'CLOSED',
        fail_reason: code,
        finish_time,
      })),
    });
    // Its unfreeze_unsplit never happened either: what stays frozen may still be split or unfrozen.
    if (split.unfreezeUnsplit)
      await this.repo.db.tx(async (em) => {
        await this.funds.lock(em, split.orderId);
        await this.funds.release(em, split.orderId, 'split', 0, { unfreeze: true });
      });
    return out;
  }

  /** Applies WeChat Pay's account of a split: receiver results, and FINISHED with its event once final. */
  async applySplit(split: SplitRow, wx: WxSplitOrder): Promise<SplitRow> {
    const receivers = withResults(split, wx);
    // The 二清 cap counts what partnerpay asked for, never WeChat Pay's echo (an answer without
    // `receivers` must not free the reservation); only a row WeChat Pay CLOSED gives its money back.
    const amount = receivers.filter((r) => !r.unfreeze && r.result !== 'CLOSED').reduce((s, r) => s + r.amount, 0);
    const now = this.clock.now();
    const set = {
      receivers,
      amount,
      wxOrderId: wx.order_id || split.wxOrderId,
      updatedAt: now,
    };
    return this.repo.db.tx(async (em) => {
      // The payment's row first (the order every path takes), then the split as it is now: its final
      // amount replaces what the ledger reserved for it.
      await this.funds.lock(em, split.orderId);
      const before = (await this.repo.splitById(split.id, em))?.amount ?? split.amount;
      const settle = () => (split.kind === 'split' ? this.funds.settleSplit(em, split.orderId, before, amount) : Promise.resolve());
      if (wx.state === 'FINISHED') {
        const out = await SPLITS.transition(em, {
          id: split.id,
          to: 'FINISHED',
          set: { ...set, finishedAt: now },
          onApplied: async (e, row) => {
            await settle();
            await recordEvent(e, { tenantId: row.tenantId, type: 'profit_sharing.finished', data: splitView(row) });
          },
        });
        return out.row;
      }
      if (split.state === 'RESERVED') {
        const out = await SPLITS.transition(em, { id: split.id, to: 'PROCESSING', set, onApplied: () => settle() });
        if (out.result !== 'conflict') return out.row;
      }
      if (await this.repo.updateSplit(em, set, { id: split.id, state: 'PROCESSING' })) await settle();
      return (await this.repo.splitById(split.id, em))!;
    });
  }

  /** GET /v1/profit-sharing/orders/{out_order_no}: own splits only. */
  async getSplit(tenant: TenantView, outOrderNo: string): Promise<SplitRow> {
    const s = await this.repo.split(tenant.spMchid, outOrderNo);
    if (!s || s.tenantId !== tenant.id) throw AppError.notFound(`profit-sharing order ${outOrderNo}`);
    return s;
  }

  /** Queries WeChat Pay about an unfinished split and applies the answer; resubmits one WeChat Pay never received. */
  async followSplit(split: SplitRow): Promise<SplitRow> {
    const sp = await this.providers.require(split.spMchid);
    let wx: WxSplitOrder;
    try {
      wx = await querySplit(this.wxpay, sp, split.subMchid, split.transactionId, split.outOrderNo);
    } catch (err) {
      if (isUpstream(err, 'RESOURCE_NOT_EXISTS') && split.state === 'RESERVED') return this.submit(sp, split);
      throw err;
    }
    return this.applySplit(split, wx);
  }

  /** POST /v1/profit-sharing/returns: pulls (part of) a merchant receiver's share back to the sub-merchant. */
  async createReturn(tenant: TenantView, input: CreateReturnInput): Promise<{ created: boolean; ret: ReturnRow }> {
    const split = await this.repo.split(tenant.spMchid, input.out_order_no);
    if (!split || split.tenantId !== tenant.id || split.kind !== 'split')
      throw new AppError('NOT_FOUND', `profit-sharing order ${input.out_order_no} not found`, { field: 'out_order_no' });
    const sp = await this.providers.require(tenant.spMchid);
    const hash = requestHash({ kind: 'return', ...input });
    const same = (r: ReturnRow | undefined) => {
      if (!r) return undefined;
      if (r.tenantId !== tenant.id || r.requestHash !== hash)
        throw new AppError('OUT_RETURN_NO_USED', `out_return_no ${input.out_return_no} is already used by a different return`, {
          field: 'out_return_no',
        });
      return r;
    };
    let ret = same(await this.repo.returnOf(tenant.spMchid, input.out_return_no));
    let created = false;
    if (!ret) {
      try {
        ret = await this.reserveReturn(tenant, split, input, hash);
        created = true;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        ret = same(await this.repo.returnOf(tenant.spMchid, input.out_return_no))!;
      }
    }
    if (ret.state !== 'RESERVED') return { created, ret };
    return { created, ret: await this.submitReturn(sp, ret) };
  }

  /** Writes the return under a lock on the split, after checking what that receiver still holds from it. */
  private reserveReturn(tenant: TenantView, split: SplitRow, input: CreateReturnInput, hash: string): Promise<ReturnRow> {
    return this.repo.db.tx(async (em) => {
      const locked = (await this.repo.lockSplit(em, split.id))!;
      const row = locked.receivers.find((r) => r.type === 'MERCHANT_ID' && r.account === input.return_mchid && !r.unfreeze);
      if (!row)
        throw new AppError('UNPROCESSABLE', `${input.return_mchid} is not a merchant receiver of split ${split.outOrderNo}`, {
          field: 'return_mchid',
        });
      if (locked.state !== 'FINISHED' || row.result !== 'SUCCESS')
        throw new AppError('UNPROCESSABLE', `only a receiver whose share succeeded in a FINISHED split can return it (now ${row.result})`, {
          field: 'return_mchid',
          result: row.result,
        });
      const now = this.clock.now();
      if (now - locked.createdAt > RETURN_WINDOW_MS)
        throw new AppError('UNPROCESSABLE', `split ${split.outOrderNo} is older than 180 days; WeChat Pay no longer returns it`);
      const earlier = (await this.repo.returnsOfSplit(em, split.id)).filter((r) => r.returnMchid === input.return_mchid);
      if (earlier.length >= MAX_SPLITS) throw new AppError('UNPROCESSABLE', `at most ${MAX_SPLITS} returns per split`);
      const returnable = row.amount - earlier.filter((r) => r.state !== 'FAILED').reduce((s, r) => s + r.amount, 0);
      if (input.amount > returnable)
        throw new AppError(
          'RETURN_AMOUNT_EXCEEDED',
          `return of ${input.amount} fen exceeds the ${returnable} fen ${input.return_mchid} still holds from this split`,
          {
            field: 'amount',
            returnable,
          },
        );
      const r: ReturnRow = {
        id: newId('psr'),
        tenantId: tenant.id,
        splitId: split.id,
        spMchid: split.spMchid,
        subMchid: split.subMchid,
        outOrderNo: split.outOrderNo,
        outReturnNo: input.out_return_no,
        returnMchid: input.return_mchid,
        amount: input.amount,
        description: input.description,
        requestHash: hash,
        state: 'RESERVED',
        returnId: null,
        failReason: null,
        nextPollAt: now + 15_000,
        attempts: 0,
        leaseUntil: 0,
        finishedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await this.repo.insertReturn(em, r);
      return r;
    });
  }

  private async submitReturn(sp: ServiceProviderCredentials, ret: ReturnRow): Promise<ReturnRow> {
    let wx: WxReturnOrder;
    try {
      wx = await createReturn(this.wxpay, sp, {
        sub_mchid: ret.subMchid,
        out_order_no: ret.outOrderNo,
        out_return_no: ret.outReturnNo,
        return_mchid: ret.returnMchid,
        amount: ret.amount,
        description: ret.description,
      });
    } catch (err) {
      if (DEFINITE_REFUSALS.some((c) => isUpstream(err, c))) await this.repo.deleteReservedReturn(ret.id);
      throw err;
    }
    return this.applyReturn(ret, wx);
  }

  /** Applies WeChat Pay's account of a return; SUCCESS or FAILED sends profit_sharing.returned once. */
  async applyReturn(ret: ReturnRow, wx: WxReturnOrder): Promise<ReturnRow> {
    const now = this.clock.now();
    const set = { returnId: wx.return_id ?? ret.returnId, failReason: wx.fail_reason ?? null, updatedAt: now };
    return this.repo.db.tx(async (em) => {
      const to = wx.result === 'PROCESSING' ? 'PROCESSING' : wx.result;
      const out = await RETURNS.transition(em, {
        id: ret.id,
        to,
        set: to === 'PROCESSING' ? set : { ...set, finishedAt: now },
        onApplied:
          to === 'PROCESSING'
            ? undefined
            : (e, row) => recordEvent(e, { tenantId: row.tenantId, type: 'profit_sharing.returned', data: returnView(row) }).then(() => {}),
      });
      return out.row;
    });
  }

  /** GET /v1/profit-sharing/returns/{out_return_no}. */
  async getReturn(tenant: TenantView, outReturnNo: string): Promise<ReturnRow> {
    const r = await this.repo.returnOf(tenant.spMchid, outReturnNo);
    if (!r || r.tenantId !== tenant.id) throw AppError.notFound(`profit-sharing return ${outReturnNo}`);
    return r;
  }

  /** Queries an unfinished return; resubmits one WeChat Pay never received. */
  async followReturn(ret: ReturnRow): Promise<ReturnRow> {
    const sp = await this.providers.require(ret.spMchid);
    let wx: WxReturnOrder;
    try {
      wx = await queryReturn(this.wxpay, sp, ret.subMchid, ret.outOrderNo, ret.outReturnNo);
    } catch (err) {
      if (isUpstream(err, 'RESOURCE_NOT_EXISTS') && ret.state === 'RESERVED') return this.submitReturn(sp, ret);
      throw err;
    }
    return this.applyReturn(ret, wx);
  }
}

/**
 * The receivers partnerpay asked for, each with WeChat Pay's result where its answer lists it
 * (matched by type and account; the amount and description stay as asked), then the rows only
 * WeChat Pay lists (the 解冻给分账方 row), which never count against the cap.
 */
export function withResults(split: SplitRow, wx: WxSplitOrder): SplitReceiver[] {
  const echoed = (wx.receivers ?? []).map((r) => {
    const result = r.result ?? 'PENDING';
    return {
      type: r.type,
      account: r.account,
      amount: r.amount,
      description: r.description,
      result,
      fail_reason: r.fail_reason ?? null,
      detail_id: r.detail_id ?? null,
      finish_time: result === 'PENDING' ? null : (r.finish_time ?? null),
      unfreeze: r.description === UNFREEZE_DESCRIPTION && r.type === 'MERCHANT_ID' && r.account === split.subMchid,
    };
  });
  const used = new Set<number>();
  const asked: SplitReceiver[] = split.receivers
    .filter((r) => !r.unfreeze)
    .map((a) => {
      const i = echoed.findIndex((e, j) => !used.has(j) && !e.unfreeze && e.type === a.type && e.account === a.account);
      if (i < 0) return a;
      used.add(i);
      const e = echoed[i];
      return { ...a, result: e.result, fail_reason: e.fail_reason, detail_id: e.detail_id, finish_time: e.finish_time };
    });
  const extra = echoed.filter((_, j) => !used.has(j)).map(({ unfreeze, ...r }) => ({ ...r, ...(unfreeze ? { unfreeze: true } : {}) }));
  return [...asked, ...(extra.length ? extra : split.receivers.filter((r) => r.unfreeze))];
}
