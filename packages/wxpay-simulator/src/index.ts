/**
 * @partnerpay/wxpay-simulator: a stand-in for WeChat Pay's partner APIs with real signatures,
 * certificates, notifications, bills and faults. It depends on @partnerpay/wxpay only; merchants come
 * from its control API (or `sim.control(...)` in-process), a merchants file, or registerServiceProvider/registerSubMerchant.
 */
export * from './simulator';
export * from './config';
export * from './tenant-seed';
export * from './auth';
export * from './bills';
export * from './notifier';
export * from './onboarding';
export * from './loopback-only';
export * from './component/component-sim';
export * from './component/component-state';
export * from './component/msg-crypt';
export * from './persistence';
export * from './merchants-file';
export type { ControlAnswer, ControlCall } from './routes/control';
