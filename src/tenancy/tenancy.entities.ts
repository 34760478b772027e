import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { registerEntities } from '../common/db/entities';
import type { AppType, DevMode } from './tenant-directory';

/*
 * Tenancy's tables. Times are epoch milliseconds (bigint), as elsewhere in partnerpay, so SQL compares
 * them the same way on MariaDB and SQLite. Secret columns hold SecretBox output (`v1:<dk>:<b64>`).
 */
const ms = () => ({ type: new BigIntType('number') });
const msNullable = () => ({ type: new BigIntType('number'), nullable: true });

/** A service provider (服务商) and its credentials; the private key and APIv3 key are sealed. */
export interface ServiceProviderRow {
  sp_mchid: string;
  sp_appid: string;
  name: string;
  merchant_serial_no: string;
  merchant_private_key: string;
  apiv3_key: string;
  wechatpay_public_key_id: string | null;
  /** Public: stored in clear. */
  wechatpay_public_key: string | null;
  /** The AppSecret of the sp_appid (centralized mini-program login), sealed; null when not set. */
  sp_app_secret: string | null;
  created_at: number;
  updated_at: number;
}

export const ServiceProviderSchema = new EntitySchema<ServiceProviderRow>({
  name: 'ServiceProvider',
  tableName: 'service_provider',
  properties: {
    sp_mchid: { type: 'string', length: 16, primary: true },
    sp_appid: { type: 'string', length: 32 },
    name: { type: 'string', length: 128 },
    merchant_serial_no: { type: 'string', length: 64 },
    merchant_private_key: { type: 'text' },
    apiv3_key: { type: 'string', length: 255 },
    wechatpay_public_key_id: { type: 'string', length: 64, nullable: true },
    wechatpay_public_key: { type: 'text', nullable: true },
    sp_app_secret: { type: 'string', length: 255, nullable: true },
    created_at: ms(),
    updated_at: ms(),
  },
});

export type TenantStatus = 'active' | 'suspended';

/** One sub-merchant (特约商户). A sub_mchid is one tenant across every provider (the shared_sub_mchid rule). */
export interface TenantRow {
  id: string;
  sp_mchid: string;
  sub_mchid: string;
  name: string;
  status: TenantStatus;
  webhook_url: string | null;
  order_expire_minutes: number;
  /** Orders this tenant may create per minute (limits.orders_per_minute). */
  orders_per_minute: number;
  /** The ratio the sub-merchant authorised for profit sharing, in 万分比 (3000 = 30%). */
  profit_sharing_max_ratio: number;
  /** JSON array of approved receivers `{type, account}`. */
  profit_sharing_receivers: string;
  created_at: number;
  updated_at: number;
  version: number;
}

export const TenantSchema = new EntitySchema<TenantRow>({
  name: 'Tenant',
  tableName: 'tenant',
  indexes: [{ properties: ['created_at', 'id'] }],
  uniques: [{ name: 'tenant_sub_mchid_unique', properties: ['sub_mchid'] }],
  properties: {
    id: { type: 'string', length: 40, primary: true },
    sp_mchid: { type: 'string', length: 16, index: true },
    sub_mchid: { type: 'string', length: 16 },
    name: { type: 'string', length: 128 },
    status: { type: 'string', length: 16 },
    webhook_url: { type: 'string', length: 512, nullable: true },
    order_expire_minutes: { type: 'integer' },
    orders_per_minute: { type: 'integer', default: 6000 },
    profit_sharing_max_ratio: { type: 'integer' },
    profit_sharing_receivers: { type: 'text' },
    created_at: ms(),
    updated_at: ms(),
    version: { type: 'integer', version: true },
  },
});

/**
 * An AppID bound to a tenant. `claim` makes "an AppID belongs to at most one tenant, except the
 * sp_appid in centralized mode" a unique index: it is the appid itself for the tenant's own apps, and
 * `appid/tenant_id` for a centralized binding (the sp_appid, shared by many tenants).
 */
export interface AppBindingRow {
  id: string;
  tenant_id: string;
  appid: string;
  type: AppType;
  dev_mode: DevMode;
  claim: string;
  /** The mini-program's AppSecret (jscode2session), sealed; null when not set. */
  app_secret: string | null;
  created_at: number;
}

export const AppBindingSchema = new EntitySchema<AppBindingRow>({
  name: 'AppBinding',
  tableName: 'app_binding',
  uniques: [
    { name: 'app_binding_claim_unique', properties: ['claim'] },
    { name: 'app_binding_tenant_appid_unique', properties: ['tenant_id', 'appid'] },
  ],
  properties: {
    id: { type: 'string', length: 40, primary: true },
    tenant_id: { type: 'string', length: 40, index: true },
    appid: { type: 'string', length: 32, index: true },
    type: { type: 'string', length: 24 },
    dev_mode: { type: 'string', length: 16 },
    claim: { type: 'string', length: 80 },
    app_secret: { type: 'string', length: 255, nullable: true },
    created_at: ms(),
  },
});

/** A tenant secret key (`sk_...`), stored only as its SHA-256. */
export interface TenantSecretKeyRow {
  id: string;
  tenant_id: string;
  /** The first characters of the key (`sk_AbCdEfGh`), shown in lists to tell keys apart. */
  prefix: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export const TenantSecretKeySchema = new EntitySchema<TenantSecretKeyRow>({
  name: 'TenantSecretKey',
  tableName: 'tenant_secret_key',
  uniques: [{ name: 'tenant_secret_key_hash_unique', properties: ['hash'] }],
  properties: {
    id: { type: 'string', length: 40, primary: true },
    tenant_id: { type: 'string', length: 40, index: true },
    prefix: { type: 'string', length: 16 },
    hash: { type: 'string', length: 64 },
    created_at: ms(),
    last_used_at: msNullable(),
    revoked_at: msNullable(),
  },
});

/** A webhook signing secret (`whsec_...`), sealed. After a rotation the previous one lives until expires_at. */
export interface WebhookSecretRow {
  id: string;
  tenant_id: string;
  secret: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export const WebhookSecretSchema = new EntitySchema<WebhookSecretRow>({
  name: 'WebhookSecret',
  tableName: 'webhook_secret',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    tenant_id: { type: 'string', length: 40, index: true },
    secret: { type: 'string', length: 255 },
    created_at: ms(),
    expires_at: msNullable(),
    revoked_at: msNullable(),
  },
});

registerEntities(ServiceProviderSchema, TenantSchema, AppBindingSchema, TenantSecretKeySchema, WebhookSecretSchema);
