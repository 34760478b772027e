import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { cursor, PAGE_SIZE } from '../../../lib/search';
import { consoleRoute } from '../route';

const search = z.object({ cursor });

export const operatorsQuery = (s: { cursor?: string }) =>
  apiQuery('/admin/v1/operators', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const operatorsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'operators',
  staticData: { nav: { label: 'nav.operators', order: 120, api: '/admin/v1/operators' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(operatorsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'OperatorsPage'),
});
