/** The order as the mini-program sees it. */
export interface CheckoutOrder {
  id: string;
  out_trade_no: string;
  description: string;
  amount: { total: number; currency: string };
  trade_state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'PAYERROR' | 'REFUND' | 'REVOKED' | 'USERPAYING';
}

/**
 * Error codes: the helper's own (`LOGIN_FAILED`, `USER_CANCELLED`, `PAYMENT_FAILED`, `NOT_CONFIRMED`,
 * `NETWORK_ERROR`, `PARAM_ERROR`) or partnerpay's (`NOT_FOUND`, `ORDER_CLOSED`, `PAYER_MISMATCH`,
 * `INVALID_LOGIN_CODE`, `APP_SECRET_MISSING`, `TENANT_SUSPENDED`, `FREQUENCY_LIMITED`, `FORBIDDEN`, `UPSTREAM_ERROR`, ...).
 */
export type CheckoutErrorCode =
  | 'LOGIN_FAILED'
  | 'USER_CANCELLED'
  | 'PAYMENT_FAILED'
  | 'NOT_CONFIRMED'
  | 'NETWORK_ERROR'
  | 'PARAM_ERROR'
  | 'PARTIALLY_PAID'
  | 'NOT_FOUND'
  | 'ORDER_CLOSED'
  | 'PAYER_MISMATCH'
  | 'INVALID_LOGIN_CODE'
  | 'APP_SECRET_MISSING'
  | 'TENANT_SUSPENDED'
  | 'FREQUENCY_LIMITED'
  | 'FORBIDDEN'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | (string & {});

export interface CheckoutError {
  code: CheckoutErrorCode;
  message: string;
  /** Trying again later may succeed (network, throttling, the buyer cancelled, not confirmed yet). */
  retryable: boolean;
  /** partnerpay's HTTP status (0: no answer); absent for the helper's own errors. */
  status?: number;
  retryAfterSeconds?: number;
}

export type CheckoutResult = { ok: true; order: CheckoutOrder } | { ok: false; error: CheckoutError; order?: CheckoutOrder };

/** A combined order (合单) as GET /platform/v1/combined-orders/{combine_out_trade_no} shows it (what `check` resolves to). */
export interface CombinedOrderView {
  id: string;
  combine_out_trade_no: string;
  /** SUCCESS: every sub-order paid; PARTIAL: they ended differently; CLOSED; NOTPAY. */
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'PARTIAL';
  sub_orders: Array<CheckoutOrder & { tenant_id: string }>;
}

export type CombinedResult =
  { ok: true; combinedOrder: CombinedOrderView } | { ok: false; error: CheckoutError; combinedOrder?: CombinedOrderView };

export interface CheckoutOptions {
  /** partnerpay's API root (configure it as a request-legal domain of the mini-program). */
  baseUrl: string;
  /** The wx object (default: the global one). */
  wx?: unknown;
  pollIntervalMs?: number;
  pollTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export interface Checkout {
  /** wx.login -> pay -> wx.requestPayment -> poll until final. Never rejects. */
  pay(input: { orderId: string; clientSecret: string }): Promise<CheckoutResult>;
  /** The order now. */
  getOrder(orderId: string, clientSecret: string): Promise<CheckoutResult>;
  /** Polls until the order is final or the poll timeout passes (`NOT_CONFIRMED`). */
  waitForResult(orderId: string, clientSecret: string): Promise<CheckoutResult>;
  /**
   * Pays a combined order (合单): `payment` from your back end's POST /platform/v1/combined-orders, `check`
   * asks your back end for the combined order (`{combined_order}` or the view itself). Never rejects.
   */
  payCombined(input: {
    payment: Record<string, string>;
    check: () => Promise<CombinedOrderView | { combined_order: CombinedOrderView }>;
  }): Promise<CombinedResult>;
  /** Polls `check` until the combined order is final or the poll timeout passes (`NOT_CONFIRMED`). */
  waitForCombined(check: () => Promise<CombinedOrderView | { combined_order: CombinedOrderView }>): Promise<CombinedResult>;
}

export function createCheckout(options: CheckoutOptions): Checkout;
