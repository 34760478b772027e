import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { portalRoute } from '../route';

export const portalBillsRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'bills',
  staticData: { nav: { label: 'portal.bills', order: 20, api: '/portal/v1/bills/{bill_date}' } },
  component: lazyRouteComponent(() => import('./Page'), 'PortalBillsPage'),
});
