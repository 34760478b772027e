import type { DependencyContainer } from 'tsyringe';
import type { Request } from 'express';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { CheckoutService } from './checkout.service';

const orderId = z.string().regex(/^ord_[A-Za-z0-9_-]{16,40}$/, 'must be an order id (ord_...)');
const clientSecret = z
  .string()
  .max(128)
  .regex(/^ord_[A-Za-z0-9_-]+_secret_[A-Za-z0-9_-]+$/, "must be the order's client_secret (ord_..._secret_...)");
// wx.login codes are short strings of letters and digits; anything else is not worth asking WeChat about.
const code = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be the code from wx.login');

const view = z.object({
  id: z.string(),
  out_trade_no: z.string(),
  description: z.string(),
  amount: z.object({ total: z.number(), currency: z.string() }),
  trade_state: z.string(),
});
const payment = z.object({
  appId: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string(),
  signType: z.literal('RSA'),
  paySign: z.string(),
});
const address = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** /mp/v1: what a sub-merchant's mini-program calls with an order's client_secret (no tenant key on the phone). */
export function checkoutRouter(c: DependencyContainer): ApiRouter {
  const checkout = c.resolve(CheckoutService);
  const tags = ['mini-program checkout'];
  return new ApiRouter()
    .route(
      {
        method: 'post',
        path: '/mp/v1/orders/:order_id/pay',
        operationId: 'payCheckoutOrder',
        errors: [
          'INVALID_LOGIN_CODE',
          'ORDER_PAID',
          'ORDER_CLOSED',
          'PAYER_MISMATCH',
          'CONFLICT',
          'APP_SECRET_MISSING',
          'APP_NOT_AUTHORIZED',
          'APPID_MCHID_NOT_MATCH',
          'SECONDARY_CLEARING_FORBIDDEN',
          'UPSTREAM_ERROR',
          'UPSTREAM_TIMEOUT',
        ],
        summary: 'Pay an order from the mini-program: client_secret + wx.login code → exactly what wx.requestPayment takes',
        tags,
        auth: 'client',
        params: z.object({ order_id: orderId }),
        body: z.strictObject({ client_secret: clientSecret, code }),
        responses: { 200: { description: 'the order and wx.requestPayment parameters', schema: z.object({ order: view, payment }) } },
      },
      async ({ params, body, req }) => {
        await checkout.throttle(address(req));
        return checkout.pay(params.order_id, body.client_secret, body.code, address(req));
      },
    )
    .route(
      {
        method: 'get',
        path: '/mp/v1/orders/:order_id',
        operationId: 'getCheckoutOrder',
        summary: "The order for the mini-program's result page (wx.requestPayment's callback is not proof of payment)",
        tags,
        auth: 'client',
        params: z.object({ order_id: orderId }),
        query: z.object({ client_secret: clientSecret }),
        responses: { 200: { description: 'the order', schema: z.object({ order: view }) } },
      },
      async ({ params, query, req }) => {
        await checkout.throttle(address(req));
        return { order: await checkout.view(params.order_id, query.client_secret, address(req)) };
      },
    );
}
