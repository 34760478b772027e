/**
 * tsyringe injection tokens: the platform's services (bound by src/app/container.ts and the
 * platform module) and the ports a module offers the others (bound by that module's register).
 */
export const TOKENS = {
  Config: Symbol('Config'),
  Logger: Symbol('Logger'),
  Orm: Symbol('Orm'),
  /** Database (src/platform/db/database.ts): what repositories receive. */
  Db: Symbol('Db'),
  Clock: Symbol('Clock'),
  Kv: Symbol('Kv'),
  Locks: Symbol('Locks'),
  RateLimiter: Symbol('RateLimiter'),
  /** IdempotencyService (src/platform/idempotency), bound by the platform module; used by every write route that takes Idempotency-Key. */
  Idempotency: Symbol('Idempotency'),
  /** OutboxBacklog (src/platform/metrics), bound by the events module: the outbox gauges read it on scrape. */
  OutboxBacklog: Symbol('OutboxBacklog'),
  /** The embedded WxpaySimulator (@partnerpay/wxpay-simulator), bound by the demo surface when config.simulator.embedded. */
  Simulator: Symbol('Simulator'),
  /** CredentialsProvider (@partnerpay/wxpay), bound by tenancy. */
  Credentials: Symbol('Credentials'),
  /** TenantDirectory (src/modules/tenancy/tenant-directory.ts), bound by tenancy. */
  Tenants: Symbol('Tenants'),
  /** WxpayClient (@partnerpay/wxpay), bound by the wxpay-gateway module. */
  Wxpay: Symbol('Wxpay'),
  /** WechatApi (src/modules/checkout/wechat-api.ts): api.weixin.qq.com (mini-program login), bound by checkout. */
  WechatApi: Symbol('WechatApi'),
  /** PlatformKeys (@partnerpay/wxpay), bound by the wxpay-gateway module: verifies WeChat Pay signatures per provider. */
  PlatformKeys: Symbol('PlatformKeys'),
  /** SecondaryClearingGuard (二清), bound by tenancy. */
  ClearingGuard: Symbol('ClearingGuard'),
  /** NotificationHandler (src/modules/notifications), one per kind, registered by payments (transactions and refunds). */
  NotificationHandler: Symbol('NotificationHandler'),
  /** NotificationGate (src/modules/notifications). */
  NotificationGate: Symbol('NotificationGate'),
} as const;
