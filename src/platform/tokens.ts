/** tsyringe injection tokens. Only container.ts binds them to concrete classes. */
export const TOKENS = {
  Config: Symbol('Config'),
  Logger: Symbol('Logger'),
  Orm: Symbol('Orm'),
  /** Database (src/common/db/database.ts): what repositories receive. */
  Db: Symbol('Db'),
  Clock: Symbol('Clock'),
  Kv: Symbol('Kv'),
  Locks: Symbol('Locks'),
  RateLimiter: Symbol('RateLimiter'),
  Jobs: Symbol('Jobs'),
  Routers: Symbol('Routers'),
  Simulator: Symbol('Simulator'),
  /** CredentialsProvider (src/wxpay/credentials.ts), bound by tenancy. */
  Credentials: Symbol('Credentials'),
  /** TenantDirectory (src/tenancy/tenant-directory.ts), bound by tenancy. */
  Tenants: Symbol('Tenants'),
  /** WxpayClient (src/wxpay), bound by the wxpay feature. */
  Wxpay: Symbol('Wxpay'),
  /** WechatApi (src/wechat): api.weixin.qq.com (mini-program login), bound by the wechat feature. */
  WechatApi: Symbol('WechatApi'),
  /** PlatformKeys (src/wxpay), bound by the wxpay feature: verifies WeChat Pay signatures per provider. */
  PlatformKeys: Symbol('PlatformKeys'),
  /** SecondaryClearingGuard (二清), bound by tenancy. */
  ClearingGuard: Symbol('ClearingGuard'),
  /** IdempotencyService (src/idempotency), bound by the orders feature, shared with refunds. */
  Idempotency: Symbol('Idempotency'),
  /** NotificationHandler (src/notifications), one per kind, registered by orders and refunds. */
  NotificationHandler: Symbol('NotificationHandler'),
  /** NotificationGate (src/notifications). */
  NotificationGate: Symbol('NotificationGate'),
} as const;
