"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AppError = void 0;
exports.isConvertible = isConvertible;
const STATUS = {
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
    PAYER_MISMATCH: 409,
    APP_SECRET_MISSING: 422,
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
class AppError extends Error {
    code;
    detail;
    status;
    constructor(code, message, detail, options) {
        super(message, options?.cause === undefined ? undefined : { cause: options.cause });
        this.code = code;
        this.detail = detail;
        this.name = 'AppError';
        this.status = STATUS[code];
        this.headers = options?.headers;
    }
    headers;
    /** 400 PARAM_ERROR naming each bad field. */
    static invalid(fields, message = `invalid request: ${fields.map((f) => `${f.field} ${f.issue}`).join('; ')}`) {
        return new AppError('PARAM_ERROR', message, { fields });
    }
    /** 404 NOT_FOUND; also for another tenant's resource, so its existence is never revealed. */
    static notFound(what) {
        return new AppError('NOT_FOUND', `${what} not found`);
    }
    static unauthenticated(message = 'missing or invalid bearer token') {
        return new AppError('UNAUTHENTICATED', message, undefined, { headers: { 'WWW-Authenticate': 'Bearer' } });
    }
    static forbidden(message) {
        return new AppError('FORBIDDEN', message);
    }
    static rateLimited(retryAfterSeconds, message = 'too many requests') {
        const s = Math.max(1, Math.ceil(retryAfterSeconds));
        return new AppError('FREQUENCY_LIMITED', `${message}; retry after ${s}s`, { retry_after: s }, { headers: { 'Retry-After': String(s) } });
    }
    static unavailable(message, cause) {
        return new AppError('SERVICE_UNAVAILABLE', message, { retryable: true }, { cause });
    }
}
exports.AppError = AppError;
function isConvertible(e) {
    return typeof e?.toAppError === 'function';
}
//# sourceMappingURL=errors.js.map