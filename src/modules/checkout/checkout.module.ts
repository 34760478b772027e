import type { Feature } from '../common/feature';
import { CheckoutService } from './checkout.service';
import { checkoutRouter } from './checkout.routes';

/** Mini-program checkout: /mp/v1, paid with an order's client_secret and a wx.login code. */
export const checkoutFeature: Feature = {
  name: 'checkout',
  register(c) {
    c.registerSingleton(CheckoutService);
  },
  routers: (c) => [checkoutRouter(c)],
};
