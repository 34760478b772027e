import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import {
  createCodepayOrder,
  isUpstream,
  reverseOrder as reverseUpstream,
  WxpayApiError,
  type PartnerCodepayRequest,
  type ServiceProviderCredentials,
  type WxpayClient,
} from '@partnerpay/wxpay';
import { ProviderCredentials, type TenantView } from '../tenancy';
import { recordEvent } from '../events';
import type { PaymentOrderRow } from './order.entity';
import { orderView } from './order.view';
import type { CreateOrderInput } from './order.input';
import { OrderRepository } from './order.repository';
import { OrderService, type CreateResult } from './order.service';
import { failOrder, reverseOrder, type TransitionDeps } from './order.state';
import { FundsLedger } from './funds';

/** Follow an open charge every 5 s (WeChat Pay's advice, spec wave3 §3.4). */
export const FOLLOW_EVERY_MS = 5_000;
/** Never reverse within 15 s of the charge; reverse what is still unpaid after 30 s (WeChat Pay revokes it at 45 s). */
export const REVERSE_NOT_BEFORE_MS = 15_000;
export const REVERSE_AFTER_MS = 30_000;
const REVERSIBLE_FOR_MS = 7 * 86_400_000;
/** trade_state_desc of a paid 付款码 charge reversed: WeChat Pay refunded it in full (so a repeated reverse answers it). */
export const REVERSED_PAID_DESC = '已撤销，全额退款 (reversed after payment: refunded in full)';

/** An auth_code as logs may show it: the first 4 digits (user region) only. */
export const maskAuthCode = (code: string) => `${code.slice(0, 4)}${'*'.repeat(code.length - 4)}`;

const open = (o: PaymentOrderRow) => o.tradeState === 'NOTPAY' || o.tradeState === 'USERPAYING';

/**
 * 付款码 (MICROPAY) end to end: the charge, the follow-up of a charge still waiting for the buyer's
 * password (query every 5 s, reverse after 30 s), and the cashier's reverse. WeChat Pay sends no
 * notification for a 付款码: partnerpay asks.
 */
@injectable()
export class MicropayService {
  private readonly deps: TransitionDeps;

  constructor(
    @inject(OrderService) private readonly orders: OrderService,
    @inject(OrderRepository) private readonly repo: OrderRepository,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(ProviderCredentials) private readonly providers: ProviderCredentials,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(FundsLedger) private readonly funds: FundsLedger,
  ) {
    this.deps = { recordEvent, logger };
  }

  /** POST /v1/orders with trade_type MICROPAY: writes the order, charges the code once, answers the order as it stands. */
  async create(tenant: TenantView, input: CreateOrderInput): Promise<CreateResult> {
    const r = await this.orders.create(tenant, input);
    // A replay answers the charge as it stands: the code is never charged twice.
    if (!r.created) return r;
    const sp = await this.providers.require(tenant.spMchid);
    return {
      ...r,
      order: await this.charge(sp, r.order, input.payer!.auth_code!, input.scene_info as PartnerCodepayRequest['scene_info']),
    };
  }

