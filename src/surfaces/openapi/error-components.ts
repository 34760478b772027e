import { ERROR_CODES, errorStatus, type ErrorCode } from '../../platform/errors/errors';

type Json = Record<string, unknown>;

/** `PARAM_ERROR` → `ParamError`: the component naming one error code's answer. */
export function errorSchemaName(code: ErrorCode): string {
  return `${code
    .toLowerCase()
    .split('_')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('')}Error`.replace(/ErrorError$/, 'Error');
}

/** The typed `detail` of the codes that carry one; the others may carry free-form context or none. */
const DETAILS: Partial<Record<ErrorCode, Json>> = {
  PARAM_ERROR: {
    type: 'object',
    description: 'fields: each bad input; a signed push refused adds what failed (wxbizmsgcrypt, check)',
    properties: {
      fields: {
        type: 'array',
        items: {
          type: 'object',
          required: ['field', 'issue'],
          additionalProperties: false,
          properties: {
            field: { type: 'string', description: 'dotted path, e.g. amount.total' },
            issue: { type: 'string', description: 'what to fix' },
          },
        },
      },
    },
  },
  FREQUENCY_LIMITED: {
    type: 'object',
    required: ['retry_after'],
    properties: { retry_after: { type: 'integer', minimum: 1, description: 'seconds, as in Retry-After' } },
  },
  SERVICE_UNAVAILABLE: { type: 'object', properties: { retryable: { type: 'boolean' } } },
  SECONDARY_CLEARING_FORBIDDEN: {
    type: 'object',
    properties: { rule: { type: 'string', description: 'the named 二清 rule that refused the request' } },
  },
};

/** What each code's answer looks like, in the server's own wording (the `example` of its component). */
const EXAMPLES: Record<ErrorCode, { message: string; detail?: Json }> = {
  PARAM_ERROR: {
    message: 'invalid request: amount.total Too small: expected number to be >=1',
    detail: { fields: [{ field: 'amount.total', issue: 'Too small: expected number to be >=1' }] },
  },
  INVALID_LOGIN_CODE: {
    message: 'WeChat refused the wx.login code (40029: invalid, already used, expired, or issued for another AppID); call wx.login again',
  },
  UNAUTHENTICATED: { message: 'sign in at /portal first (no live portal session)' },
  FORBIDDEN: { message: 'missing or wrong x-csrf-token header: send the csrf_token of GET /portal/v1/session', detail: { reason: 'csrf' } },
  TENANT_SUSPENDED: { message: 'this tenant is suspended; ask the platform operator' },
  NOT_FOUND: { message: 'order 20261201104500123456 not found', detail: { field: 'out_trade_no' } },
  OUT_TRADE_NO_USED: { message: 'out_trade_no 20261201104500123456 is already used by a different order; use a new out_trade_no' },
  OUT_REFUND_NO_USED: {
    message: 'out_refund_no R20261201104500123 is already used by a different refund; a new refund needs a new out_refund_no',
  },
  BUSINESS_CODE_USED: { message: 'business_code 1900000100_20261201104500 is already used by another applyment of this provider' },
  IDEMPOTENCY_CONFLICT: { message: 'this Idempotency-Key was already used with a different request; use a new key for a new request' },
  TENANT_EXISTS: { message: 'sub_mchid 1900000109 is already a tenant of service provider 1900000100' },
  CONFLICT: {
    message: 'appid wxd678efh567hg6787 is already bound to this tenant',
    detail: { fields: [{ field: 'appid', issue: 'already bound to this tenant' }] },
  },
  ORDER_PAID: { message: 'order 20261201104500123456 is already paid' },
  ORDER_CLOSED: { message: 'order 20261201104500123456 has expired; the shop must create a new order' },
  ORDER_NOT_REVERSIBLE: {
    message: 'order 20261201104500123456 cannot be reversed: it is CLOSED: no money was taken',
    detail: { reason: 'it is CLOSED: no money was taken' },
  },
  PAYER_MISMATCH: {
    message: 'another WeChat user already opened the payment of this order; only that buyer can pay it, or the shop creates a new order',
  },
  APP_SECRET_MISSING: {
    message:
      "the service provider's mini-program wx8888888888888888 has no AppSecret on file; an operator must set sp_app_secret " +
      'with PUT /admin/v1/service-providers/{sp_mchid}',
    detail: { appid: 'wx8888888888888888' },
  },
  APP_NOT_AUTHORIZED: {
    message: 'WeChat says mini-program wxd678efh567hg6787 is not authorised to the open platform wx3e4f5a6b7c8d9e0f (61003)',
  },
  ORDER_NOT_REFUNDABLE: { message: 'order 20261201104500123456 is CLOSED; only paid orders can be refunded' },
  ORDER_NOT_SPLITTABLE: {
    message: 'order 20261201104500123456 was not placed with "profit_sharing": true; WeChat Pay cannot split it',
    detail: { reason: 'not_profit_sharing' },
  },
  OUT_ORDER_NO_USED: { message: 'out_order_no P20261201104500123 is already used by a different profit-sharing order' },
  OUT_RETURN_NO_USED: { message: 'out_return_no T20261201104500123 is already used by a different return' },
  RETURN_AMOUNT_EXCEEDED: { message: 'return of 300 fen exceeds the 200 fen 1900000109 still holds from this split' },
  APPID_MCHID_NOT_MATCH: {
    message: 'appid wxd678efh567hg6787 is no longer bound to this sub-merchant; create a new order',
    detail: { appid: 'wxd678efh567hg6787' },
  },
  SECONDARY_CLEARING_FORBIDDEN: {
    message: '二清 refused (isv_collects_own_account): payments must settle to the sub-merchant, not to the service provider',
    detail: { rule: 'isv_collects_own_account' },
  },
  REFUND_AMOUNT_EXCEEDED: { message: 'refund of 150 fen exceeds the 100 fen still refundable on order 20261201104500123456' },
  UNPROCESSABLE: { message: 'service provider 1900000100 is not configured' },
  UNSUPPORTED_MEDIA_TYPE: { message: 'request body must be UTF-8 JSON' },
  FREQUENCY_LIMITED: { message: 'too many checkout calls for this order', detail: { retry_after: 3 } },
  UPSTREAM_ERROR: {
    message: "WeChat's open platform could not be reached or answered nonsense; retry",
    detail: { retryable: true },
  },
  UPSTREAM_TIMEOUT: { message: "WeChat's open platform did not answer in time; retry" },
  SERVICE_UNAVAILABLE: { message: 'the database is unreachable', detail: { retryable: true } },
  INTERNAL_ERROR: { message: 'internal error' },
};

