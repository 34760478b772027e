import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { cursor, oneOf, PAGE_SIZE, text } from '../../../lib/search';
import type { Query } from '../../../api/types';
import { portalRoute } from '../route';

/** The states the portal's order search takes (the API's own list). */
export const PORTAL_TRADE_STATES = ['NOTPAY', 'SUCCESS', 'REFUND', 'CLOSED', 'PAYERROR'] as const satisfies readonly NonNullable<
  Query<'/portal/v1/orders'>['state']
>[];

const search = z.object({ out_trade_no: text(32), transaction_id: text(32), state: oneOf(PORTAL_TRADE_STATES), cursor });
export type PortalOrdersSearch = z.infer<typeof search>;

export const portalOrdersQuery = (s: PortalOrdersSearch) =>
  apiQuery('/portal/v1/orders', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const portalOrdersRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'orders',
  staticData: { nav: { label: 'nav.orders', order: 10, api: '/portal/v1/orders' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(portalOrdersQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'PortalOrdersPage'),
});

export const portalOrderQuery = (outTradeNo: string) =>
  apiQuery('/portal/v1/orders/{out_trade_no}', { params: { path: { out_trade_no: outTradeNo } } });

export const portalOrderRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'orders/$outTradeNo',
  loader: ({ context, params }) => context.queryClient.ensureQueryData(portalOrderQuery(params.outTradeNo)),
  component: lazyRouteComponent(() => import('./Detail'), 'PortalOrderDetail'),
});
