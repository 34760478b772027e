/**
 * The modules and surfaces of partnerpay, in wiring order (a module may resolve what an earlier one
 * registered). The platform's own services come first; each module's index.ts is its only face.
 */
import type { AppModule } from '../platform/module';
import { platformModule } from '../platform/platform.module';
import { wxpayGatewayModule } from '../modules/wxpay-gateway';
import { operatorsModule } from '../modules/operators';
import { tenancyModule } from '../modules/tenancy';
import { eventsModule } from '../modules/events';
import { paymentsModule } from '../modules/payments';
import { profitSharingModule } from '../modules/profit-sharing';
import { notificationsModule } from '../modules/notifications';
import { onboardingModule } from '../modules/onboarding';
import { billsModule } from '../modules/bills';
import { openPlatformModule } from '../modules/open-platform';
import { checkoutModule } from '../modules/checkout';
import { complaintsModule } from '../modules/complaints';
import { combinedOrdersModule } from '../modules/combined-orders';
import { portalModule } from '../modules/portal';
import { simulatorModule } from '../surfaces/demo/simulator.module';
import { demoModule } from '../surfaces/demo/demo.module';
import { observabilityModule } from '../surfaces/observability/observability.module';
import { complianceModule } from '../surfaces/compliance/compliance.module';
import { consoleModule } from '../surfaces/console/console.module';
import { portalPagesModule } from '../surfaces/portal/portal.module';

export const MODULES: AppModule[] = [
  platformModule,
  simulatorModule,
  wxpayGatewayModule,
  operatorsModule,
  tenancyModule,
  eventsModule,
  paymentsModule,
  profitSharingModule,
  notificationsModule,
  onboardingModule,
  billsModule,
  demoModule,
  openPlatformModule,
  checkoutModule,
  complaintsModule,
  combinedOrdersModule,
  portalModule,
  observabilityModule,
  complianceModule,
  consoleModule,
  portalPagesModule,
];
