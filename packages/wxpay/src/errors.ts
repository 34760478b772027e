import type { VerifyFailure } from './crypto';

/**
 * What a service that called WeChat Pay should tell its own caller about a failure: a stable code
 * (504 `UPSTREAM_TIMEOUT`, 502 `UPSTREAM_ERROR`, 422 `SECONDARY_CLEARING_FORBIDDEN`, 503
 * `SERVICE_UNAVAILABLE`, 500 `INTERNAL_ERROR`), a message without secrets, and a detail whose
 * `retryable` says whether the same request may be sent again. partnerpay turns it into its AppError.
 */
export interface WxpayProblem {
  code: 'UPSTREAM_TIMEOUT' | 'UPSTREAM_ERROR' | 'SECONDARY_CLEARING_FORBIDDEN' | 'SERVICE_UNAVAILABLE' | 'INTERNAL_ERROR';
  message: string;
  detail?: Record<string, unknown>;
}

/**
 * WeChat Pay failures as typed errors at the client boundary. Callers switch on the class
 * (`err instanceof WxpayApiError && err.code === 'ORDER_PAID'`, or `isUpstream(err, 'ORDER_PAID')`);
 * anything they do not translate reaches their error handler, which answers `problem()`. Messages
 * never carry secrets.
 */
export abstract class WxpayError extends Error {
  abstract problem(): WxpayProblem;
}

export type TransportFailure = 'timeout' | 'connect' | 'network';

/** No (complete) answer from WeChat Pay: connection refused, reset, DNS, or a timeout. Always retryable with the same parameters. */
export class WxpayTransportError extends WxpayError {
  constructor(
    readonly kind: TransportFailure,
    message: string,
    /** Attempts made (all hosts included) before giving up. */
    readonly attempts = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WxpayTransportError';
  }

  problem(): WxpayProblem {
    const detail = { retryable: true, upstream: { kind: this.kind, attempts: this.attempts } };
    return this.kind === 'timeout'
      ? { code: 'UPSTREAM_TIMEOUT', message: 'WeChat Pay did not answer in time; retry with the same parameters', detail }
      : { code: 'UPSTREAM_ERROR', message: 'WeChat Pay could not be reached; retry with the same parameters', detail };
  }
}

/** Older v3 pages spell some codes without underscores; callers only ever see the underscore form (`rawCode` keeps the original). */
const LEGACY_CODES: Record<string, string> = {
  ACCOUNTERROR: 'ACCOUNT_ERROR',
  NOAUTH: 'NO_AUTH',
  RULELIMIT: 'RULE_LIMIT',
  ORDERNOTEXIST: 'ORDER_NOT_EXIST',
  BANKERROR: 'BANK_ERROR',
  SYSTEMERROR: 'SYSTEM_ERROR',
  NOTENOUGH: 'NOT_ENOUGH',
  ORDERPAID: 'ORDER_PAID',
  ORDERCLOSED: 'ORDER_CLOSED',
  RATELIMIT_EXCEED: 'RATELIMIT_EXCEEDED',
};

/** Codes WeChat Pay documents as "retry with the same parameters" (spec §12). */
const RETRYABLE_CODES = new Set(['SYSTEM_ERROR', 'BANK_ERROR', 'FREQUENCY_LIMITED', 'RATELIMIT_EXCEEDED']);

/** WeChat Pay's error body: `{"code":"PARAM_ERROR","message":"参数错误","detail":{...}}`. */
export interface WxpayErrorBody {
  code?: string;
  message?: string;
  detail?: unknown;
}

/** WeChat Pay answered with a non-2xx status. `code` is WeChat's (normalised to the underscore spelling). */
export class WxpayApiError extends WxpayError {
  readonly code: string;
  readonly rawCode?: string;
  /** WeChat Pay's own message (often Chinese), e.g. "订单已支付". */
  readonly wechatMessage?: string;
  readonly detail?: unknown;

  constructor(
    readonly status: number,
    body: WxpayErrorBody,
    readonly requestId?: string,
    /** True when the error response carried a signature that verified; false when it was unsigned (e.g. a gateway 502). */
    readonly signed = false,
  ) {
    const code = body.code ? (LEGACY_CODES[body.code] ?? body.code) : `HTTP_${status}`;
    super(`WeChat Pay answered ${status} ${code}${body.message ? `: ${body.message}` : ''}`);
    this.name = 'WxpayApiError';
    this.code = code;
    this.rawCode = body.code;
    this.wechatMessage = body.message;
    this.detail = body.detail;
  }

