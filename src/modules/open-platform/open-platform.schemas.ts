import { z } from 'zod';
import { tenantId } from '../tenancy';
import { webhookEnvelope } from '../events';

/*
 * The open platform's request and response schemas. Messages never quote the input: a rejected
 * field may hold a secret.
 */

export const componentAppid = z
  .string()
  .regex(/^wx[0-9a-z]{16}$/, 'must be the open platform AppID: "wx" and 16 lowercase letters or digits');

/** PUT /admin/v1/open-platforms/{component_appid}: secrets are required to create, optional to replace (omitted = kept). */
export const openPlatformBody = z.strictObject({
  name: z.string().trim().min(1).max(128),
  component_appsecret: z
    .string()
    .regex(/^[0-9A-Za-z]{32}$/, "must be the platform's AppSecret: 32 letters or digits")
    .optional(),
  token: z
    .string()
    .regex(/^[0-9A-Za-z]{3,32}$/, 'must be the 消息校验Token: 3-32 letters or digits')
    .optional(),
  encoding_aes_key: z
    .string()
    .regex(/^[0-9A-Za-z]{43}$/, 'must be the 消息加解密Key (EncodingAESKey): 43 letters or digits')
    .optional(),
});
export type OpenPlatformInput = z.infer<typeof openPlatformBody>;

/** POST /admin/v1/open-platforms/{component_appid}/authorizations */
export const authorizationLinkBody = z.strictObject({ tenant_id: tenantId });

const time = z.string();
const nullableTime = time.nullable();

export const authorizationSchema = z.object({
  component_appid: z.string(),
  authorizer_appid: z.string(),
  tenant_id: z.string().nullable(),
  state: z.enum(['authorized', 'unauthorized']),
  authorized: z.boolean(),
  func_info: z.array(z.number()),
  authorized_at: nullableTime,
  unauthorized_at: nullableTime,
  updated_at: time,
});

export const openPlatformSchema = z.object({
  component_appid: z.string(),
  name: z.string(),
  secrets: z.object({
    component_appsecret_set: z.boolean(),
    token_set: z.boolean(),
    encoding_aes_key_set: z.boolean(),
    previous_encoding_aes_key_set: z.boolean(),
  }),
  events_url: z.string(),
  ticket: z.object({
    received: z.boolean(),
    created_at: nullableTime,
    received_at: nullableTime,
    age_seconds: z.number(),
    stale: z.boolean(),
  }),
  access_token: z.object({
    present: z.boolean(),
    expires_at: nullableTime,
    fetched_at: nullableTime,
    version: z.number(),
    last_error: z.string().nullable(),
    last_error_at: nullableTime,
  }),
  created_at: time,
  updated_at: time,
});

export const openPlatformDetailSchema = openPlatformSchema.extend({ authorizations: z.array(authorizationSchema) });

export const authorizationLinkSchema = z.object({
  link_id: z.string(),
  url: z.string(),
  expires_at: time,
  authorization_url: z.string(),
  mobile_authorization_url: z.string(),
});

/** The redirect's query: WeChat's auth_code and expires_in, and the link id partnerpay put in redirect_uri. */
export const authorizedQuery = z.object({
  link: z.string().regex(/^opl_[A-Za-z0-9_-]{10,40}$/, 'must be the link id partnerpay put in redirect_uri'),
  auth_code: z.string().min(1).max(512),
  expires_in: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional(),
});

/** The push's query parameters (WXBizMsgCrypt). */
export const pushQuery = z.object({
  signature: z.string().max(64).optional(),
  timestamp: z.string().max(16),
  nonce: z.string().min(1).max(64),
  encrypt_type: z.literal('aes', 'must be aes: partnerpay accepts encrypted pushes only').optional(),
  msg_signature: z.string().max(64),
});

/** app.authorization_changed: a tenant's AppID was authorised to, updated at, or withdrawn from an open platform. */
export const appAuthorizationChangedEvent = webhookEnvelope(
  'app.authorization_changed',
  'AppAuthorizationChangedEvent',
  z
    .object({
      appid: z.string().describe("the tenant's AppID (authorizer_appid)"),
      dev_mode: z.literal('third_party'),
      component_appid: z.string(),
      authorized: z.boolean().describe('false once withdrawn: the AppID takes no new orders'),
      change: z.enum(['authorized', 'updated', 'unauthorized']),
      func_info: z.array(z.number().int()).describe('the permission sets granted'),
      changed_at: z.string().describe('RFC 3339, +08:00'),
    })
    .meta({ id: 'AppAuthorizationChange', description: "A change of a tenant AppID's open-platform authorisation" }),
);
