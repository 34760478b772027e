import { z } from 'zod';
import type { ApiRoutes } from '../http';
import { newPrepayId, newTransactionId, type SimCore } from '../core';
import { ControlError, WxError } from '../errors';
import { canonicalJson, type Order } from '../state';
import { check, fen, str, text } from '../validate';
import { transactionView } from '../views';
import { requireSameMchid, requireSub } from './transactions';

const SECOND = 1000;
/** WeChat Pay revokes a 付款码 charge still unpaid 45 s after it began (spec wave3 §3.4). */
const AUTO_REVOKE_MS = 45 * SECOND;
/** Reverse is refused within 15 s of the charge and after 7 days (v2 rules, kept for v3: UNCONFIRMED). */
const REVERSE_EARLIEST_MS = 15 * SECOND;
const REVERSE_LATEST_MS = 7 * 86_400 * SECOND;

/** POST /v3/pay/partner/transactions/codepay (spec wave2 §6, wave3 §3). */
const codepayBody = z.object({
  sp_appid: str(32),
  sp_mchid: str(32),
  sub_appid: str(32).optional(),
  sub_mchid: str(32),
  description: text(127, 1),
  out_trade_no: z.string().regex(/^[0-9A-Za-z_\-|*]{6,32}$/, '应为6-32位数字、大小写字母或_-|*'),
  attach: text(128).optional(),
  amount: z.object({ total: fen(), currency: z.literal('CNY').optional() }),
  payer: z.object({ auth_code: z.string().regex(/^1[0-5]\d{16}$/, '付款码应为18位数字，以10-15开头') }),
  scene_info: z.object({
    store_info: z.object({ out_id: str(32) }),
    device_id: str(32).optional(),
    device_ip: str(45).optional(),
  }),
  settle_info: z.object({ profit_sharing: z.boolean().optional() }).optional(),
});

const reverseBody = z.object({ sp_appid: str(32).optional(), sp_mchid: str(32), sub_appid: str(32).optional(), sub_mchid: str(32) });

/**
 * What a charge does, scripted from the control API per auth_code (or for the next charges):
 * SUCCESS at once; USERPAYING (202) that turns `then` SUCCESS or PAYERROR after `after_ms`, or stays
 * until the 45 s revoke; a definite error (`status`, `code`, `message`); or SYSTEM_ERROR (500) while
 * the charge goes through (`then` SUCCESS) or waits (`then` USERPAYING) behind it.
 */
export type CodepayOutcome =
  | { kind: 'SUCCESS' }
  | { kind: 'USERPAYING'; then?: 'SUCCESS' | 'PAYERROR'; after_ms?: number }
  | { kind: 'ERROR'; status: number; code: string; message: string }
  | { kind: 'SYSTEM_ERROR'; then?: 'SUCCESS' | 'USERPAYING' };

/** The simulator's 付款码 desk: scripted outcomes and the charges it saw. */
export class CodepaySim {
  private readonly byCode = new Map<string, CodepayOutcome>();
  private readonly queue: CodepayOutcome[] = [];

  /** Scripts the outcome of the charge with `auth_code`, or (without one) of the next charge. */
  script(input: { auth_code?: unknown } & Record<string, unknown>): { scripted: CodepayOutcome; auth_code: string | null } {
    const o = parseOutcome(input);
    if (input.auth_code !== undefined) {
      if (typeof input.auth_code !== 'string' || !/^1[0-5]\d{16}$/.test(input.auth_code))
        throw new ControlError(400, 'PARAM_ERROR', 'auth_code must be 18 digits starting 10-15');
      this.byCode.set(input.auth_code, o);
      return { scripted: o, auth_code: input.auth_code };
    }
    this.queue.push(o);
    return { scripted: o, auth_code: null };
  }

  /** The outcome for this charge (scripted once), SUCCESS when none. */
  take(authCode: string): CodepayOutcome {
    const o = this.byCode.get(authCode) ?? this.queue.shift() ?? { kind: 'SUCCESS' };
    this.byCode.delete(authCode);
    return o;
  }
}

