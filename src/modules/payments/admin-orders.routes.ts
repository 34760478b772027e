import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { adminOrderSchema, pageOf } from './payments.schemas';
import { ApiRouter } from '../../platform/http/route';
import { decodeCursor, encodeCursor, pageQuery } from '../../platform/http/paging';
import { operatorAuth } from '../operators';
import { OrderService } from './order.service';
import { OrderRepository } from './order.repository';
import { adminOrderView } from './order.view';
import { TRADE_TYPES } from './order.input';

const listQuery = pageQuery.extend({
  tenant_id: z.string().max(40).optional(),
  state: z.enum(['NOTPAY', 'USERPAYING', 'SUCCESS', 'CLOSED', 'PAYERROR', 'REFUND', 'REVOKED']).optional(),
  trade_type: z.enum(TRADE_TYPES).optional(),
  out_trade_no: z.string().max(32).optional(),
  transaction_id: z.string().max(32).optional(),
  created_from: z.iso.datetime({ offset: true }).optional(),
  created_to: z.iso.datetime({ offset: true }).optional(),
});

/** Operators' view of every tenant's orders: /admin/v1/orders. */
export function adminOrdersRouter(c: DependencyContainer): ApiRouter {
  const repo = c.resolve(OrderRepository);
  const orders = c.resolve(OrderService);
  const viewer = operatorAuth(c, 'viewer');
  const r = new ApiRouter();
  r.route(
    {
      method: 'get',
      path: '/admin/v1/orders',
      summary: 'List orders (filters: tenant_id, state, trade_type, out_trade_no, transaction_id, created_from/created_to), newest first',
      tags: ['admin'],
      auth: 'operator',
      query: listQuery,
      responses: { 200: { description: 'a page of orders', schema: pageOf(adminOrderSchema) } },
    },
    viewer,
    async ({ query }) => {
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const page = await repo.list(
        {
          tenantId: query.tenant_id,
          state: query.state,
          tradeType: query.trade_type,
          outTradeNo: query.out_trade_no,
          transactionId: query.transaction_id,
          createdFrom: query.created_from ? Date.parse(query.created_from) : undefined,
          createdTo: query.created_to ? Date.parse(query.created_to) : undefined,
        },
        query.limit + 1,
        after && { createdAt: after.n, id: after.id },
      );
      const more = page.length > query.limit;
      const data = page.slice(0, query.limit);
      const last = data[data.length - 1];
      return { data: data.map(adminOrderView), next_cursor: more && last ? encodeCursor(last.createdAt, last.id) : null };
    },
  );
  r.route(
    {
      method: 'get',
      path: '/admin/v1/orders/:id',
      summary: 'Get any order by id',
      tags: ['admin'],
      auth: 'operator',
      params: z.object({ id: z.string().max(40) }),
      responses: { 200: { description: 'the order', schema: z.object({ order: adminOrderSchema }) } },
    },
    viewer,
    async ({ params }) => ({ order: adminOrderView(await orders.byId(params.id)) }),
  );
  return r;
}
