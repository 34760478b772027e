import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { cursor, oneOf, PAGE_SIZE } from '../../../lib/search';
import { SPLIT_EVENTS } from '../../console/profit-sharing/route';
import { portalRoute } from '../route';

const search = z.object({ type: oneOf(SPLIT_EVENTS), cursor });
export type PortalSplitsSearch = z.infer<typeof search>;

/** The shop's finished splits (each receiver's result) or returns: the events partnerpay sent it. */
export const portalSplitsQuery = ({ type, ...s }: PortalSplitsSearch) =>
  apiQuery('/portal/v1/events', { params: { query: { limit: PAGE_SIZE, type: type ?? 'profit_sharing.finished', ...s } } });

export const portalProfitSharingRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'profit-sharing',
  staticData: { nav: { label: 'nav.profitSharing', order: 35, api: '/portal/v1/events' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(portalSplitsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'PortalProfitSharingPage'),
});
