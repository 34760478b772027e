import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { portalRoute } from '../route';

export const portalSecurityRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'security',
  staticData: { nav: { label: 'portal.security', order: 90, api: '/portal/v1/totp' } },
  component: lazyRouteComponent(() => import('./Page'), 'PortalSecurityPage'),
});
