/**
 * The one error family of partnerpay. Every 4xx/5xx the API answers is an AppError with a stable
 * `code` from the contract; error-middleware.ts is the only place that turns it into HTTP.
 */
export type ErrorCode = 'PARAM_ERROR' | 'INVALID_LOGIN_CODE' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'TENANT_SUSPENDED' | 'NOT_FOUND' | 'OUT_TRADE_NO_USED' | 'OUT_REFUND_NO_USED' | 'BUSINESS_CODE_USED' | 'IDEMPOTENCY_CONFLICT' | 'TENANT_EXISTS' | 'CONFLICT' | 'ORDER_PAID' | 'ORDER_CLOSED' | 'PAYER_MISMATCH' | 'APP_SECRET_MISSING' | 'ORDER_NOT_REFUNDABLE' | 'ORDER_NOT_SPLITTABLE' | 'OUT_ORDER_NO_USED' | 'OUT_RETURN_NO_USED' | 'RETURN_AMOUNT_EXCEEDED' | 'APPID_MCHID_NOT_MATCH' | 'SECONDARY_CLEARING_FORBIDDEN' | 'REFUND_AMOUNT_EXCEEDED' | 'UNPROCESSABLE' | 'UNSUPPORTED_MEDIA_TYPE' | 'FREQUENCY_LIMITED' | 'UPSTREAM_ERROR' | 'UPSTREAM_TIMEOUT' | 'SERVICE_UNAVAILABLE' | 'INTERNAL_ERROR';
/** One field that failed validation: `field` is a dotted path (`amount.total`), `issue` says what to fix. */
export interface FieldIssue {
    field: string;
    issue: string;
}
export declare class AppError extends Error {
    readonly code: ErrorCode;
    readonly detail?: Record<string, unknown> | undefined;
    readonly status: number;
    constructor(code: ErrorCode, message: string, detail?: Record<string, unknown> | undefined, options?: {
        cause?: unknown;
        headers?: Record<string, string>;
    });
    readonly headers?: Record<string, string>;
    /** 400 PARAM_ERROR naming each bad field. */
    static invalid(fields: FieldIssue[], message?: string): AppError;
    /** 404 NOT_FOUND; also for another tenant's resource, so its existence is never revealed. */
    static notFound(what: string): AppError;
    static unauthenticated(message?: string): AppError;
    static forbidden(message: string): AppError;
    static rateLimited(retryAfterSeconds: number, message?: string): AppError;
    static unavailable(message: string, cause?: unknown): AppError;
}
/** Anything that knows its own API shape (e.g. WeChat Pay client errors) implements this. */
export interface ConvertibleToAppError {
    toAppError(): AppError;
}
export declare function isConvertible(e: unknown): e is ConvertibleToAppError;
