import { defineEntity, p, table, type RowOf } from '../../platform/db/table';
import type { AppType, DevMode } from './tenant-directory';

/*
 * Tenancy's tables. Times are epoch milliseconds (bigint), as elsewhere in partnerpay, so SQL compares
 * them the same way on MariaDB and SQLite. Secret columns hold SecretBox output (`v1:<dk>:<b64>`).
 */

/** A service provider (服务商) and its credentials; the private key and APIv3 key are sealed. */
export const ServiceProviderEntity = defineEntity({
  name: 'ServiceProvider',
  tableName: 'service_provider',
  properties: {
    spMchid: p.string().length(16).primary(),
    spAppid: p.string().length(32),
    name: p.string().length(128),
    merchantSerialNo: p.string().length(64),
    merchantPrivateKey: p.text(),
    apiv3Key: p.string().length(255).fieldName('apiv3_key'),
    wechatpayPublicKeyId: p.string().length(64).nullable(),
    /** Public: stored in clear. */
    wechatpayPublicKey: p.text().nullable(),
    /** The AppSecret of the sp_appid (centralized mini-program login), sealed; null when not set. */
    spAppSecret: p.string().length(255).nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
});

export type TenantStatus = 'active' | 'suspended';

/** One sub-merchant (特约商户). A sub_mchid is one tenant across every provider (the shared_sub_mchid rule). */
export const TenantEntity = defineEntity({
  name: 'Tenant',
  tableName: 'tenant',
  indexes: [{ properties: ['createdAt', 'id'] }],
  uniques: [{ name: 'tenant_sub_mchid_unique', properties: ['subMchid'] }],
  properties: {
    id: p.string().length(40).primary(),
    spMchid: p.string().length(16).index(),
    subMchid: p.string().length(16),
    name: p.string().length(128),
    status: p.string().length(16).$type<TenantStatus>(),
    webhookUrl: p.string().length(512).nullable(),
    orderExpireMinutes: p.integer(),
    /** Orders this tenant may create per minute (limits.orders_per_minute). */
    ordersPerMinute: p.integer().default(6000),
    /** The ratio the sub-merchant authorised for profit sharing, in 万分比 (3000 = 30%). */
    profitSharingMaxRatio: p.integer(),
    /** JSON array of approved receivers `{type, account}`. */
    profitSharingReceivers: p.text(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
    /** Bumped by every update, which is guarded by the version it read (optimistic lock). */
    version: p.integer().version(),
  },
});

/**
 * An AppID bound to a tenant. `claim` makes "an AppID belongs to at most one tenant, except the
 * sp_appid in centralized mode" a unique index: it is the appid itself for the tenant's own apps, and
 * `appid/tenant_id` for a centralized binding (the sp_appid, shared by many tenants).
 */
export const AppBindingEntity = defineEntity({
  name: 'AppBinding',
  tableName: 'app_binding',
  uniques: [
    { name: 'app_binding_claim_unique', properties: ['claim'] },
    { name: 'app_binding_tenant_appid_unique', properties: ['tenantId', 'appid'] },
  ],
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40).index(),
    appid: p.string().length(32).index(),
    type: p.string().length(24).$type<AppType>(),
    devMode: p.string().length(16).$type<DevMode>(),
    claim: p.string().length(80),
    /** The mini-program's AppSecret (jscode2session), sealed; null when not set. */
    appSecret: p.string().length(255).nullable(),
    /** False only once the owner of a third_party app withdrew its authorisation on the open platform. */
    authorized: p.boolean().default(true),
    createdAt: p.bigint('number'),
  },
});

/** A tenant secret key (`sk_...`), stored only as its SHA-256. */
export const TenantSecretKeyEntity = defineEntity({
  name: 'TenantSecretKey',
  tableName: 'tenant_secret_key',
  uniques: [{ name: 'tenant_secret_key_hash_unique', properties: ['hash'] }],
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40).index(),
    /** The first characters of the key (`sk_AbCdEfGh`), shown in lists to tell keys apart. */
    prefix: p.string().length(16),
    hash: p.string().length(64),
    createdAt: p.bigint('number'),
    lastUsedAt: p.bigint('number').nullable(),
    revokedAt: p.bigint('number').nullable(),
  },
});

/** A webhook signing secret (`whsec_...`), sealed. After a rotation the previous one lives until expiresAt. */
export const WebhookSecretEntity = defineEntity({
  name: 'WebhookSecret',
  tableName: 'webhook_secret',
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40).index(),
    secret: p.string().length(255),
    createdAt: p.bigint('number'),
    expiresAt: p.bigint('number').nullable(),
    revokedAt: p.bigint('number').nullable(),
  },
});

/** One service provider row. */
export type ServiceProviderRow = RowOf<typeof ServiceProviderEntity>;
/** One tenant row. */
export type TenantRow = RowOf<typeof TenantEntity>;
/** One app binding row. */
export type AppBindingRow = RowOf<typeof AppBindingEntity>;
/** One tenant secret key row. */
export type TenantSecretKeyRow = RowOf<typeof TenantSecretKeyEntity>;
/** One webhook secret row. */
export type WebhookSecretRow = RowOf<typeof WebhookSecretEntity>;

/** The service_provider table. */
export const SERVICE_PROVIDER = table(ServiceProviderEntity);
/** The tenant table. */
export const TENANT = table(TenantEntity);
/** The app_binding table. */
export const APP_BINDING = table(AppBindingEntity);
/** The tenant_secret_key table. */
export const TENANT_SECRET_KEY = table(TenantSecretKeyEntity);
/** The webhook_secret table. */
export const WEBHOOK_SECRET = table(WebhookSecretEntity);
