import type { KeyObject } from 'node:crypto';

/** The call and delivery logs keep the newest this many entries (the oldest go first). */
export const LOG_CAP = 1000;

/** How a service provider verifies WeChat Pay: with the public key (PUB_KEY_ID_...) or with platform certificates. */
export type Verification = 'public_key' | 'certificate';

export interface ServiceProvider {
  sp_mchid: string;
  sp_appid: string;
  merchant_serial_no: string;
  merchantKey: KeyObject;
  apiv3Key: string;
  verification: Verification;
}

export interface SubMerchant {
  sp_mchid: string;
  sub_mchid: string;
  /** sub_appids bound to this sub_mchid (特约商户APPID配置). */
  appids: Set<string>;
}

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'PAYERROR' | 'USERPAYING' | 'REVOKED';

/** The trade_type WeChat Pay reports for each partner payment mode. */
export type SimTradeType = 'JSAPI' | 'NATIVE' | 'APP' | 'MWEB' | 'MICROPAY';

export interface Order {
  sp_mchid: string;
  sp_appid: string;
  sub_mchid: string;
  sub_appid?: string;
  /** How the order was placed (JSAPI when absent); H5 orders are MWEB in queries and bills. */
  trade_type?: SimTradeType;
  out_trade_no: string;
  description: string;
  attach?: string;
  notify_url: string;
  total: number;
  currency: string;
  payer: { sp_openid?: string; sub_openid?: string };
  /** Canonical JSON of the first request body: a replay with the same body gets the same prepay_id. */
  canonicalBody: string;
  prepay_id: string;
  prepayCreatedAt: number;
  createdAt: number;
  /** Wall-clock ms after which an unpaid order can no longer be paid. */
  expiresAt: number;
  state: TradeState;
  transaction_id?: string;
  success_time?: number;
  closedAt?: number;
  /** settle_info.profit_sharing: the funds stay frozen for profit sharing (addendum §2.1). */
  profit_sharing?: boolean;
  /** Set on a 合单 sub-order: the combine order it belongs to (closed only with it, spec wave3 §3.6). */
  combine_out_trade_no?: string;
  /** Profit sharing: fen split to receivers so far (the 解冻给分账方 row excluded). */
  psSplit?: number;
  /** Profit sharing: set once the remainder was released (unfreeze, unfreeze_unsplit or the 30-day auto release). */
  psUnfrozenAt?: number;
}

export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

export interface Refund {
  sp_mchid: string;
  sub_mchid: string;
  out_refund_no: string;
  refund_id: string;
  order: Order;
  reason?: string;
  notify_url?: string;
  funds_account: string;
  refund: number;
  total: number;
  currency: string;
  status: RefundStatus;
  createdAt: number;
  success_time?: number;
}

/** Deterministic JSON (keys sorted at every depth) to compare request bodies. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The simulator's memory: what WeChat Pay would know. Never persisted (it is a stand-in, not our database). */
export class SimState {
  readonly providers = new Map<string, ServiceProvider>();
  private readonly subs = new Map<string, SubMerchant>();
  private readonly orders = new Map<string, Order>();
  private readonly byPrepay = new Map<string, Order>();
  private readonly byTransaction = new Map<string, Order>();
  private readonly refunds = new Map<string, Refund>();

  sub(sp_mchid: string, sub_mchid: string): SubMerchant | undefined {
    return this.subs.get(`${sp_mchid}:${sub_mchid}`);
  }
  putSub(s: SubMerchant): void {
    this.subs.set(`${s.sp_mchid}:${s.sub_mchid}`, s);
  }

  /** out_trade_no is unique per service provider (在同一个服务商商户号下唯一). */
  order(sp_mchid: string, out_trade_no: string): Order | undefined {
    return this.orders.get(`${sp_mchid}:${out_trade_no}`);
  }
  orderByPrepay(prepay_id: string): Order | undefined {
    return this.byPrepay.get(prepay_id);
  }
  orderByTransaction(transaction_id: string): Order | undefined {
    return this.byTransaction.get(transaction_id);
  }
  /** Orders matching a sub-merchant and out_trade_no across providers (control API lookups without sp_mchid). */
  ordersBySub(sub_mchid: string, out_trade_no: string): Order[] {
    return [...this.orders.values()].filter((o) => o.sub_mchid === sub_mchid && o.out_trade_no === out_trade_no);
  }
  allOrders(): Order[] {
    return [...this.orders.values()];
  }
  putOrder(o: Order): void {
    this.orders.set(`${o.sp_mchid}:${o.out_trade_no}`, o);
    this.byPrepay.set(o.prepay_id, o);
  }
  indexPrepay(o: Order): void {
    this.byPrepay.set(o.prepay_id, o);
  }
  indexTransaction(o: Order): void {
    if (o.transaction_id) this.byTransaction.set(o.transaction_id, o);
  }

  /** out_refund_no is unique within the service provider's system. */
  refund(sp_mchid: string, out_refund_no: string): Refund | undefined {
    return this.refunds.get(`${sp_mchid}:${out_refund_no}`);
  }
  refundsBySub(sub_mchid: string, out_refund_no: string): Refund[] {
    return [...this.refunds.values()].filter((r) => r.sub_mchid === sub_mchid && r.out_refund_no === out_refund_no);
  }
  refundsOf(order: Order): Refund[] {
    return [...this.refunds.values()].filter((r) => r.order === order);
  }
  allRefunds(): Refund[] {
    return [...this.refunds.values()];
  }
  putRefund(r: Refund): void {
    this.refunds.set(`${r.sp_mchid}:${r.out_refund_no}`, r);
  }
}
