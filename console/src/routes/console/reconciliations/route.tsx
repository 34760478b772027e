import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import type { Query } from '../../../api/types';
import { cursor, day, oneOf, PAGE_SIZE, text } from '../../../lib/search';
import { consoleRoute } from '../route';

const search = z.object({ sp_mchid: text(16), bill_date: day, cursor });
export type ReconciliationsSearch = z.infer<typeof search>;

export const reconciliationsQuery = (s: ReconciliationsSearch) =>
  apiQuery('/admin/v1/reconciliations', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const reconciliationsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'reconciliations',
  staticData: { nav: { label: 'nav.reconciliations', order: 90, api: '/admin/v1/reconciliations' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(reconciliationsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'ReconciliationsPage'),
});

export const DISCREPANCY_KINDS = [
  'missing_local',
  'missing_upstream',
  'amount_mismatch',
  'state_mismatch',
] as const satisfies readonly NonNullable<Query<'/admin/v1/reconciliations/{id}/discrepancies'>['kind']>[];

const detailSearch = z.object({ tenant_id: text(40), kind: oneOf(DISCREPANCY_KINDS), cursor });
export type DiscrepancySearch = z.infer<typeof detailSearch>;

export const reconciliationQuery = (id: string) => apiQuery('/admin/v1/reconciliations/{id}', { params: { path: { id } } });
export const discrepanciesQuery = (id: string, s: DiscrepancySearch) =>
  apiQuery('/admin/v1/reconciliations/{id}/discrepancies', { params: { path: { id }, query: { limit: PAGE_SIZE, ...s } } });

export const reconciliationRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'reconciliations/$id',
  validateSearch: detailSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context: { queryClient }, params, deps }) =>
    Promise.all([
      queryClient.ensureQueryData(reconciliationQuery(params.id)),
      queryClient.ensureQueryData(discrepanciesQuery(params.id, deps)),
    ]),
  component: lazyRouteComponent(() => import('./Detail'), 'ReconciliationDetail'),
});
