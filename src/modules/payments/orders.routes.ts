import type { DependencyContainer } from 'tsyringe';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import { tenantAuth, tenantOf } from '../tenancy';
import { IdempotencyService } from '../../platform/idempotency/idempotency.service';
import { answerIdempotently } from '../../platform/idempotency/idempotent-route';
import { OrderService } from './order.service';
import { MicropayService } from './micropay.service';
import { createOrderBody, outTradeNoParams, syncQuery, type CreateOrderInput } from './order.input';
import { Metrics } from '../../platform/metrics/metrics';
import { orderAnswer as orderSchema, orderPaymentAnswer as createdSchema, PAYMENT_WEBHOOKS } from './payments.schemas';

/** The body as the idempotency record hashes it: a 付款码's auth_code is kept nowhere, not even hashed. */
const withoutAuthCode = (b: CreateOrderInput) => (b.payer?.auth_code ? { ...b, payer: { ...b.payer, auth_code: undefined } } : b);

/** The tenant's order API: /v1/orders. */
export function ordersRouter(c: DependencyContainer): ApiRouter {
  const orders = c.resolve(OrderService);
  const micropay = c.resolve(MicropayService);
  const idempotency = c.resolve<IdempotencyService>(TOKENS.Idempotency);
  const auth = tenantAuth(c);
  const metrics = c.isRegistered(Metrics, true) ? c.resolve(Metrics) : undefined;
  const r = new ApiRouter();
  for (const w of PAYMENT_WEBHOOKS)
    r.webhook({
      ...w,
      description: `${w.summary}. Signed (Partnerpay-Signature), retried on WeChat Pay's schedule until a 2xx; may arrive twice.`,
    });

  r.route(
    {
      method: 'post',
      path: '/v1/orders',
      summary:
        "Create an order in its trade_type and what the buyer's client needs (JSAPI: wx.requestPayment parameters, or without payer " +
        'payment null and order.client_secret for /mp/v1; NATIVE: code_url; H5: h5_url; APP: the OpenSDK PayReq; ' +
        'MICROPAY: the charge, payment null)',
      errors: [
        'OUT_TRADE_NO_USED',
        'APPID_MCHID_NOT_MATCH',
        'SECONDARY_CLEARING_FORBIDDEN',
        'APP_SECRET_MISSING',
        'APP_NOT_AUTHORIZED',
        'CONFLICT',
        'UPSTREAM_ERROR',
        'UPSTREAM_TIMEOUT',
      ],
      tags: ['orders'],
      auth: 'tenant',
      body: createOrderBody,
      headers: { 'Idempotency-Key': 'optional, at most 64 printable ASCII characters; the first answer is replayed for 24 h' },
      responses: {
        201: { description: 'created', schema: createdSchema },
        200: { description: 'the existing order with this out_trade_no and body', schema: createdSchema },
      },
    },
    auth,
    async ({ body, req, res }) => {
      const tenant = tenantOf(req);
      const answer = await answerIdempotently(idempotency, req, res, tenant.id, withoutAuthCode(body), async () =>
        OrderService.createAnswer(await (body.trade_type === 'MICROPAY' ? micropay.create(tenant, body) : orders.create(tenant, body))),
      );
      // The client_secret is added here, not in the stored answer: the idempotency record never holds it in clear.
      // Only orders without payer have one, and they are answered with payment null.
      // 201 is a new order; 200 and replays answer one that was counted already.
      if (res.statusCode === 201 && !res.getHeader('Idempotent-Replayed'))
        metrics?.orderCreated(tenant.spMchid, tenant.id, body.trade_type ?? 'JSAPI');
      if (res.statusCode >= 300 || answer.payment !== null || typeof answer.order?.out_trade_no !== 'string') return answer;
      return { ...answer, order: await orders.tenantView(await orders.get(tenant, answer.order.out_trade_no)) };
    },
  );

  r.route(
    {
      method: 'get',
      path: '/v1/orders/:out_trade_no',
      errors: ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
      summary: 'Get an order (sync=true asks WeChat Pay first)',
      tags: ['orders'],
      auth: 'tenant',
      params: outTradeNoParams,
      query: syncQuery,
      responses: { 200: { description: 'the order', schema: orderSchema } },
    },
    auth,
    async ({ params, query, req }) => ({
      order: await orders.tenantView(await orders.get(tenantOf(req), params.out_trade_no, query.sync === 'true')),
    }),
  );

  r.route(
    {
      method: 'post',
      path: '/v1/orders/:out_trade_no/payment',
      errors: [
        'ORDER_PAID',
        'ORDER_CLOSED',
        'CONFLICT',
        'APPID_MCHID_NOT_MATCH',
        'APP_NOT_AUTHORIZED',
        'APP_SECRET_MISSING',
        'UPSTREAM_ERROR',
        'UPSTREAM_TIMEOUT',
      ],
      summary: 'Fresh wx.requestPayment parameters for an unpaid order',
      tags: ['orders'],
      auth: 'tenant',
      params: outTradeNoParams,
      responses: { 200: { description: 'order and payment', schema: createdSchema } },
    },
    auth,
    async ({ params, req }) => {
      const r = await orders.payment(tenantOf(req), params.out_trade_no);
      return { order: await orders.tenantView(r.order), payment: r.payment };
    },
  );

  r.route(
    {
      method: 'post',
      path: '/v1/orders/:out_trade_no/close',
      errors: ['ORDER_PAID', 'CONFLICT', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
      summary: 'Close an unpaid order',
      tags: ['orders'],
      auth: 'tenant',
      params: outTradeNoParams,
      responses: { 200: { description: 'the closed order', schema: orderSchema } },
    },
    auth,
    async ({ params, req }) => ({ order: await orders.tenantView(await orders.close(tenantOf(req), params.out_trade_no)) }),
  );

  r.route(
    {
      method: 'post',
      path: '/v1/orders/:out_trade_no/reverse',
      errors: ['ORDER_NOT_REVERSIBLE', 'CONFLICT', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
      summary:
        'Reverse (撤销) a 付款码 (MICROPAY) charge: unpaid, trade_state REVOKED; paid, refunded in full (REFUND); ' +
        '409 ORDER_NOT_REVERSIBLE with the reason otherwise',
      tags: ['orders'],
      auth: 'tenant',
      params: outTradeNoParams,
      responses: { 200: { description: 'the reversed order', schema: orderSchema } },
    },
    auth,
    async ({ params, req }) => ({ order: await orders.tenantView(await micropay.reverse(tenantOf(req), params.out_trade_no)) }),
  );
  return r;
}