/** The example answer of one code: `{ code, message, detail?, request_id }`. */
export function errorExample(code: ErrorCode): Json {
  const { message, detail } = EXAMPLES[code];
  return { code, message, ...(detail ? { detail } : {}), request_id: 'req_6f1c2a9e4b7d4c0f' };
}

/** One schema per error code (`ParamError`, `NotFoundError`, ...) and the common `Error`. */
export function errorComponents(): Record<string, Json> {
  const out: Record<string, Json> = {
    Error: {
      type: 'object',
      description: 'Every 4xx/5xx answer',
      required: ['code', 'message', 'request_id'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', enum: ERROR_CODES },
        message: { type: 'string', description: 'what went wrong and what to fix' },
        detail: { type: 'object' },
        request_id: { type: 'string' },
      },
      example: errorExample('NOT_FOUND'),
    },
  };
  for (const code of ERROR_CODES)
    out[errorSchemaName(code)] = {
      type: 'object',
      description: `HTTP ${errorStatus(code)} ${code}`,
      required: ['code', 'message', 'request_id'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', const: code },
        message: { type: 'string' },
        detail: DETAILS[code] ?? { type: 'object' },
        request_id: { type: 'string' },
      },
      example: errorExample(code),
    };
  return out;
}

/** Headers every answer or some answers carry. */
export const STANDARD_HEADERS: Record<string, Json> = {
  'Request-Id': {
    description: 'this request\u2019s id (the caller\u2019s X-Request-Id when it sent a sane one); quote it in support requests',
    schema: { type: 'string' },
  },
  'Idempotent-Replayed': {
    description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
  'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' } },
  'Cache-Control': { description: 'caching policy of this answer', schema: { type: 'string' } },
  'Content-Disposition': { description: 'the file name of a download', schema: { type: 'string' } },
};
