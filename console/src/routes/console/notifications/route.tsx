import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import type { Query } from '../../../api/types';
import { cursor, oneOf, PAGE_SIZE, text } from '../../../lib/search';
import { consoleRoute } from '../route';

export const OUTCOMES = [
  'applied',
  'duplicate',
  'replayed',
  'refused',
  'unmatched',
  'conflict',
  'error',
] as const satisfies readonly NonNullable<Query<'/admin/v1/notifications'>['outcome']>[];

const search = z.object({ tenant_id: text(64), outcome: oneOf(OUTCOMES), cursor });
export type NotificationsSearch = z.infer<typeof search>;

export const notificationsQuery = (s: NotificationsSearch) =>
  apiQuery('/admin/v1/notifications', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const notificationsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'notifications',
  staticData: { nav: { label: 'nav.notifications', order: 70, api: '/admin/v1/notifications' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(notificationsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'NotificationsPage'),
});
