import { instancePerContainerCachingFactory } from 'tsyringe';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Config } from '../../platform/config/schema';
import type { Logger } from '../../platform/logging/logger';
import { WechatApiClient, type WechatApi } from './wechat-api';
import { CheckoutService } from './checkout.service';
import { checkoutRouter } from './checkout.routes';

/** Where WeChat's API is when config leaves it unset (demo and tests: the embedded simulator of this process). */
export function wechatBaseUrlOf(config: Config): string {
  return config.wechatApi.baseUrl ?? `${config.server.publicBaseUrl.replace(/\/+$/, '')}${config.simulator.mountPath}`;
}

/**
 * Mini-program checkout: /mp/v1, paid with an order's client_secret and a wx.login code checked
 * at WeChat's API (TOKENS.WechatApi: the api.weixin.qq.com client, one per container).
 */
export const checkoutModule: AppModule = {
  name: 'checkout',
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
    c.registerSingleton(CheckoutService);
  },
  routers: (c) => [checkoutRouter(c)],
  async onStop(c) {
    await c.resolve<WechatApi>(TOKENS.WechatApi).close();
  },
};
