import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { rootRoute } from '../../root';

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'console/sign-in',
  // Only a path inside the console is followed after sign-in (never another site).
  validateSearch: z.object({
    redirect: z
      .string()
      .regex(/^\/console(\/|$|\?)/)
      .optional()
      .catch(undefined),
  }),
  component: lazyRouteComponent(() => import('./Page'), 'SignInPage'),
});