  private async charge(
    sp: ServiceProviderCredentials,
    order: PaymentOrderRow,
    authCode: string,
    scene: PartnerCodepayRequest['scene_info'],
  ): Promise<PaymentOrderRow> {
    const body: PartnerCodepayRequest = {
      sp_appid: sp.spAppid,
      sp_mchid: order.spMchid,
      ...(order.appSide === 'sub' ? { sub_appid: order.appid } : {}),
      sub_mchid: order.subMchid,
      description: order.description,
      out_trade_no: order.outTradeNo,
      ...(order.attach != null ? { attach: order.attach } : {}),
      amount: { total: order.amountTotal, currency: 'CNY' },
      payer: { auth_code: authCode },
      scene_info: scene,
      ...(order.profitSharing === 1 ? { settle_info: { profit_sharing: true } } : {}),
    };
    const log = { order_id: order.id, auth_code: maskAuthCode(authCode) };
    try {
      const res = await createCodepayOrder(this.wxpay, sp, body);
      if (res.status === 202) return (await this.orders.applyUpstream(order.id, this.userPaying(order), order)).order;
      return (await this.orders.applyUpstream(order.id, res.transaction, order)).order;
    } catch (err) {
      if (err instanceof WxpayApiError && err.status < 500 && !err.is('SYSTEM_ERROR', 'SYSTEMERROR', 'BANK_ERROR', 'BANKERROR')) {
        if (err.is('USER_PAYING', 'USERPAYING')) return (await this.orders.applyUpstream(order.id, this.userPaying(order), order)).order;
        // A definite refusal (no money taken): the cashier asks for another code or another way to pay.
        this.logger.info({ ...log, code: err.code }, '付款码 charge refused by WeChat Pay');
        const desc = `${err.code}: ${err.wechatMessage ?? 'refused'}`;
        return (await this.repo.db.tx((em) => failOrder(em, this.deps, order, this.clock.now(), desc))).order;
      }
      // A 5xx or no answer is not a failure: the charge may have gone through. The follow-up asks first.
      this.logger.warn({ ...log, err }, '付款码 charge outcome unknown; following it with WeChat Pay');
      return order;
    }
  }

  /** WeChat Pay's 202 carries only trade_state: the rest is the order's own. */
  private userPaying(o: PaymentOrderRow) {
    return { sp_appid: '', sp_mchid: o.spMchid, sub_mchid: o.subMchid, out_trade_no: o.outTradeNo, trade_state: 'USERPAYING' as const };
  }

  /**
   * One look at an open charge its follower claimed (micropay.follower.ts: one node per 5 s); the
   * REVOKED transition is guarded too, so a charge is reversed once.
   */
  async follow(order: PaymentOrderRow): Promise<void> {
    const now = this.clock.now();
    const sp = await this.providers.require(order.spMchid);
    const age = now - order.createdAt;
    let current = order;
    try {
      current = await this.orders.sync(sp, order);
    } catch (err) {
      this.logger.warn({ order_id: order.id, err }, 'following a 付款码 charge: the query failed; asking again in 5 s');
      return;
    }
    if (!open(current)) return;
    if (age < REVERSE_AFTER_MS) return;
    await this.reverseNow(sp, current, 'not paid within 30 s: reversed by partnerpay');
  }

  /**
   * POST /v1/orders/{out_trade_no}/reverse: reverses a 付款码 charge within WeChat Pay's rules (not
   * within 15 s of the charge, not after 7 days). Unpaid: REVOKED. Paid: WeChat Pay refunds it in
   * full, and the order is REFUND with refunded_total = amount. 409 ORDER_NOT_REVERSIBLE with the reason otherwise.
   */
  async reverse(tenant: TenantView, outTradeNo: string): Promise<PaymentOrderRow> {
    const order = await this.orders.get(tenant, outTradeNo);
    const refuse = (reason: string) =>
      new AppError('ORDER_NOT_REVERSIBLE', `order ${outTradeNo} cannot be reversed: ${reason}`, { reason });
    if (order.tradeType !== 'MICROPAY')
      throw refuse(`only 付款码 (MICROPAY) charges are reversed; close a ${order.tradeType} order instead`);
    if (order.tradeState === 'REVOKED') return order;
    if (order.tradeState === 'REFUND' && order.tradeStateDesc === REVERSED_PAID_DESC) return order;
    if (order.tradeState === 'REFUND') throw refuse('it is already (partly) refunded; refund the rest with POST /v1/refunds');
    if (order.tradeState !== 'SUCCESS' && !open(order)) throw refuse(`it is ${order.tradeState}: no money was taken`);
    const age = this.clock.now() - order.createdAt;
    if (age < REVERSE_NOT_BEFORE_MS)
      throw refuse(
        `WeChat Pay reverses a charge no sooner than 15 s after it; retry in ${Math.ceil((REVERSE_NOT_BEFORE_MS - age) / 1000)} s`,
      );
    if (age > REVERSIBLE_FOR_MS) throw refuse('it is older than 7 days; refund it with POST /v1/refunds instead');
    const sp = await this.providers.require(tenant.spMchid);
    if (order.tradeState === 'SUCCESS') return this.reversePaid(sp, order, refuse);
    return this.reverseNow(sp, order, 'reversed at the cashier');
  }

