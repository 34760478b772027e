import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { apiQuery } from '../../../api/query';
import { portalRoute } from '../route';

export const portalUsersQuery = () => apiQuery('/portal/v1/users');
export const portalWebhookQuery = () => apiQuery('/portal/v1/webhook');
export const portalKeysQuery = () => apiQuery('/portal/v1/secret-keys');

/** The owner's page: the shop's users, webhook and secret keys (the API answers other roles 403). */
export const portalShopRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'shop',
  staticData: { nav: { label: 'portal.shop', order: 80, api: '/portal/v1/users', roles: ['owner'] } },
  loader: ({ context: { queryClient } }) =>
    Promise.all([
      queryClient.ensureQueryData(portalUsersQuery()),
      queryClient.ensureQueryData(portalWebhookQuery()),
      queryClient.ensureQueryData(portalKeysQuery()),
    ]),
  component: lazyRouteComponent(() => import('./Page'), 'PortalShopPage'),
});
