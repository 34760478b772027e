import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { decodeCursor, encodeCursor, pageQuery } from '../../platform/http/paging';
import { AuditLog } from '../operators';
import {
  OrderRepository,
  OrderService,
  RefundRepository,
  RefundService,
  orderView,
  refundView,
  createRefundBody,
  orderSchema,
  refundSchema,
  refundAnswer,
  pageOf,
} from '../payments';
import { portalAuth, principalOf } from './portal-auth';

const outTradeNo = z.object({ out_trade_no: z.string().max(32) });
const orderPage = pageOf(orderSchema).meta({ id: 'OrderPage', description: 'A page of orders, newest first' });
const refundPage = pageOf(refundSchema).meta({ id: 'RefundPage', description: 'A page of refunds, newest first' });
const orderWithRefunds = z
  .object({ order: orderSchema, refunds: z.array(refundSchema).describe('at most 100, newest first') })
  .meta({ id: 'OrderWithRefunds', description: 'An order and its refunds' });

/**
 * The portal's view of its tenant's payments: orders (search, detail with refunds), refunds, and
 * refunding (owner and staff). The tenant is always the session's: another tenant's order is 404.
 */
export function portalPaymentsRouter(c: DependencyContainer): ApiRouter {
  const orders = c.resolve(OrderService);
  const orderRows = c.resolve(OrderRepository);
  const refunds = c.resolve(RefundService);
  const refundRows = c.resolve(RefundRepository);
  const audit = c.resolve(AuditLog);
  const anyone = portalAuth(c);
  const r = new ApiRouter();

  r.route(
    {
      method: 'get',
      path: '/portal/v1/orders',
      summary: "The signed-in tenant's orders, newest first (filters: out_trade_no, transaction_id, state)",
      tags: ['portal'],
      auth: 'portal',
      query: pageQuery.extend({
        out_trade_no: z.string().max(32).optional(),
        transaction_id: z.string().max(32).optional(),
        state: z.enum(['NOTPAY', 'SUCCESS', 'CLOSED', 'PAYERROR', 'REFUND']).optional(),
      }),
      responses: { 200: { description: 'a page of orders', schema: orderPage } },
    },
    anyone,
    async ({ query, req }) => {
      const { tenant } = principalOf(req);
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const page = await orderRows.list(
        { tenantId: tenant.id, outTradeNo: query.out_trade_no, transactionId: query.transaction_id, state: query.state },
        query.limit + 1,
        after && { createdAt: after.n, id: after.id },
      );
      const data = page.slice(0, query.limit);
      const last = data[data.length - 1];
      return { data: data.map(orderView), next_cursor: page.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null };
    },
  );

  r.route(
    {
      method: 'get',
      path: '/portal/v1/orders/:out_trade_no',
      summary: "One of the tenant's orders with its refunds (another tenant's: 404)",
      tags: ['portal'],
      auth: 'portal',
      params: outTradeNo,
      responses: { 200: { description: 'the order and its refunds', schema: orderWithRefunds } },
    },
    anyone,
    async ({ params, req }) => {
      const { tenant } = principalOf(req);
      const order = await orders.get(tenant, params.out_trade_no);
      const rows = await refundRows.list({ tenantId: tenant.id, outTradeNo: order.outTradeNo }, 100);
      return { order: orderView(order), refunds: rows.map(refundView) };
    },
  );

  r.route(
    {
      method: 'get',
      path: '/portal/v1/refunds',
      summary: "The tenant's refunds, newest first (filters: out_trade_no, out_refund_no, status)",
      tags: ['portal'],
      auth: 'portal',
      query: pageQuery.extend({
        out_trade_no: z.string().max(32).optional(),
        out_refund_no: z.string().max(64).optional(),
        status: z.enum(['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL']).optional(),
      }),
      responses: { 200: { description: 'a page of refunds', schema: refundPage } },
    },
    anyone,
    async ({ query, req }) => {
      const { tenant } = principalOf(req);
      const page = await refundRows.list(
        { tenantId: tenant.id, outTradeNo: query.out_trade_no, outRefundNo: query.out_refund_no, status: query.status },
        query.limit + 1,
        query.cursor ? decodeCursor(query.cursor) : undefined,
      );
      const data = page.slice(0, query.limit);
      const last = data[data.length - 1];
      return { data: data.map(refundView), next_cursor: page.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null };
    },
  );

  r.route(
    {
      method: 'post',
      path: '/portal/v1/refunds',
      summary: "Refund (part of) one of the tenant's paid orders (owner and staff; X-CSRF-Token; the tenant API's rules)",
      tags: ['portal'],
      auth: 'portal',
      body: createRefundBody,
      errors: [
        'NOT_FOUND',
        'OUT_REFUND_NO_USED',
        'ORDER_NOT_REFUNDABLE',
        'REFUND_AMOUNT_EXCEEDED',
        'SECONDARY_CLEARING_FORBIDDEN',
        'CONFLICT',
        'UPSTREAM_ERROR',
        'UPSTREAM_TIMEOUT',
      ],
      headers: { 'X-CSRF-Token': "the session's csrf_token (GET /portal/v1/session)" },
      responses: {
        201: { description: 'accepted (status PROCESSING or final)', schema: refundAnswer },
        200: { description: 'the existing refund with this out_refund_no and body', schema: refundAnswer },
      },
    },
    portalAuth(c, ['owner', 'staff']),
    async ({ body, req, res }) => {
      const { tenant, user } = principalOf(req);
      const out = await refunds.create(tenant, body);
      if (out.created)
        await refundRows.db.tx((em) =>
          audit.record(
            em,
            { actor: `portal:${user.id}`, requestId: req.id },
            { action: 'portal.refund', target: `tenant:${tenant.id}`, after: { login: user.login, ...refundView(out.refund) } },
          ),
        );
      res.status(out.created ? 201 : 200);
      return { refund: refundView(out.refund) };
    },
  );
  return r;
}
