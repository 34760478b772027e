import { AppError } from '../../platform/errors/errors';
import { WechatErrcodeError } from './wechat-errors';

/**
 * Turns WeChat's refusal of a wx.login code into the contract's error, with what the caller should
 * do. Anything else (transport, malformed) keeps its own 502/504 through toAppError().
 */
export function loginError(err: unknown, appid: string, tenantId: string, devMode?: string): unknown {
  if (!(err instanceof WechatErrcodeError)) return err;
  const upstream = { service: 'api.weixin.qq.com', errcode: err.errcode, errmsg: err.errmsg };
  switch (err.errcode) {
    case 40029:
    case 40163:
      return new AppError(
        'INVALID_LOGIN_CODE',
        `WeChat refused the wx.login code (${err.errcode}: invalid, already used, expired, or issued for another AppID); ` +
          `call wx.login again in the mini-program ${appid} and pay with the new code`,
        { fields: [{ field: 'code', issue: 'refused by WeChat' }], upstream },
        { cause: err },
      );
    case 45011:
      return new AppError(
        'FREQUENCY_LIMITED',
        'WeChat limits logins to 100 per user per minute (45011); wait a minute, then call wx.login again',
        { retry_after: 60, upstream },
        { cause: err, headers: { 'Retry-After': '60' } },
      );
    case 40226:
      return new AppError(
        'FORBIDDEN',
        'WeChat blocked this login as a high-risk user (40226); this WeChat account cannot pay here now',
        { upstream },
        { cause: err },
      );
    case 40013:
    case 40125:
      return new AppError(
        'APP_SECRET_MISSING',
        `WeChat rejects the AppID or AppSecret on file for ${appid} (${err.errcode}); an operator must set the current AppSecret ` +
          (devMode === 'centralized'
            ? "of the service provider's mini-program (sp_app_secret) with PUT /admin/v1/service-providers/{sp_mchid}"
            : `with PATCH /admin/v1/tenants/${tenantId}/apps/${appid} {"app_secret": "..."}`),
        { appid, upstream },
        { cause: err },
      );
    default:
      return new AppError(
        'UPSTREAM_ERROR',
        `WeChat login failed (${err.errcode}); retry`,
        { retryable: err.errcode === -1, upstream },
        { cause: err },
      );
  }
}
