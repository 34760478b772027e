/**
 * Every route of the app. A surface is a subtree (routes/<surface>/route.tsx and its page folders);
 * a page is a folder with its `route.tsx` (path, search params, loader, nav entry) and lazily loaded
 * components. The portal (routes/portal/, pages chosen by the tenant user's role) joins as a sibling
 * subtree of the console; a new page is a new folder with its own nav entry.
 */
import { indexRoute, rootRoute } from './root';
import { consoleRoute } from './console/route';
import { signInRoute } from './console/sign-in/route';
import { dashboardRoute } from './console/dashboard/route';
import { providerRoute, providersRoute } from './console/providers/route';
import { openPlatformRoute, openPlatformsRoute } from './console/open-platforms/route';
import { tenantRoute, tenantsRoute } from './console/tenants/route';
import { applymentRoute, applymentsRoute, newApplymentRoute } from './console/applyments/route';
import { orderRoute, ordersRoute } from './console/orders/route';
import { refundsRoute } from './console/refunds/route';
import { notificationsRoute } from './console/notifications/route';
import { complaintsRoute } from './console/complaints/route';
import { eventRoute, eventsRoute } from './console/events/route';
import { reconciliationRoute, reconciliationsRoute } from './console/reconciliations/route';
import { profitSharingRoute } from './console/profit-sharing/route';
import { auditRoute } from './console/audit/route';
import { operatorsRoute } from './console/operators/route';
import { portalIndexRoute, portalRoute } from './portal/route';
import { portalSignInRoute } from './portal/sign-in/route';
import { portalInvitationRoute } from './portal/invitation/route';
import { portalOrderRoute, portalOrdersRoute } from './portal/orders/route';
import { portalBillsRoute } from './portal/bills/route';
import { portalOnboardingRoute } from './portal/onboarding/route';
import { portalComplaintRoute, portalComplaintsRoute } from './portal/complaints/route';
import { portalEventRoute, portalEventsRoute } from './portal/events/route';
import { portalProfitSharingRoute } from './portal/profit-sharing/route';
import { portalSecurityRoute } from './portal/security/route';
import { portalShopRoute } from './portal/shop/route';
import { portalRefundsRoute } from './portal/refunds/route';

export const routeTree = rootRoute.addChildren([
  indexRoute,
  signInRoute,
  consoleRoute.addChildren([
    dashboardRoute,
    providersRoute,
    providerRoute,
    openPlatformsRoute,
    openPlatformRoute,
    tenantsRoute,
    tenantRoute,
    applymentsRoute,
    newApplymentRoute,
    applymentRoute,
    ordersRoute,
    orderRoute,
    refundsRoute,
    notificationsRoute,
    complaintsRoute,
    eventsRoute,
    eventRoute,
    reconciliationsRoute,
    reconciliationRoute,
    profitSharingRoute,
    auditRoute,
    operatorsRoute,
  ]),
  portalSignInRoute,
  portalInvitationRoute,
  portalRoute.addChildren([
    portalIndexRoute,
    portalOrdersRoute,
    portalOrderRoute,
    portalRefundsRoute,
    portalComplaintsRoute,
    portalComplaintRoute,
    portalBillsRoute,
    portalProfitSharingRoute,
    portalEventsRoute,
    portalEventRoute,
    portalOnboardingRoute,
    portalSecurityRoute,
    portalShopRoute,
  ]),
]);
