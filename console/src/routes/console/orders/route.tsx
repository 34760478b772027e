import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import type { Query } from '../../../api/types';
import { cursor, day, dayRange, oneOf, PAGE_SIZE, text } from '../../../lib/search';
import { consoleRoute } from '../route';

export const TRADE_STATES = [
  'NOTPAY',
  'USERPAYING',
  'SUCCESS',
  'REFUND',
  'CLOSED',
  'PAYERROR',
  'REVOKED',
] as const satisfies readonly NonNullable<Query<'/admin/v1/orders'>['state']>[];
/** The payment modes (trade_type) an order is created with. */
export const TRADE_TYPES = ['JSAPI', 'NATIVE', 'H5', 'APP', 'MICROPAY'] as const satisfies readonly NonNullable<
  Query<'/admin/v1/orders'>['trade_type']
>[];

const search = z.object({
  out_trade_no: text(32),
  transaction_id: text(32),
  tenant_id: text(40),
  state: oneOf(TRADE_STATES),
  trade_type: oneOf(TRADE_TYPES),
  from: day,
  to: day,
  cursor,
});
export type OrdersSearch = z.infer<typeof search>;

export const ordersQuery = ({ from, to, ...s }: OrdersSearch) =>
  apiQuery('/admin/v1/orders', { params: { query: { limit: PAGE_SIZE, ...s, ...dayRange(from, to) } } });

export const ordersRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'orders',
  staticData: { nav: { label: 'nav.orders', order: 50, api: '/admin/v1/orders' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(ordersQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'OrdersPage'),
});

export const orderQuery = (id: string) => apiQuery('/admin/v1/orders/{id}', { params: { path: { id } } });
/** The order's refunds (the API filters refunds by tenant and out_trade_no). */
export const orderRefundsQuery = (tenantId: string, outTradeNo: string) =>
  apiQuery('/admin/v1/refunds', { params: { query: { tenant_id: tenantId, out_trade_no: outTradeNo, limit: 100 } } });
/** The tenant's latest events: the API has no filter by order, so the page picks this order's among them. */
export const tenantEventsQuery = (tenantId: string) =>
  apiQuery('/admin/v1/events', { params: { query: { tenant_id: tenantId, limit: 100 } } });

export const orderRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'orders/$id',
  loader: async ({ context: { queryClient }, params }) => {
    const { order } = await queryClient.ensureQueryData(orderQuery(params.id));
    // Both at once, once the order names its tenant.
    await Promise.all([
      queryClient.ensureQueryData(orderRefundsQuery(order.tenant_id, order.out_trade_no)),
      queryClient.ensureQueryData(tenantEventsQuery(order.tenant_id)),
    ]);
  },
  component: lazyRouteComponent(() => import('./Detail'), 'OrderDetail'),
});
