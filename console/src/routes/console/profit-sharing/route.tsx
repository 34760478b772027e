import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { cursor, oneOf, PAGE_SIZE, text } from '../../../lib/search';
import { consoleRoute } from '../route';
import { complianceQuery, receiversQuery } from '../tenants/route';

export const SPLIT_EVENTS = ['profit_sharing.finished', 'profit_sharing.returned'] as const;

const search = z.object({ tenant_id: text(40), type: oneOf(SPLIT_EVENTS), cursor });
export type ProfitSharingSearch = z.infer<typeof search>;

/**
 * Finished splits and returns, from the events partnerpay sent the tenants (the admin API has no list
 * of splits of its own): each carries the split with every receiver's result.
 */
export const splitEventsQuery = ({ type, ...s }: ProfitSharingSearch) =>
  apiQuery('/admin/v1/events', { params: { query: { limit: PAGE_SIZE, type: type ?? 'profit_sharing.finished', ...s } } });

export const profitSharingRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'profit-sharing',
  staticData: { nav: { label: 'nav.profitSharing', order: 100, api: '/admin/v1/tenants/{id}/receivers' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context: { queryClient }, deps }) =>
    Promise.all([
      queryClient.ensureQueryData(splitEventsQuery(deps)),
      ...(deps.tenant_id
        ? [queryClient.ensureQueryData(receiversQuery(deps.tenant_id)), queryClient.ensureQueryData(complianceQuery(deps.tenant_id))]
        : []),
    ]),
  component: lazyRouteComponent(() => import('./Page'), 'ProfitSharingPage'),
});