  /** True when WeChat Pay's code is one of `codes`. */
  is(...codes: string[]): boolean {
    return codes.includes(this.code);
  }

  /** 5xx and the documented transient codes: retry with the same out_trade_no / out_refund_no. */
  get retryable(): boolean {
    return this.status >= 500 || RETRYABLE_CODES.has(this.code);
  }

  problem(): WxpayProblem {
    return {
      code: 'UPSTREAM_ERROR',
      message: `WeChat Pay refused the request: ${this.status} ${this.code}`,
      detail: {
        retryable: this.retryable,
        upstream: { status: this.status, code: this.code, message: this.wechatMessage, request_id: this.requestId },
      },
    };
  }
}

/** A response (or notification) whose signature we refused: missing headers, stale, probe, unknown serial or bad signature. */
export class WxpaySignatureError extends WxpayError {
  constructor(
    readonly reason: VerifyFailure,
    readonly serial?: string,
    readonly requestId?: string,
  ) {
    super(`WeChat Pay response signature refused (${reason}${serial ? `, serial ${serial}` : ''})`);
    this.name = 'WxpaySignatureError';
  }

  problem(): WxpayProblem {
    // A SIGNTEST probe or a serial we could not fetch yet resolve on their own; a bad signature does not.
    const retryable = this.reason === 'signtest_probe' || this.reason === 'unknown_serial' || this.reason === 'stale_timestamp';
    return {
      code: 'UPSTREAM_ERROR',
      message: 'the answer from WeChat Pay failed signature verification',
      detail: { retryable, upstream: { reason: this.reason, request_id: this.requestId } },
    };
  }
}

/** A verified answer we cannot use: not JSON, or missing fields we need. */
export class WxpayMalformedError extends WxpayError {
  constructor(
    message: string,
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WxpayMalformedError';
  }

  problem(): WxpayProblem {
    return {
      code: 'UPSTREAM_ERROR',
      message: 'WeChat Pay sent an answer that could not be read',
      detail: { retryable: false, upstream: { reason: 'malformed', request_id: this.requestId } },
    };
  }
}

/** An encrypted resource (certificate, notification) that did not decrypt: almost always the wrong APIv3 key. */
export class WxpayDecryptionError extends WxpayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WxpayDecryptionError';
  }

  problem(): WxpayProblem {
    return {
      code: 'UPSTREAM_ERROR',
      message: 'a WeChat Pay resource did not decrypt (check the APIv3 key)',
      detail: { retryable: false, upstream: { reason: 'decryption' } },
    };
  }
}

/** No usable platform key yet (certificate mode before the first download succeeded): retry later. */
export class WxpayKeysUnavailableError extends WxpayError {
  constructor(message: string) {
    super(message);
    this.name = 'WxpayKeysUnavailableError';
  }

  problem(): WxpayProblem {
    return { code: 'SERVICE_UNAVAILABLE', message: this.message, detail: { retryable: true } };
  }
}

/**
 * A call the SDK refuses before any I/O because it would be wrong whatever WeChat Pay said: a
 * direct-merchant payment endpoint (`rule` = `partner_endpoints_only`, the 二清 rule), a malformed
 * path, or a bill download URL outside the configured hosts.
 */
export class WxpayRefusedCallError extends WxpayError {
  constructor(
    message: string,
    /** The 二清 rule broken, when the refusal is one (else a programming error). */
    readonly rule?: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'WxpayRefusedCallError';
  }

  problem(): WxpayProblem {
    return this.rule
      ? { code: 'SECONDARY_CLEARING_FORBIDDEN', message: this.message, detail: { rule: this.rule, path: this.path } }
      : { code: 'INTERNAL_ERROR', message: this.message };
  }
}

/** WeChat Pay's error code when `err` is an answer from it (normalised to the underscore spelling). */
export function upstreamCode(err: unknown): string | undefined {
  return err instanceof WxpayApiError ? err.code : undefined;
}

/** True when `err` is WeChat Pay answering one of `codes`: the one "is this WeChat Pay error X" test. */
export function isUpstream(err: unknown, ...codes: string[]): boolean {
  return err instanceof WxpayApiError && err.is(...codes);
}
