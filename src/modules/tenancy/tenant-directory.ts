/**
 * The seam between tenancy and the modules that serve tenants (payments, notifications, events, ...):
 * what they may know about a tenant. Implemented by the tenancy module and bound to
 * TOKENS.Tenants; cached, and invalidated when an operator changes the tenant.
 */
export type AppType = 'miniprogram' | 'official_account' | 'app';
export type DevMode = 'outsourced' | 'third_party' | 'centralized';

export interface AppBinding {
  appid: string;
  type: AppType;
  devMode: DevMode;
  /** False when the owner of a third_party app withdrew its authorisation (orders, payments and logins are then 422 APP_NOT_AUTHORIZED). */
  authorized?: boolean;
}

export interface TenantView {
  /** `ten_...`, opaque and unguessable. */
  id: string;
  spMchid: string;
  subMchid: string;
  name: string;
  status: 'active' | 'suspended';
  apps: AppBinding[];
  webhookUrl: string | null;
  /** Order expiry default for this tenant, in minutes. */
  orderExpireMinutes: number;
  /** Order creations allowed per minute (limits.orders_per_minute). */
  ordersPerMinute: number;
}

/** A webhook secret usable for signing (decrypted); several during a rotation. */
export interface WebhookSecret {
  id: string;
  secret: string;
}

export interface TenantDirectory {
  /** The tenant by id, or undefined. */
  byId(id: string): Promise<TenantView | undefined>;
  /** The tenant that owns this secret key (`sk_...`), or undefined; records last-used time. */
  authenticate(secretKey: string): Promise<TenantView | undefined>;
  /** The tenant's active webhook signing secrets, newest first. */
  webhookSecrets(tenantId: string): Promise<WebhookSecret[]>;
}
