import { rfc3339 } from '../common/clock';
import { approvedReceivers } from '../compliance/clearing-guard';
import type { AppBindingRow, TenantRow, TenantSecretKeyRow } from './tenancy.entities';
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
    sp_mchid: t.sp_mchid,
    sub_mchid: t.sub_mchid,
    name: t.name,
    status: t.status,
    apps: apps.map((a) => ({ appid: a.appid, type: a.type, dev_mode: a.dev_mode, app_secret_set: a.app_secret !== null })),
    webhook_url: t.webhook_url,
    notify_urls: notifyUrls(publicBaseUrl, t.id),
    order_expire_minutes: t.order_expire_minutes,
    limits: { orders_per_minute: t.orders_per_minute },
    profit_sharing: { max_ratio: t.profit_sharing_max_ratio, receivers: approvedReceivers(t) },
    created_at: rfc3339(t.created_at),
    updated_at: rfc3339(t.updated_at),
  };
}
export type TenantJson = ReturnType<typeof tenantJson>;

/** The seam's view of a tenant (TenantDirectory). */
export function tenantView(t: TenantRow, apps: AppBindingRow[]): TenantView {
  return {
    id: t.id,
    spMchid: t.sp_mchid,
    subMchid: t.sub_mchid,
    name: t.name,
    status: t.status,
    apps: apps.map((a) => ({ appid: a.appid, type: a.type, devMode: a.dev_mode })),
    webhookUrl: t.webhook_url,
    orderExpireMinutes: t.order_expire_minutes,
    ordersPerMinute: t.orders_per_minute,
  };
}

/** A secret key as lists show it: id, prefix, times; never the key or its hash. */
export function secretKeyJson(k: TenantSecretKeyRow) {
  return {
    id: k.id,
    prefix: k.prefix,
    created_at: rfc3339(k.created_at),
    last_used_at: k.last_used_at === null ? null : rfc3339(k.last_used_at),
    revoked_at: k.revoked_at === null ? null : rfc3339(k.revoked_at),
  };
}
