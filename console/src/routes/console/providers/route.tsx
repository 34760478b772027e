import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { cursor, PAGE_SIZE } from '../../../lib/search';
import { consoleRoute } from '../route';

const search = z.object({ cursor });

export const providersQuery = (s: { cursor?: string } = {}) =>
  apiQuery('/admin/v1/service-providers', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const providersRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'providers',
  staticData: { nav: { label: 'nav.providers', order: 20, api: '/admin/v1/service-providers' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(providersQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'ProvidersPage'),
});

export const providerQuery = (spMchid: string) =>
  apiQuery('/admin/v1/service-providers/{sp_mchid}', { params: { path: { sp_mchid: spMchid } } });
export const keyReportQuery = (spMchid: string) =>
  apiQuery('/admin/v1/service-providers/{sp_mchid}/keys', { params: { path: { sp_mchid: spMchid } } });

export const platformKeysQuery = (spMchid: string) =>
  apiQuery('/admin/v1/service-providers/{sp_mchid}/platform-keys', { params: { path: { sp_mchid: spMchid } } });

export const providerRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'providers/$spMchid',
  loader: ({ context: { queryClient }, params }) =>
    Promise.all([
      queryClient.ensureQueryData(providerQuery(params.spMchid)),
      queryClient.ensureQueryData(keyReportQuery(params.spMchid)),
      queryClient.ensureQueryData(platformKeysQuery(params.spMchid)),
    ]),
  component: lazyRouteComponent(() => import('./Detail'), 'ProviderDetail'),
});
