import { instancePerContainerCachingFactory } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Config } from '../config/schema';
import type { Logger } from '../common/logger';
import { WechatApiClient, type WechatApi } from './wechat-api';

/** Where WeChat's API is when config leaves it unset (demo and tests: the embedded simulator of this process). */
export function wechatBaseUrlOf(config: Config): string {
  return config.wechatApi.baseUrl ?? `${config.server.publicBaseUrl.replace(/\/+$/, '')}${config.simulator.mountPath}`;
}

/** Binds TOKENS.WechatApi: the api.weixin.qq.com client (mini-program login), one per container. */
export const wechatFeature: Feature = {
  name: 'wechat',
  register(c) {
    c.register(TOKENS.WechatApi, {
      useFactory: instancePerContainerCachingFactory((d) => {
        const config = d.resolve<Config>(TOKENS.Config);
        return new WechatApiClient(
          { ...config.wechatApi, baseUrl: wechatBaseUrlOf(config) },
          d.resolve<Logger>(TOKENS.Logger).child({ component: 'wechat-api' }),
        );
      }),
    });
  },
  async onStop(c) {
    await c.resolve<WechatApi>(TOKENS.WechatApi).close();
  },
};
