/** A WeChat Pay API error as the simulator answers it: HTTP status + `{code, message, detail?}` (spec §12). */
export class WxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: { field?: string; value?: unknown; issue?: string; location?: string },
    /** Internal error number WeChat Pay appends to Request-ID (e.g. 268443699 签名错误). */
    readonly internal = 268435456,
  ) {
    super(message);
    this.name = 'WxError';
  }

  body(): Record<string, unknown> {
    return this.detail ? { code: this.code, message: this.message, detail: this.detail } : { code: this.code, message: this.message };
  }

  static sign(message = '签名错误'): WxError {
    return new WxError(401, 'SIGN_ERROR', message, undefined, 268443699);
  }
  /** field: a JSON pointer for body fields (`/amount/total`) or the parameter name for path/query. */
  static param(field: string, issue: string, location: 'body' | 'query' | 'path' | 'header' = 'body', value?: unknown): WxError {
    return new WxError(
      400,
      'PARAM_ERROR',
      // A rule's own sentence names its field already (输入源“/body/...”...); a short issue is prefixed.
      issue.startsWith('输入源') ? issue : `参数错误: ${field} ${issue}`,
      { field, issue, location, ...(value === undefined ? {} : { value }) },
      268435461,
    );
  }
  static invalid(message: string, internal = 268435456): WxError {
    return new WxError(400, 'INVALID_REQUEST', message, undefined, internal);
  }
  static mchNotExists(): WxError {
    return new WxError(400, 'MCH_NOT_EXISTS', '商户号不存在', undefined, 268443701);
  }
  static appidMchidNotMatch(message = 'appid和mch_id不匹配'): WxError {
    return new WxError(400, 'APPID_MCHID_NOT_MATCH', message, undefined, 268445527);
  }
  static outTradeNoUsed(): WxError {
    return new WxError(403, 'OUT_TRADE_NO_USED', '商户订单号重复(请求重入时，参数与首次请求时不一致)', undefined, 268498688);
  }
  static orderNotExist(): WxError {
    return new WxError(404, 'ORDER_NOT_EXIST', '订单不存在', undefined, 268512771);
  }
  static orderPaid(): WxError {
    return new WxError(400, 'ORDER_PAID', '订单已支付', undefined, 268449538);
  }
  static orderClosed(): WxError {
    return new WxError(400, 'ORDER_CLOSED', '订单已关闭', undefined, 268447914);
  }
  static resourceNotExists(message = '资源不存在'): WxError {
    return new WxError(404, 'RESOURCE_NOT_EXISTS', message);
  }
  static notEnough(message = '可退款金额不足'): WxError {
    return new WxError(403, 'NOT_ENOUGH', message);
  }
  static noAuth(message: string): WxError {
    return new WxError(403, 'NO_AUTH', message);
  }
  static system(message = '系统错误'): WxError {
    return new WxError(500, 'SYSTEM_ERROR', message);
  }
}

/** An error of the simulator's control API (not a WeChat Pay error): `{code, message}`. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
