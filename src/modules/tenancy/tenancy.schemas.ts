import { z } from 'zod';
import { KeyError, loadPrivateKey, loadPublicKey } from '@partnerpay/wxpay';

/*
 * The request schemas of the tenancy admin API and of tenants/*.json. Messages never quote the input:
 * a rejected field may hold a secret.
 */

export const mchid = z.string().regex(/^\d{8,10}$/, 'must be 8-10 digits');
export const appid = z.string().regex(/^wx[0-9a-z]{16}$/, 'must be "wx" followed by 16 lowercase letters or digits');
export const appType = z.enum(['miniprogram', 'official_account', 'app']);
export const devMode = z.enum(['outsourced', 'third_party', 'centralized']);
export const tenantStatus = z.enum(['active', 'suspended']);
export const tenantId = z.string().regex(/^ten_[A-Za-z0-9_-]{10,40}$/, 'must be a tenant id (ten_...)');

export const appInput = z.object({ appid, type: appType, dev_mode: devMode }).strict();
export type AppInput = z.infer<typeof appInput>;

/** A mini-program's AppSecret (mp.weixin.qq.com → 开发管理 → 开发设置): 32 letters and digits. */
export const appSecret = z.string().regex(/^[0-9A-Za-z]{32}$/, "must be the mini-program's AppSecret: 32 letters or digits");

/** POST /admin/v1/tenants/{id}/apps: a binding, optionally with its AppSecret (never in tenants/*.json). */
export const appCreateBody = appInput.extend({ app_secret: appSecret.optional() }).strict();
export type AppCreateInput = z.infer<typeof appCreateBody>;

/** PATCH /admin/v1/tenants/{id}/apps/{appid}: sets (rotates) or, with null, removes the AppSecret. */
export const appPatchBody = z.object({ app_secret: appSecret.nullable() }).strict();

/** A profit-sharing receiver the sub-merchant approved (spec §13.3 receiver types). */
export const receiver = z
  .object({ type: z.enum(['MERCHANT_ID', 'PERSONAL_OPENID', 'PERSONAL_SUB_OPENID']), account: z.string().min(1).max(64) })
  .strict();
export type Receiver = z.infer<typeof receiver>;

/** The authorised ratio in 万分比 (as WeChat Pay's max_ratio): 1-3000, default 3000 = 30%. */
export const profitSharing = z
  .object({
    max_ratio: z.number().int().min(0).max(3000, "cannot exceed 3000 (30%), WeChat Pay's cap").optional(),
    receivers: z.array(receiver).max(50).optional(),
  })
  .strict();

export const webhookUrl = z.string().max(512).url('must be an absolute URL');

const pem = (credential: string, load: (pem: string, credential: string) => unknown) =>
  z
    .string()
    .max(16_384)
    .superRefine((v, ctx) => {
      try {
        load(v, credential);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: e instanceof KeyError ? e.message.slice(credential.length + 2) : 'is not a usable key' });
      }
    });

/** PUT /admin/v1/service-providers/{sp_mchid} */
export const serviceProviderBody = z
  .object({
    name: z.string().trim().min(1).max(128),
    sp_appid: appid,
    merchant_serial_no: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'must be the hex serial number of the merchant API certificate'),
    merchant_private_key: pem('merchant_private_key', loadPrivateKey),
    apiv3_key: z.string().refine((v) => Buffer.byteLength(v, 'utf8') === 32, 'must be exactly 32 bytes'),
    wechatpay_public_key_id: z
      .string()
      .regex(/^PUB_KEY_ID_[0-9A-Za-z]{1,64}$/, 'must be PUB_KEY_ID_ followed by its digits')
      .optional(),
    wechatpay_public_key: pem('wechatpay_public_key', loadPublicKey).optional(),
    /** The sp_appid's AppSecret for centralized mini-program login; omitted keeps the current one, null removes it. */
    sp_app_secret: appSecret.nullable().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (Boolean(b.wechatpay_public_key_id) !== Boolean(b.wechatpay_public_key))
      ctx.addIssue({
        code: 'custom',
        path: [b.wechatpay_public_key_id ? 'wechatpay_public_key' : 'wechatpay_public_key_id'],
        message: 'wechatpay_public_key_id and wechatpay_public_key go together (public-key mode) or are both omitted (certificate mode)',
      });
  });
export type ServiceProviderInput = z.infer<typeof serviceProviderBody>;

/** Per-tenant limits (`limits.orders_per_minute`, default 6000). */
const tenantLimits = z
  .object({ orders_per_minute: z.number().int().min(1, 'must be at least 1').max(1_000_000, 'must be at most 1000000').optional() })
  .strict();

/** POST /admin/v1/tenants, and the format of tenants/*.json. */
export const tenantCreateBody = z
  .object({
    sp_mchid: mchid,
    sub_mchid: mchid,
    name: z.string().trim().min(1).max(128),
    status: tenantStatus.default('active'),
    apps: z.array(appInput).max(50).default([]),
    webhook_url: webhookUrl.nullable().default(null),
    order_expire_minutes: z.number().int().min(5).max(21_600).optional(),
    limits: tenantLimits.optional(),
    profit_sharing: profitSharing.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.apps.forEach((a, i) => {
      if (seen.has(a.appid)) ctx.addIssue({ code: 'custom', path: ['apps', i, 'appid'], message: 'is listed twice' });
      seen.add(a.appid);
    });
  });
export type TenantInput = z.infer<typeof tenantCreateBody>;

/** PATCH /admin/v1/tenants/{id} */
export const tenantPatchBody = z
  .object({
    name: z.string().trim().min(1).max(128).optional(),
    status: tenantStatus.optional(),
    webhook_url: webhookUrl.nullable().optional(),
    order_expire_minutes: z.number().int().min(5).max(21_600).optional(),
    limits: tenantLimits.optional(),
    profit_sharing: profitSharing.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'name at least one field to change');
export type TenantPatch = z.infer<typeof tenantPatchBody>;
