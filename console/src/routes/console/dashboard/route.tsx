import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { apiQuery } from '../../../api/query';
import { consoleRoute } from '../route';

export const dashboardQuery = () => apiQuery('/admin/v1/dashboard');

export const dashboardRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: '/',
  staticData: { nav: { label: 'nav.dashboard', order: 10, api: '/admin/v1/dashboard' } },
  loader: ({ context }) => context.queryClient.ensureQueryData(dashboardQuery()),
  component: lazyRouteComponent(() => import('./Page'), 'DashboardPage'),
});
