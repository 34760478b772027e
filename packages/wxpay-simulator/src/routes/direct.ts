import type { ApiRoutes } from '../http';
import { WxError } from '../errors';

/**
 * Direct-merchant payment APIs (/v3/pay/transactions/...). A service provider's mchid cannot collect
 * payments (服务商收款账号并不具备收款能力), so WeChat Pay refuses them; partnerpay must never call these.
 */
export function registerDirectRoutes(api: ApiRoutes): void {
  const refuse = () => {
    throw WxError.noAuth('商户号该产品权限未开通：服务商商户号不具备收款能力，请使用服务商模式接口 /v3/pay/partner/transactions/...');
  };
  api.route('post', '/v3/pay/transactions/*rest', refuse);
  api.route('get', '/v3/pay/transactions/*rest', refuse);
}
