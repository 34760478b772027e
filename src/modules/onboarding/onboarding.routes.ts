import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { pageQuery } from '../../platform/http/paging';
import { TOKENS } from '../../platform/tokens';
import { operatorAuth, operatorOf, writeContext } from '../operators';
import type { Config } from '../../platform/config/schema';
import type { RateLimiter } from '../../platform/kv/kv';
import type { IdempotencyService } from '../../platform/idempotency/idempotency.service';
import { answerIdempotently } from '../../platform/idempotency/idempotent-route';
import { mchid, tenantId } from '../tenancy';
import { uploadMedia, type WxpayClient } from '@partnerpay/wxpay';
import { ApplymentService } from './applyment.service';
import { SettlementService, settlementChangeBody } from './settlement.service';
import { applymentCreateBody, applymentSubmitBody } from './applyment.input';
import { checkImage, readUpload } from './media';
import { AppError } from '../../platform/errors/errors';
import { applymentJson } from './applyment.view';

const applyment = z.object({
  id: z.string(),
  sp_mchid: z.string(),
  business_code: z.string(),
  applyment_id: z.number().nullable(),
  state: z.string(),
  state_desc: z.string().nullable(),
  audit_detail: z.array(z.object({ field: z.string(), field_name: z.string(), reject_reason: z.string() })),
  sign_url: z.string().nullable(),
  sub_mchid: z.string().nullable(),
  tenant_id: z.string().nullable(),
  application: z.record(z.string(), z.unknown()).describe('the application, every personal value masked'),
  tenant: z.record(z.string(), z.unknown()),
  last_error: z.record(z.string(), z.unknown()).nullable(),
  purged: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
// WeChat Pay's own answers passed through with every account number and name masked: their fields are WeChat Pay's.
const settlementAccount = z.record(z.string(), z.unknown()).meta({
  id: 'SettlementAccount',
  description: "WeChat Pay's settlement-account answer (account_type, account_bank, account_number masked, ...)",
});
const settlementApplication = z
  .record(z.string(), z.unknown())
  .meta({ id: 'SettlementApplication', description: "WeChat Pay's settlement-change application (verify_result, account masked, ...)" });
const idParams = z.object({ id: z.string().regex(/^apl_[A-Za-z0-9_-]{10,40}$/, 'must be an applyment id (apl_...)') });
const tenantParams = z.object({ id: tenantId });
const settlementQuery = z.object({ sync: z.enum(['true', 'false']).optional() });

/** Onboarding routes: media upload, applyments, settlement accounts of existing tenants. */
export function onboardingRouter(c: DependencyContainer): ApiRouter {
  const applyments = c.resolve(ApplymentService);
  const settlement = c.resolve(SettlementService);
  const wxpay = c.resolve<WxpayClient>(TOKENS.Wxpay);
  const idempotency = c.resolve<IdempotencyService>(TOKENS.Idempotency);
  const admin = operatorAuth(c, 'admin');
  const viewer = operatorAuth(c, 'viewer');
  const config = c.resolve<Config>(TOKENS.Config);
  const limiter = c.resolve<RateLimiter>(TOKENS.RateLimiter);
  /**
   * ?sync=true asks WeChat Pay and applies its answer (it may create the tenant): a write, so admins
   * only, and at most onboarding.syncPerMinutePerOperator a minute. A viewer reads the stored state,
   * which the follower keeps current.
   */
  const allowSync = async (req: Parameters<typeof operatorOf>[0]) => {
    const who = operatorOf(req);
    if (who.role !== 'admin')
      throw AppError.forbidden(
        '?sync=true asks WeChat Pay and applies its answer: operators with role admin only; ' +
          'read without it (the follower keeps the state current)',
      );
    const r = await limiter.hit(`applyment:sync:${who.id}`, config.onboarding.syncPerMinutePerOperator, 60_000);
    if (!r.allowed) throw AppError.rateLimited(r.retryAfterMs / 1000, 'too many ?sync=true reads of applyments by this operator');
  };
  const tags = ['admin: onboarding'];
  return new ApiRouter()
    .route(
      {
        method: 'post',
        path: '/admin/v1/media',
        rawBody: { contentType: 'multipart/form-data', description: 'fields sp_mchid and file (JPG, PNG or BMP, at most 2 MB)' },
        errors: ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: 'Upload one image (JPG, PNG or BMP, at most 2 MB; multipart fields sp_mchid and file) to WeChat Pay for a provider',
        tags,
        auth: 'operator',
        responses: { 201: { description: 'uploaded', schema: z.object({ media_id: z.string(), sha256: z.string(), size: z.number() }) } },
      },
      admin,
      async ({ req, res }) => {
        const upload = await readUpload(req);
        const sp = mchid.safeParse(upload.fields.sp_mchid);
        if (!sp.success) throw AppError.invalid([{ field: 'sp_mchid', issue: 'is required: the provider (8-10 digits)' }]);
        const image = checkImage(upload);
        const provider = await applyments.provider(sp.data);
        const r = await uploadMedia(wxpay, provider, {
          // Our own name (the content decides the type), so no client-chosen filename reaches WeChat Pay.
          filename: `upload.${image.ext}`,
          contentType: image.contentType,
          bytes: image.bytes,
        });
        res.status(201);
        return { media_id: r.media_id, sha256: r.sha256, size: image.bytes.length };
      },
    )
    .route(
      {
        method: 'post',
        path: '/admin/v1/applyments',
        errors: ['BUSINESS_CODE_USED', 'SECONDARY_CLEARING_FORBIDDEN', 'CONFLICT', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: 'Submit a sub-merchant application (特约商户进件); sensitive fields in plain text, encrypted here',
        tags,
        auth: 'operator',
        body: applymentCreateBody,
        headers: { 'Idempotency-Key': 'optional; replays the first answer for 24 h' },
        responses: {
          200: { description: 'the same business_code and body again', schema: z.object({ applyment }) },
          201: { description: 'submitted', schema: z.object({ applyment }) },
        },
      },
      admin,
      ({ body, req, res }) =>
        answerIdempotently(idempotency, req, res, `admin:${body.sp_mchid}`, body, () => applyments.create(body, writeContext(req))),
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/applyments',
        summary: 'List applyments, newest first',
        tags,
        auth: 'operator',
        query: pageQuery.extend({
          sp_mchid: mchid.optional(),
          state: z
            .string()
            .regex(/^[A-Z_]{1,48}$/)
            .optional(),
        }),
        responses: { 200: { description: 'a page', schema: z.object({ data: z.array(applyment), next_cursor: z.string().nullable() }) } },
      },
      viewer,
      ({ query }) => applyments.list(query),
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/applyments/:id',
        errors: ['FORBIDDEN', 'FREQUENCY_LIMITED', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: 'One applyment (?sync=true asks WeChat Pay first: admins only, throttled)',
        tags,
        auth: 'operator',
        params: idParams,
        query: settlementQuery,
        responses: { 200: { description: 'the applyment', schema: z.object({ applyment }) } },
      },
      viewer,
      async ({ params, query, req }) => {
        if (query.sync === 'true') await allowSync(req);
        const row = await applyments.get(params.id);
        return { applyment: applymentJson(query.sync === 'true' ? await applyments.sync(row) : row) };
      },
    )
    .route(
      {
        method: 'post',
        path: '/admin/v1/applyments/:id/submit',
        errors: ['CONFLICT', 'SECONDARY_CLEARING_FORBIDDEN', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: 'Resubmit an EDITTING or REJECTED applyment, optionally with a corrected application, under the same business_code',
        tags,
        auth: 'operator',
        params: idParams,
        body: applymentSubmitBody,
        responses: { 200: { description: 'resubmitted', schema: z.object({ applyment }) } },
      },
      admin,
      async ({ params, body, req }) => ({ applyment: await applyments.resubmit(params.id, body.application, writeContext(req)) }),
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/tenants/:id/settlement',
        errors: ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: "The tenant's settlement account as WeChat Pay has it (masked)",
        tags,
        auth: 'operator',
        params: tenantParams,
        responses: { 200: { description: 'the account', schema: settlementAccount } },
      },
      viewer,
      ({ params }) => settlement.get(params.id),
    )
    .route(
      {
        method: 'post',
        path: '/admin/v1/tenants/:id/settlement',
        errors: ['SECONDARY_CLEARING_FORBIDDEN', 'CONFLICT', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: 'Change the settlement account (MODIFY_MODE_ASYNC; the 二清 ownership rule applies; WeChat Pay allows 5 a day)',
        tags,
        auth: 'operator',
        params: tenantParams,
        body: settlementChangeBody,
        responses: { 202: { description: 'accepted', schema: z.object({ application_no: z.string(), verify_result: z.string() }) } },
      },
      admin,
      async ({ params, body, req, res }) => {
        const out = await settlement.change(params.id, body, writeContext(req));
        res.status(202);
        return out;
      },
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/tenants/:id/settlement/applications/:application_no',
        errors: ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: 'One settlement-account change application',
        tags,
        auth: 'operator',
        params: tenantParams.extend({ application_no: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/) }),
        responses: { 200: { description: 'the application (masked)', schema: settlementApplication } },
      },
      viewer,
      ({ params }) => settlement.application(params.id, params.application_no),
    );
}
