import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { apiQuery } from '../../../api/query';
import { consoleRoute } from '../route';

export const openPlatformsQuery = () => apiQuery('/admin/v1/open-platforms');

export const openPlatformsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'open-platforms',
  staticData: { nav: { label: 'nav.openPlatforms', order: 25, api: '/admin/v1/open-platforms' } },
  loader: ({ context }) => context.queryClient.ensureQueryData(openPlatformsQuery()),
  component: lazyRouteComponent(() => import('./Page'), 'OpenPlatformsPage'),
});

export const openPlatformQuery = (componentAppid: string) =>
  apiQuery('/admin/v1/open-platforms/{component_appid}', { params: { path: { component_appid: componentAppid } } });

export const openPlatformRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'open-platforms/$componentAppid',
  loader: ({ context, params }) => context.queryClient.ensureQueryData(openPlatformQuery(params.componentAppid)),
  component: lazyRouteComponent(() => import('./Detail'), 'OpenPlatformDetail'),
});