  /**
   * A paid charge reversed: WeChat Pay refunds it in full. The whole amount is reserved in the funds
   * ledger first (so no refund or split races it), released again if WeChat Pay refuses or does not
   * answer (the cashier retries; WeChat Pay's reverse is re-entrant), settled when it reverses.
   */
  private async reversePaid(
    sp: ServiceProviderCredentials,
    order: PaymentOrderRow,
    refuse: (reason: string) => AppError,
  ): Promise<PaymentOrderRow> {
    const already = await this.repo.db.tx(async (em) => {
      const f = await this.funds.lock(em, order.id);
      const now = await this.repo.findById(order.id, em);
      // A concurrent reverse of the same charge won: answer its outcome.
      if (now?.tradeState === 'REFUND' && now.tradeStateDesc === REVERSED_PAID_DESC) return now;
      if (f.refunds > 0) throw refuse(`a refund of ${f.refunds} fen was already asked for; refund the rest with POST /v1/refunds`);
      if (f.splits > 0) throw refuse(`${f.splits} fen of it was split to profit-sharing receivers; refund it with POST /v1/refunds`);
      if (!(await this.funds.reserve(em, order.id, 'refund', f.paid))) throw refuse('its funds are no longer all refundable');
      return null;
    });
    if (already) return already;
    try {
      await reverseUpstream(this.wxpay, sp, order.subMchid, order.outTradeNo, order.appSide === 'sub' ? order.appid : undefined);
    } catch (err) {
      await this.repo.db.tx(async (em) => {
        await this.funds.lock(em, order.id);
        await this.funds.release(em, order.id, 'refund', order.amountTotal);
      });
      if (err instanceof WxpayApiError && err.status < 500)
        throw refuse(`WeChat Pay refused to reverse it: ${err.wechatMessage ?? err.code}`);
      throw err;
    }
    return this.repo.db.tx(async (em) => {
      const now = this.clock.now();
      if (await this.repo.markReversedPaid(em, order.id, REVERSED_PAID_DESC, now)) {
        const row = (await this.repo.findById(order.id, em))!;
        await recordEvent(em, { tenantId: row.tenantId, type: 'order.reversed', data: { order: orderView(row) } });
        return row;
      }
      return (await this.repo.findById(order.id, em))!;
    });
  }

  /** Reverses at WeChat Pay, then here. A charge that turned out paid stays paid (applied by a query first). */
  private async reverseNow(sp: ServiceProviderCredentials, order: PaymentOrderRow, desc: string): Promise<PaymentOrderRow> {
    try {
      await reverseUpstream(this.wxpay, sp, order.subMchid, order.outTradeNo, order.appSide === 'sub' ? order.appid : undefined);
    } catch (err) {
      // Never reached WeChat Pay (the charge call was lost before it): there is nothing to reverse there.
      if (!isUpstream(err, 'ORDER_NOT_EXIST')) {
        if (err instanceof WxpayApiError && err.status < 500)
          throw new AppError(
            'ORDER_NOT_REVERSIBLE',
            `WeChat Pay refused to reverse ${order.outTradeNo}: ${err.wechatMessage ?? err.code}`,
            {
              reason: err.wechatMessage ?? err.code,
            },
          );
        throw err;
      }
    }
    const outcome = await this.repo.db.tx((em) => reverseOrder(em, this.deps, order.id, this.clock.now(), desc));
    return outcome.order;
  }
}
