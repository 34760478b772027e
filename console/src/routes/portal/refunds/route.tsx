import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { cursor, oneOf, PAGE_SIZE, text } from '../../../lib/search';
import { REFUND_STATUSES } from '../../console/refunds/route';
import { portalRoute } from '../route';

const search = z.object({ out_trade_no: text(32), out_refund_no: text(64), status: oneOf(REFUND_STATUSES), cursor });
export type PortalRefundsSearch = z.infer<typeof search>;

export const portalRefundsQuery = (s: PortalRefundsSearch) =>
  apiQuery('/portal/v1/refunds', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const portalRefundsRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'refunds',
  staticData: { nav: { label: 'nav.refunds', order: 12, api: '/portal/v1/refunds' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(portalRefundsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'PortalRefundsPage'),
});
