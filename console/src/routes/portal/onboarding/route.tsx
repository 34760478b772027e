import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { apiQuery } from '../../../api/query';
import { portalRoute } from '../route';

export const portalOnboardingQuery = () => apiQuery('/portal/v1/onboarding');

export const portalOnboardingRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'onboarding',
  staticData: { nav: { label: 'portal.onboarding', order: 30, api: '/portal/v1/onboarding' } },
  loader: ({ context }) => context.queryClient.ensureQueryData(portalOnboardingQuery()),
  component: lazyRouteComponent(() => import('./Page'), 'PortalOnboardingPage'),
});
