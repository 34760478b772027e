import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { rootRoute } from '../../root';

export const portalSignInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'portal/sign-in',
  // Only a path inside the portal is followed after sign-in (never another site).
  validateSearch: z.object({
    redirect: z
      .string()
      .regex(/^\/portal(\/|$|\?)/)
      .optional()
      .catch(undefined),
  }),
  component: lazyRouteComponent(() => import('./Page'), 'PortalSignInPage'),
});
