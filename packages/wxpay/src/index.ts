/**
 * @partnerpay/wxpay: a WeChat Pay APIv3 client for service providers (服务商). It imports nothing
 * of partnerpay: the host passes a clock, a logger, a shared store and a certificate store (ports.ts).
 */
export * from './crypto';
export * from './ports';
export * from './time';
export * from './credentials';
export * from './client-port';
export * from './errors';
export * from './transport';
export * from './signer';
export * from './http-client';
export * from './partner-guard';
export * from './sensitive';
export * from './endpoint-template';
export * from './platform-keys/platform-keys';
export * from './platform-keys/certificate-download';
export * from './resources';
export * from './resources/onboarding';
export * from './resources/profit-sharing';
export * from './resources/complaints';
export * from './resources/combine';