function parseOutcome(b: Record<string, unknown>): CodepayOutcome {
  switch (b.outcome) {
    case 'SUCCESS':
      return { kind: 'SUCCESS' };
    case 'USERPAYING': {
      if (b.then !== undefined && b.then !== 'SUCCESS' && b.then !== 'PAYERROR')
        throw new ControlError(400, 'PARAM_ERROR', 'then must be SUCCESS or PAYERROR (leave it out to wait until the 45 s revoke)');
      if (b.after_ms !== undefined && (typeof b.after_ms !== 'number' || !Number.isInteger(b.after_ms) || b.after_ms < 0))
        throw new ControlError(400, 'PARAM_ERROR', 'after_ms must be a non-negative integer (simulator ms)');
      return { kind: 'USERPAYING', then: b.then as 'SUCCESS' | 'PAYERROR' | undefined, after_ms: b.after_ms as number | undefined };
    }
    case 'ERROR': {
      const status = b.status ?? 403;
      if (typeof status !== 'number' || status < 400 || status > 499)
        throw new ControlError(400, 'PARAM_ERROR', 'status must be a 4xx HTTP status');
      if (typeof b.code !== 'string' || !b.code) throw new ControlError(400, 'PARAM_ERROR', 'code must name the error, e.g. NOT_ENOUGH');
      return { kind: 'ERROR', status, code: b.code, message: typeof b.message === 'string' ? b.message : '支付失败' };
    }
    case 'SYSTEM_ERROR':
      if (b.then !== undefined && b.then !== 'SUCCESS' && b.then !== 'USERPAYING')
        throw new ControlError(400, 'PARAM_ERROR', 'then must be SUCCESS or USERPAYING');
      return { kind: 'SYSTEM_ERROR', then: b.then as 'SUCCESS' | 'USERPAYING' | undefined };
    default:
      throw new ControlError(400, 'PARAM_ERROR', 'outcome must be SUCCESS, USERPAYING, ERROR or SYSTEM_ERROR');
  }
}

