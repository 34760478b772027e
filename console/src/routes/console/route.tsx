/**
 * The operators' console surface: every page under /console needs an operator token (sessionStorage),
 * checked with GET /admin/v1/operators/me; the API's paths (from /openapi.json) decide which pages exist.
 */
import { queryOptions } from '@tanstack/react-query';
import { createRoute, Outlet, redirect } from '@tanstack/react-router';
import { servedPaths } from '../../api/client';
import { ApiError } from '../../api/errors';
import { apiQuery } from '../../api/query';
import { operatorSession } from '../../api/session';
import { Shell } from '../../surfaces/Shell';
import type { Surface } from '../../surfaces/surface';
import { Pending } from '../../ui/Page';
import { RouteError } from '../../ui/errors';
import { rootRoute } from '../root';

export const meQuery = () => apiQuery('/admin/v1/operators/me');
export const servedQuery = queryOptions({ queryKey: ['openapi.json'], queryFn: servedPaths, staleTime: Infinity });

export const consoleSurface: Surface = {
  id: 'console',
  basePath: '/console',
  title: 'app.title',
  roleLabel: (role) => (role === 'admin' ? 'role.admin' : 'role.viewer'),
  // A viewer may only read (the API refuses its writes with 403 anyway).
  can: (principal) => principal.role === 'admin',
  signOut: () => operatorSession.signOut(),
};

export const consoleRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'console',
  beforeLoad: async ({ context, location }) => {
    // Links from the hash-routed console (/console/#/orders) still land on their page.
    if (location.hash.startsWith('/')) throw redirect({ href: `/console${location.hash}`, replace: true });
    if (!operatorSession.token()) throw redirect({ to: '/console/sign-in', search: { redirect: location.href } });
    try {
      const [operator, served] = await Promise.all([
        context.queryClient.ensureQueryData(meQuery()),
        context.queryClient.ensureQueryData(servedQuery),
      ]);
      return { operator, served };
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        operatorSession.signOut();
        throw redirect({ to: '/console/sign-in', search: { redirect: location.href } });
      }
      throw e;
    }
  },
  component: ConsoleLayout,
  pendingComponent: Pending,
  errorComponent: RouteError,
});

function ConsoleLayout() {
  const { operator, served } = consoleRoute.useRouteContext();
  return (
    <Shell state={{ surface: consoleSurface, principal: operator, served }}>
      <Outlet />
    </Shell>
  );
}
