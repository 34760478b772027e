import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { cursor, oneOf, PAGE_SIZE } from '../../../lib/search';
import { STATES } from '../../console/complaints/route';
import { portalRoute } from '../route';

const search = z.object({ state: oneOf(STATES), cursor });
export type PortalComplaintsSearch = z.infer<typeof search>;

export const portalComplaintsQuery = (s: PortalComplaintsSearch) =>
  apiQuery('/portal/v1/complaints', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const portalComplaintsRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'complaints',
  staticData: { nav: { label: 'nav.complaints', order: 15, api: '/portal/v1/complaints' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(portalComplaintsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'PortalComplaintsPage'),
});

export const portalComplaintQuery = (id: string) =>
  apiQuery('/portal/v1/complaints/{complaint_id}', { params: { path: { complaint_id: id } } });

export const portalComplaintRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'complaints/$complaintId',
  loader: ({ context, params }) => context.queryClient.ensureQueryData(portalComplaintQuery(params.complaintId)),
  component: lazyRouteComponent(() => import('./Detail'), 'PortalComplaintDetail'),
});
