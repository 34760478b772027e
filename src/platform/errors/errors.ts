import { WxpayError } from '@partnerpay/wxpay';

/**
 * The one error family of partnerpay. Every 4xx/5xx the API answers is an AppError with a stable
 * `code` from the contract; error-middleware.ts is the only place that turns it into HTTP.
 */
export type ErrorCode =
  | 'PARAM_ERROR'
  | 'INVALID_LOGIN_CODE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'TENANT_SUSPENDED'
  | 'NOT_FOUND'
  | 'OUT_TRADE_NO_USED'
  | 'OUT_REFUND_NO_USED'
  | 'BUSINESS_CODE_USED'
  | 'IDEMPOTENCY_CONFLICT'
  | 'TENANT_EXISTS'
  | 'CONFLICT'
  | 'ORDER_PAID'
  | 'ORDER_CLOSED'
  | 'ORDER_NOT_REVERSIBLE'
  | 'PAYER_MISMATCH'
  | 'APP_SECRET_MISSING'
  | 'APP_NOT_AUTHORIZED'
  | 'ORDER_NOT_REFUNDABLE'
  | 'ORDER_NOT_SPLITTABLE'
  | 'OUT_ORDER_NO_USED'
  | 'OUT_RETURN_NO_USED'
  | 'RETURN_AMOUNT_EXCEEDED'
  | 'APPID_MCHID_NOT_MATCH'
  | 'SECONDARY_CLEARING_FORBIDDEN'
  | 'REFUND_AMOUNT_EXCEEDED'
  | 'UNPROCESSABLE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'FREQUENCY_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

const STATUS: Record<ErrorCode, number> = {
  PARAM_ERROR: 400,
  INVALID_LOGIN_CODE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TENANT_SUSPENDED: 403,
  NOT_FOUND: 404,
  OUT_TRADE_NO_USED: 409,
  OUT_REFUND_NO_USED: 409,
  BUSINESS_CODE_USED: 409,
  IDEMPOTENCY_CONFLICT: 409,
  TENANT_EXISTS: 409,
  CONFLICT: 409,
  ORDER_PAID: 409,
  ORDER_CLOSED: 409,
  ORDER_NOT_REVERSIBLE: 409,
  PAYER_MISMATCH: 409,
  APP_SECRET_MISSING: 422,
  APP_NOT_AUTHORIZED: 422,
  ORDER_NOT_REFUNDABLE: 422,
  ORDER_NOT_SPLITTABLE: 409,
  OUT_ORDER_NO_USED: 409,
  OUT_RETURN_NO_USED: 409,
  RETURN_AMOUNT_EXCEEDED: 422,
  APPID_MCHID_NOT_MATCH: 422,
  SECONDARY_CLEARING_FORBIDDEN: 422,
  REFUND_AMOUNT_EXCEEDED: 422,
  UNPROCESSABLE: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FREQUENCY_LIMITED: 429,
  UPSTREAM_ERROR: 502,
  UPSTREAM_TIMEOUT: 504,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

/** The HTTP status each error code is answered with (the OpenAPI document groups codes by it). */
export function errorStatus(code: ErrorCode): number {
  return STATUS[code];
}

/** Every error code, in the contract's order. */
export const ERROR_CODES = Object.keys(STATUS) as ErrorCode[];

/** One field that failed validation: `field` is a dotted path (`amount.total`), `issue` says what to fix. */
export interface FieldIssue {
  field: string;
  issue: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: Record<string, unknown>,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = STATUS[code];
    this.headers = options?.headers;
  }
  readonly headers?: Record<string, string>;

  /** 400 PARAM_ERROR naming each bad field. */
  static invalid(fields: FieldIssue[], message = `invalid request: ${fields.map((f) => `${f.field} ${f.issue}`).join('; ')}`): AppError {
    return new AppError('PARAM_ERROR', message, { fields });
  }
  /** 404 NOT_FOUND; also for another tenant's resource, so its existence is never revealed. */
  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', `${what} not found`);
  }
  static unauthenticated(message = 'missing or invalid bearer token'): AppError {
    return new AppError('UNAUTHENTICATED', message, undefined, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  static forbidden(message: string): AppError {
    return new AppError('FORBIDDEN', message);
  }
  static rateLimited(retryAfterSeconds: number, message = 'too many requests'): AppError {
    const s = Math.max(1, Math.ceil(retryAfterSeconds));
    return new AppError(
      'FREQUENCY_LIMITED',
      `${message}; retry after ${s}s`,
      { retry_after: s },
      { headers: { 'Retry-After': String(s) } },
    );
  }
  static unavailable(message: string, cause?: unknown): AppError {
    return new AppError('SERVICE_UNAVAILABLE', message, { retryable: true }, { cause });
  }
}

/** Anything that knows its own API shape (e.g. WeChat Pay client errors) implements this. */
export interface ConvertibleToAppError {
  toAppError(): AppError;
}

export function isConvertible(e: unknown): e is ConvertibleToAppError {
  return typeof (e as ConvertibleToAppError | null)?.toAppError === 'function';
}

/**
 * The AppError of a failure partnerpay can explain: an AppError itself, a WeChat Pay SDK error (the
 * answer its `problem()` suggests, with the SDK error as cause), or an error that converts itself;
 * undefined for anything else.
 */
export function knownAppError(e: unknown): AppError | undefined {
  if (e instanceof AppError) return e;
  if (e instanceof WxpayError) {
    const p = e.problem();
    return new AppError(p.code, p.message, p.detail, { cause: e });
  }
  return isConvertible(e) ? e.toAppError() : undefined;
}
