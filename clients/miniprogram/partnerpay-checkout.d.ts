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
}

export function createCheckout(options: CheckoutOptions): Checkout;
