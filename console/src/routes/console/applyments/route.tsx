import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { cursor, oneOf, PAGE_SIZE, text } from '../../../lib/search';
import { consoleRoute } from '../route';

export const APPLYMENT_STATES = [
  'APPLYMENT_STATE_EDITTING',
  'APPLYMENT_STATE_AUDITING',
  'APPLYMENT_STATE_REJECTED',
  'APPLYMENT_STATE_TO_BE_CONFIRMED',
  'APPLYMENT_STATE_TO_BE_SIGNED',
  'APPLYMENT_STATE_SIGNING',
  'APPLYMENT_STATE_FINISHED',
  'APPLYMENT_STATE_CANCELED',
] as const;

const search = z.object({ sp_mchid: text(10), state: oneOf(APPLYMENT_STATES), cursor });
export type ApplymentsSearch = z.infer<typeof search>;

export const applymentsQuery = (s: ApplymentsSearch) => apiQuery('/admin/v1/applyments', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const applymentsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'applyments',
  staticData: { nav: { label: 'nav.applyments', order: 40, api: '/admin/v1/applyments' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(applymentsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'ApplymentsPage'),
});

export const applymentQuery = (id: string) => apiQuery('/admin/v1/applyments/{id}', { params: { path: { id } } });

export const applymentRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'applyments/$id',
  loader: ({ context, params }) => context.queryClient.ensureQueryData(applymentQuery(params.id)),
  component: lazyRouteComponent(() => import('./Detail'), 'ApplymentDetail'),
});

export const newApplymentRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'applyments/new',
  component: lazyRouteComponent(() => import('./New'), 'NewApplyment'),
});
