import type { Config } from './schema';

/** The embedded simulator's root, which stands in for WeChat's hosts when their URLs are unset (demo and tests). */
function simulatorRoot(config: Config): string {
  return `${config.server.publicBaseUrl.replace(/\/+$/, '')}${config.simulator.mountPath}`;
}

/** api.weixin.qq.com (WECHAT_API_BASE_URL), or the embedded simulator when unset. */
export function wechatApiBaseUrl(config: Config): string {
  return config.wechatApi.baseUrl ?? simulatorRoot(config);
}

/** mp.weixin.qq.com, the open platform's authorisation pages (WECHAT_MP_BASE_URL), or the embedded simulator when unset. */
export function wechatMpBaseUrl(config: Config): string {
  return config.wechatApi.mpBaseUrl ?? simulatorRoot(config);
}
