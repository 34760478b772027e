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
