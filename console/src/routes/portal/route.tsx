/**
 * The sub-merchants' portal surface: every page under /portal needs a portal session (an httpOnly
 * cookie), checked with GET /portal/v1/session, which also gives the CSRF token for writes. The
 * server scopes every answer to the session's tenant; the pages only show what it answers.
 */
import { createRoute, Outlet, redirect } from '@tanstack/react-router';
import { call } from '../../api/client';
import { ApiError } from '../../api/errors';
import { apiQuery } from '../../api/query';
import { portalCsrf } from '../../api/portal-session';
import { Shell } from '../../surfaces/Shell';
import type { Surface } from '../../surfaces/surface';
import { Pending } from '../../ui/Page';
import { RouteError } from '../../ui/errors';
import { rootRoute } from '../root';
import { servedQuery } from '../console/route';

export const portalSessionQuery = () => apiQuery('/portal/v1/session');

export const portalSurface: Surface = {
  id: 'portal',
  basePath: '/portal',
  title: 'portal.title',
  roleLabel: (role) => (role === 'owner' ? 'portal.role.owner' : role === 'staff' ? 'portal.role.staff' : 'portal.role.viewer'),
  // owner and staff refund; a viewer reads (the API refuses its writes with 403 anyway).
  can: (principal) => principal.role === 'owner' || principal.role === 'staff',
  signOut: () => {
    void call('delete', '/portal/v1/session')
      .catch(() => undefined)
      .finally(() => {
        portalCsrf.set(null);
        window.location.assign('/portal/sign-in');
      });
  },
};

export const portalRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'portal',
  beforeLoad: async ({ context, location }) => {
    try {
      const [session, served] = await Promise.all([
        context.queryClient.fetchQuery({ ...portalSessionQuery(), staleTime: 60_000 }),
        context.queryClient.ensureQueryData(servedQuery),
      ]);
      portalCsrf.set(session.csrf_token as string);
      return { session, served };
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) throw redirect({ to: '/portal/sign-in', search: { redirect: location.href } });
      throw e;
    }
  },
  component: PortalLayout,
  pendingComponent: Pending,
  errorComponent: RouteError,
});

/** `/portal`: the orders page. */
export const portalIndexRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/portal/orders' });
  },
});

function PortalLayout() {
  const { session, served } = portalRoute.useRouteContext();
  const principal = { id: session.user.id, name: `${session.user.login} · ${session.tenant.name}`, role: session.user.role };
  return (
    <Shell state={{ surface: portalSurface, principal, served }}>
      <Outlet />
    </Shell>
  );
}
