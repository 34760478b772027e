import { rfc3339 } from '../../platform/clock';
import { approvedReceivers } from './clearing-guard';
import type { AppBindingRow, TenantRow, TenantSecretKeyRow } from './tenancy.entity';
import type { TenantView } from './tenant-directory';

/** The tenant's notify URLs: PUBLIC_BASE_URL + /notify/{id}/transactions|refunds (the notify_url of its orders and refunds). */
export function notifyUrls(publicBaseUrl: string, tenantId: string) {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return { transactions: `${base}/notify/${tenantId}/transactions`, refunds: `${base}/notify/${tenantId}/refunds` };
}

/** The admin API shape of a tenant. */
export function tenantJson(t: TenantRow, apps: AppBindingRow[], publicBaseUrl: string) {
  return {
    id: t.id,
    sp_mchid: t.spMchid,
    sub_mchid: t.subMchid,
    name: t.name,
    status: t.status,
    apps: apps.map((a) => ({
      appid: a.appid,
      type: a.type,
      dev_mode: a.devMode,
      authorized: a.authorized,
      app_secret_set: a.appSecret != null,
    })),
    webhook_url: t.webhookUrl ?? null,
    notify_urls: notifyUrls(publicBaseUrl, t.id),
    order_expire_minutes: t.orderExpireMinutes,
    limits: { orders_per_minute: t.ordersPerMinute },
    profit_sharing: { max_ratio: t.profitSharingMaxRatio, receivers: approvedReceivers(t) },
    created_at: rfc3339(t.createdAt),
    updated_at: rfc3339(t.updatedAt),
  };
}
export type TenantJson = ReturnType<typeof tenantJson>;

/** The seam's view of a tenant (TenantDirectory). */
export function tenantView(t: TenantRow, apps: AppBindingRow[]): TenantView {
  return {
    id: t.id,
    spMchid: t.spMchid,
    subMchid: t.subMchid,
    name: t.name,
    status: t.status,
    apps: apps.map((a) => ({ appid: a.appid, type: a.type, devMode: a.devMode, authorized: a.authorized })),
    webhookUrl: t.webhookUrl ?? null,
    orderExpireMinutes: t.orderExpireMinutes,
    ordersPerMinute: t.ordersPerMinute,
  };
}

/** A secret key as lists show it: id, prefix, times; never the key or its hash. */
export function secretKeyJson(k: TenantSecretKeyRow) {
  return {
    id: k.id,
    prefix: k.prefix,
    created_at: rfc3339(k.createdAt),
    last_used_at: k.lastUsedAt == null ? null : rfc3339(k.lastUsedAt),
    revoked_at: k.revokedAt == null ? null : rfc3339(k.revokedAt),
  };
}
