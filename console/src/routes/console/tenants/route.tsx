import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import type { Query } from '../../../api/types';
import { cursor, oneOf, opt, PAGE_SIZE, text } from '../../../lib/search';
import { consoleRoute } from '../route';

export const TENANT_STATUSES = ['active', 'suspended'] as const satisfies readonly NonNullable<Query<'/admin/v1/tenants'>['status']>[];

const search = z.object({ sp_mchid: text(10), sub_mchid: text(10), status: oneOf(TENANT_STATUSES), cursor });
export type TenantsSearch = z.infer<typeof search>;

export const tenantsQuery = (s: TenantsSearch) => apiQuery('/admin/v1/tenants', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const tenantsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'tenants',
  staticData: { nav: { label: 'nav.tenants', order: 30, api: '/admin/v1/tenants' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(tenantsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'TenantsPage'),
});

const path = (id: string) => ({ params: { path: { id } } });
export const tenantQuery = (id: string) => apiQuery('/admin/v1/tenants/{id}', path(id));
export const secretKeysQuery = (id: string) => apiQuery('/admin/v1/tenants/{id}/secret-keys', path(id));
export const complianceQuery = (id: string) => apiQuery('/admin/v1/tenants/{id}/compliance', path(id));
export const receiversQuery = (id: string) => apiQuery('/admin/v1/tenants/{id}/receivers', path(id));
/** Asks WeChat Pay: loaded only when its tab is opened. */
export const settlementQuery = (id: string) => apiQuery('/admin/v1/tenants/{id}/settlement', path(id));

export const TENANT_TABS = ['settings', 'apps', 'keys', 'receivers', 'settlement', 'users', 'compliance'] as const;
export type TenantTab = (typeof TENANT_TABS)[number];

export const tenantRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'tenants/$id',
  validateSearch: z.object({ tab: opt(z.enum(TENANT_TABS)) }),
  // Every query of the page at once (not one after another).
  loader: ({ context: { queryClient }, params: { id } }) =>
    Promise.all([
      queryClient.ensureQueryData(tenantQuery(id)),
      queryClient.ensureQueryData(secretKeysQuery(id)),
      queryClient.ensureQueryData(complianceQuery(id)),
      queryClient.ensureQueryData(receiversQuery(id)),
    ]),
  component: lazyRouteComponent(() => import('./Detail'), 'TenantDetail'),
});
