/**
 * The features of partnerpay, in wiring order. Each lives in its own folder and exports a Feature.
 */
import type { Feature } from './common/feature';
import { simulatorFeature } from './simulator/simulator.feature';
import { wxpayFeature } from './wxpay/wxpay.feature';
import { auditFeature } from './audit/audit.feature';
import { operatorsFeature } from './operators/operators.feature';
import { complianceFeature } from './compliance/compliance.feature';
import { tenancyFeature } from './tenancy/tenancy.feature';
import { eventsFeature } from './events/events.feature';
import { ordersFeature } from './orders/orders.feature';
import { refundsFeature } from './refunds/refunds.feature';
import { profitSharingFeature } from './profit-sharing/profit-sharing.feature';
import { notificationsFeature } from './notifications/notifications.feature';
import { onboardingFeature } from './onboarding/onboarding.feature';
import { billsFeature } from './bills/bills.feature';
import { demoFeature } from './demo/demo.feature';
import { wechatFeature } from './wechat/wechat.feature';
import { checkoutFeature } from './checkout/checkout.feature';
import { observabilityFeature } from './observability/observability.feature';
import { consoleFeature } from './console/console.feature';

export const FEATURES: Feature[] = [
  observabilityFeature,
  simulatorFeature,
  wxpayFeature,
  auditFeature,
  operatorsFeature,
  complianceFeature,
  tenancyFeature,
  eventsFeature,
  ordersFeature,
  refundsFeature,
  profitSharingFeature,
  notificationsFeature,
  onboardingFeature,
  billsFeature,
  demoFeature,
  wechatFeature,
  checkoutFeature,
  consoleFeature,
];
