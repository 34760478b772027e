import { AppError } from '../../platform/errors/errors';
import type { AuthorizationRepository } from './authorization.repository';
import type { ComponentTokens } from './component-token';
import { ComponentErrcodeError, type ComponentApi } from './component-api';

/**
 * Mini-program login for apps built on the open platform (checkout's port): the buyer's openid
 * through /sns/component/jscode2session with the component token, so no AppSecret of the shop's is
 * needed. WeChat's 61003 (the owner withdrew the authorisation before its push arrived) is
 * 422 APP_NOT_AUTHORIZED; other refusals of the code are ComponentErrcodeError for checkout to explain.
 */
export class ComponentLogin {
  constructor(
    private readonly authorizations: AuthorizationRepository,
    private readonly tokens: ComponentTokens,
    private readonly api: ComponentApi,
  ) {}

  /** The open platform `appid` is authorised to now, or undefined (then it logs in with an AppSecret, if any). */
  async componentOf(appid: string): Promise<string | undefined> {
    return (await this.authorizations.authorizedApp(appid))?.componentAppid;
  }

  /** The buyer behind a wx.login code of `appid`, asked through `componentAppid` (one retry on an expired token). */
  async code2Session(componentAppid: string, appid: string, jsCode: string): Promise<{ openid: string; unionid?: string }> {
    try {
      return await this.tokens.withToken(componentAppid, (token) => this.api.code2Session(componentAppid, token, appid, jsCode));
    } catch (err) {
      if (err instanceof ComponentErrcodeError && err.errcode === 61003)
        throw new AppError(
          'APP_NOT_AUTHORIZED',
          `WeChat says mini-program ${appid} is not authorised to the open platform ${componentAppid} (61003); ` +
            'its owner must authorise it again',
          { appid, upstream: { service: 'api.weixin.qq.com', errcode: err.errcode, errmsg: err.errmsg } },
          { cause: err },
        );
      throw err;
    }
  }
}
