/**
 * The features of partnerpay, in wiring order. Each lives in its own folder and exports a Feature.
 */
import type { Feature } from './common/feature';
import { wxpayFeature } from './wxpay/wxpay.feature';

export const FEATURES: Feature[] = [wxpayFeature];
