import type { DependencyContainer } from 'tsyringe';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import { tenantAuth, tenantOf } from '../tenancy';
import { IdempotencyService } from '../../platform/idempotency/idempotency.service';
import { answerIdempotently } from '../../platform/idempotency/idempotent-route';
import { OrderService } from './order.service';
import { createOrderBody, outTradeNoParams, syncQuery } from './order.input';
import { Metrics } from '../../platform/metrics/metrics';
import { orderAnswer as orderSchema, orderPaymentAnswer as createdSchema, PAYMENT_WEBHOOKS } from './payments.schemas';

/** The tenant's order API: /v1/orders. */
export function ordersRouter(c: DependencyContainer): ApiRouter {
  const orders = c.resolve(OrderService);
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
      summary: 'Create an order and the wx.requestPayment parameters (without payer: payment null, order.client_secret for /mp/v1)',
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
      const answer = await answerIdempotently(idempotency, req, res, tenant.id, body, async () =>
        OrderService.createAnswer(await orders.create(tenant, body)),
      );
      // The client_secret is added here, not in the stored answer: the idempotency record never holds it in clear.
      // Only orders without payer have one, and they are answered with payment null.
      // 201 is a new order; 200 and replays answer one that was counted already.
      if (res.statusCode === 201 && !res.getHeader('Idempotent-Replayed')) metrics?.orderCreated(tenant.spMchid, tenant.id);
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
  return r;
}
