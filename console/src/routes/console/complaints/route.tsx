import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { cursor, oneOf, PAGE_SIZE, text } from '../../../lib/search';
import { consoleRoute } from '../route';

/** WeChat Pay's complaint states (others it adds later are shown as they come). */
export const STATES = ['PENDING', 'PROCESSING', 'PROCESSED'] as const;

const search = z.object({ tenant_id: text(64), state: oneOf(STATES), overdue: oneOf(['true', 'false'] as const), cursor });
export type ComplaintsSearch = z.infer<typeof search>;

export const complaintsQuery = (s: ComplaintsSearch) => apiQuery('/admin/v1/complaints', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const complaintsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'complaints',
  staticData: { nav: { label: 'nav.complaints', order: 75, api: '/admin/v1/complaints' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(complaintsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'ComplaintsPage'),
});