/** Partner 付款码 charge and reverse (spec wave2 §6, wave3 §3). No notification: the merchant queries. */
export function registerCodepayRoutes(api: ApiRoutes, core: SimCore, desk: CodepaySim): void {
  const paid = (o: Order) => {
    const now = core.wall.now();
    o.state = 'SUCCESS';
    o.success_time = now;
    o.transaction_id = newTransactionId(now);
    core.state.indexTransaction(o);
  };
  const waitForPassword = (o: Order, then: 'SUCCESS' | 'PAYERROR' | undefined, afterMs: number) => {
    o.state = 'USERPAYING';
    if (then) core.scheduler.schedule('codepay.password', afterMs, { order: o, then });
    core.scheduler.schedule('codepay.revoke', AUTO_REVOKE_MS, { order: o });
  };
  core.scheduler.handle<{ order: Order; then: 'SUCCESS' | 'PAYERROR' }>('codepay.password', ({ order, then }) => {
    if (order.state !== 'USERPAYING') return;
    if (then === 'SUCCESS') paid(order);
    else order.state = 'PAYERROR';
  });
  core.scheduler.handle<{ order: Order }>('codepay.revoke', ({ order }) => {
    if (order.state === 'USERPAYING') order.state = 'REVOKED';
  });

  api.route('post', '/v3/pay/partner/transactions/codepay', ({ provider, body }) => {
    const b = check(codepayBody, body ?? {});
    requireSameMchid(provider.sp_mchid, b.sp_mchid, 'body');
    if (b.sp_appid !== provider.sp_appid) throw WxError.appidMchidNotMatch('sp_appid和sp_mchid不匹配');
    const sub = requireSub(core, provider.sp_mchid, b.sub_mchid);
    if (b.sub_appid && !sub.appids.has(b.sub_appid)) throw WxError.appidMchidNotMatch('sub_appid和sub_mchid不匹配');
    const existing = core.state.order(provider.sp_mchid, b.out_trade_no);
    if (existing) {
      // A repeated charge: the order as it stands (a reversed one cannot be charged again).
      if (existing.canonicalBody !== canonicalJson(body) || existing.trade_type !== 'MICROPAY') throw WxError.outTradeNoUsed();
      if (existing.state === 'REVOKED') throw new WxError(400, 'ORDER_REVERSED', '订单已撤销，请重新下单支付');
      if (existing.state === 'USERPAYING') return { status: 202, body: { trade_state: 'USERPAYING' } };
      return { status: 200, body: transactionView(existing) };
    }
    const outcome = desk.take(b.payer.auth_code);
    if (outcome.kind === 'ERROR') throw new WxError(outcome.status, outcome.code, outcome.message);
    const now = core.wall.now();
    const order: Order = {
      sp_mchid: provider.sp_mchid,
      sp_appid: b.sp_appid,
      sub_mchid: b.sub_mchid,
      sub_appid: b.sub_appid,
      trade_type: 'MICROPAY',
      out_trade_no: b.out_trade_no,
      description: b.description,
      attach: b.attach,
      notify_url: '',
      total: b.amount.total,
      currency: b.amount.currency ?? 'CNY',
      // The buyer behind a 付款码 is known to WeChat Pay only: a stable stand-in per code.
      payer: { sp_openid: `oSimCode${b.payer.auth_code.slice(-12)}` },
      canonicalBody: canonicalJson(body),
      prepay_id: newPrepayId(now),
      prepayCreatedAt: now,
      createdAt: now,
      expiresAt: now + REVERSE_LATEST_MS,
      state: 'NOTPAY',
      ...(b.settle_info?.profit_sharing ? { profit_sharing: true } : {}),
    };
    core.state.putOrder(order);
    if (outcome.kind === 'SUCCESS') {
      paid(order);
      return { status: 200, body: transactionView(order) };
    }
    if (outcome.kind === 'USERPAYING') {
      waitForPassword(order, outcome.then, outcome.after_ms ?? 10 * SECOND);
      return { status: 202, body: { trade_state: 'USERPAYING' } };
    }
    // SYSTEM_ERROR: the answer is lost, the charge is not.
    if (outcome.then === 'USERPAYING') waitForPassword(order, undefined, 0);
    else paid(order);
    throw WxError.system('系统繁忙，请稍后重试');
  });

  api.route('post', '/v3/pay/partner/transactions/out-trade-no/:out_trade_no/reverse', ({ provider, body, params }) => {
    const b = check(reverseBody, body ?? {});
    requireSameMchid(provider.sp_mchid, b.sp_mchid, 'body');
    requireSub(core, provider.sp_mchid, b.sub_mchid);
    const o = core.state.order(provider.sp_mchid, params.out_trade_no);
    if (!o || o.sub_mchid !== b.sub_mchid) throw WxError.orderNotExist();
    if (o.trade_type !== 'MICROPAY') throw WxError.invalid('支付场景不适用，仅付款码支付订单可撤销');
    const age = core.wall.now() - o.createdAt;
    if (age < REVERSE_EARLIEST_MS) throw WxError.invalid('请勿在扣款后立即撤销，请至少15秒后再调用');
    if (age > REVERSE_LATEST_MS) throw WxError.invalid('订单已超过撤销期限（7天）');
    // Unpaid: closed; paid: refunded in full. Both end REVOKED, and re-entrant.
    if (o.state !== 'REVOKED') {
      o.state = 'REVOKED';
      o.closedAt = core.wall.now();
    }
    const answer = {
      sp_appid: o.sp_appid,
      sp_mchid: o.sp_mchid,
      ...(o.sub_appid ? { sub_appid: o.sub_appid } : {}),
      sub_mchid: o.sub_mchid,
    };
    return { status: 200, body: { ...answer, out_trade_no: o.out_trade_no } };
  });
}
