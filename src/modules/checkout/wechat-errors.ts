import { AppError, type ConvertibleToAppError } from '../../platform/errors/errors';

/**
 * api.weixin.qq.com failures as typed errors. Messages never carry the AppSecret, the js_code or the
 * request URL (its query string holds the secret).
 */
export abstract class WechatApiError extends Error implements ConvertibleToAppError {
  abstract toAppError(): AppError;
}

/** No (complete) answer: connection refused, reset, DNS, or a timeout. Retryable. */
export class WechatTransportError extends WechatApiError {
  constructor(
    readonly kind: 'timeout' | 'network',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WechatTransportError';
  }

  toAppError(): AppError {
    const detail = { retryable: true, upstream: { service: 'api.weixin.qq.com', kind: this.kind } };
    return this.kind === 'timeout'
      ? new AppError('UPSTREAM_TIMEOUT', 'WeChat login did not answer in time; call wx.login again and retry', detail, { cause: this })
      : new AppError('UPSTREAM_ERROR', 'WeChat login could not be reached; call wx.login again and retry', detail, { cause: this });
  }
}

/** WeChat answered with a non-zero errcode ({errcode, errmsg}). */
export class WechatErrcodeError extends WechatApiError {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat answered errcode ${errcode}: ${errmsg}`);
    this.name = 'WechatErrcodeError';
  }

  toAppError(): AppError {
    const upstream = { service: 'api.weixin.qq.com', errcode: this.errcode, errmsg: this.errmsg };
    return new AppError('UPSTREAM_ERROR', `WeChat login failed with errcode ${this.errcode}`, { retryable: this.errcode === -1, upstream });
  }
}

/** An answer that is not WeChat's JSON (HTML error page, truncated body, missing openid). */
export class WechatMalformedError extends WechatApiError {
  constructor(message: string) {
    super(message);
    this.name = 'WechatMalformedError';
  }

  toAppError(): AppError {
    return new AppError('UPSTREAM_ERROR', 'WeChat login answered something unreadable; retry', {
      retryable: true,
      upstream: { service: 'api.weixin.qq.com', kind: 'malformed' },
    });
  }
}
