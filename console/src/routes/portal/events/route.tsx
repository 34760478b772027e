import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { cursor, oneOf, PAGE_SIZE } from '../../../lib/search';
import { EVENT_TYPES } from '../../console/events/route';
import { portalRoute } from '../route';

const search = z.object({ type: oneOf(EVENT_TYPES), cursor });
export type PortalEventsSearch = z.infer<typeof search>;

export const portalEventsQuery = (s: PortalEventsSearch) =>
  apiQuery('/portal/v1/events', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const portalEventsRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'events',
  staticData: { nav: { label: 'nav.events', order: 40, api: '/portal/v1/events' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(portalEventsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'PortalEventsPage'),
});

export const portalEventQuery = (id: string) => apiQuery('/portal/v1/events/{id}', { params: { path: { id } } });

export const portalEventRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'events/$id',
  loader: ({ context, params }) => context.queryClient.ensureQueryData(portalEventQuery(params.id)),
  component: lazyRouteComponent(() => import('./Detail'), 'PortalEventDetail'),
});
