import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { rootRoute } from '../../root';

/** `/portal/invitation#inv_...`: the invitation link (the token is in the fragment, so it never reaches a server log). */
export const portalInvitationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'portal/invitation',
  component: lazyRouteComponent(() => import('./Page'), 'InvitationPage'),
});
