import express from 'express';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { complaintNotificationUrl, WxpayApiError, type WxpayClient } from '@partnerpay/wxpay';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import type { Logger } from '../../platform/logging/logger';
import type { IdempotencyService } from '../../platform/idempotency/idempotency.service';
import { answerIdempotently } from '../../platform/idempotency/idempotent-route';
import { AppError } from '../../platform/errors/errors';
import { mchid, tenantAuth, tenantOf } from '../tenancy';
import { AuditLog, operatorAuth, writeContext } from '../operators';
import { checkImage, readUpload } from '../onboarding';
import { wechatpayAnswer, wechatpayRefusal } from '../notifications';
import { ComplaintService } from './complaint.service';
import { ComplaintInbox } from './complaint-inbox.service';
import {
  adminListQuery,
  complaintIdParams,
  notificationUrlBody,
  refundDecisionBody,
  responseBody,
  tenantListQuery,
} from './complaints.input';
import { COMPLAINT_WEBHOOKS, complaintAnswer, complaintMedia, complaintPage } from './complaints.schemas';

const one = complaintAnswer;
const page = complaintPage;
const idem = { 'Idempotency-Key': 'optional; replays the first answer for 24 h' };
const tags = ['complaints'];

/** The tenant's complaints API (/v1/complaints...). */
export function tenantComplaintsRouter(c: DependencyContainer): ApiRouter {
  const service = c.resolve(ComplaintService);
  const idempotency = c.resolve<IdempotencyService>(TOKENS.Idempotency);
  const auth = tenantAuth(c);
  const ctx = (req: express.Request) => ({ actor: `tenant:${tenantOf(req).id}`, requestId: req.id });
  const r = new ApiRouter();
  for (const w of COMPLAINT_WEBHOOKS)
    r.webhook({
      ...w,
      description: `${w.summary}. Signed (Partnerpay-Signature), retried on WeChat Pay's schedule until a 2xx; may arrive twice.`,
    });
  return r
    .route(
      {
        method: 'get',
        path: '/v1/complaints',
        summary: "The tenant's consumer complaints, newest first",
        tags,
        auth: 'tenant',
        query: tenantListQuery,
        responses: { 200: { description: 'a page', schema: page } },
      },
      auth,
      ({ query, req }) => service.list(tenantOf(req), query),
    )
    .route(
      {
        method: 'post',
        path: '/v1/complaints/media',
        summary: 'Upload one reply image (multipart field file: JPG, PNG or BMP, at most 2 MB); answers its media_id',
        tags,
        auth: 'tenant',
        rawBody: { contentType: 'multipart/form-data', description: 'field file: one JPG, PNG or BMP image, at most 2 MB' },
        errors: ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        responses: { 201: { description: 'uploaded', schema: complaintMedia } },
      },
      auth,
      async ({ req, res }) => {
        const image = checkImage(await readUpload(req));
        const out = await service.uploadImage(tenantOf(req), image);
        res.status(201);
        return out;
      },
    )
    .route(
      {
        method: 'get',
        path: '/v1/complaints/:complaint_id',
        summary: 'One complaint: detail, negotiation history, the local order it is about',
        tags,
        auth: 'tenant',
        params: complaintIdParams,
        responses: { 200: { description: 'the complaint', schema: one } },
      },
      auth,
      async ({ params, req }) => ({ complaint: await service.get(tenantOf(req), params.complaint_id) }),
    )
    .route(
      {
        method: 'post',
        path: '/v1/complaints/:complaint_id/responses',
        summary: 'Reply to the buyer (at WeChat Pay, as the sub-merchant); the first reply moves PENDING to PROCESSING',
        tags,
        auth: 'tenant',
        params: complaintIdParams,
        body: responseBody,
        headers: idem,
        responses: { 200: { description: 'the complaint after the reply', schema: one } },
      },
      auth,
      ({ params, body, req, res }) =>
        answerIdempotently(idempotency, req, res, tenantOf(req).id, { ...body, complaint_id: params.complaint_id }, async () => ({
          status: 200,
          body: { complaint: await service.respond(tenantOf(req), params.complaint_id, body, ctx(req)) },
        })),
    )
    .route(
      {
        method: 'post',
        path: '/v1/complaints/:complaint_id/refund-decision',
        summary: "Approve (then refund through /v1/refunds) or reject the buyer's refund request",
        tags,
        auth: 'tenant',
        params: complaintIdParams,
        body: refundDecisionBody,
        headers: idem,
        responses: { 200: { description: 'the complaint after the decision', schema: one } },
      },
      auth,
      ({ params, body, req, res }) =>
        answerIdempotently(
          idempotency,
          req,
          res,
          tenantOf(req).id,
          { ...body, complaint_id: params.complaint_id, op: 'refund-decision' },
          async () => ({
            status: 200,
            body: { complaint: await service.refundDecision(tenantOf(req), params.complaint_id, body, ctx(req)) },
          }),
        ),
    )
    .route(
      {
        method: 'post',
        path: '/v1/complaints/:complaint_id/complete',
        summary: 'Mark the complaint handled (the buyer then gets a satisfaction survey); 409 CONFLICT when already completed',
        tags,
        auth: 'tenant',
        params: complaintIdParams,
        headers: idem,
        errors: ['CONFLICT', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        responses: { 200: { description: 'the completed complaint', schema: one } },
      },
      auth,
      ({ params, req, res }) =>
        answerIdempotently(idempotency, req, res, tenantOf(req).id, { complaint_id: params.complaint_id, op: 'complete' }, async () => ({
          status: 200,
          body: { complaint: await service.complete(tenantOf(req), params.complaint_id, ctx(req)) },
        })),
    );
}

/** Operators: every tenant's complaints, and each provider's complaint URL at WeChat Pay. */
export function adminComplaintsRouter(c: DependencyContainer): ApiRouter {
  const service = c.resolve(ComplaintService);
  const audit = c.resolve(AuditLog);
  const wxpay = c.resolve<WxpayClient>(TOKENS.Wxpay);
  const viewer = operatorAuth(c, 'viewer');
  const admin = operatorAuth(c, 'admin');
  const spParams = z.object({ sp_mchid: mchid });
  const registration = z.object({ mchid: z.string(), url: z.string() });
  const register = async (spMchid: string, url: string | undefined, method: 'POST' | 'PUT', req: express.Request) => {
    const sp = await service.provider(spMchid);
    const target = url ?? service.defaultNotificationUrl(spMchid);
    const out = await complaintNotificationUrl(wxpay, sp, method, target);
    // Only DELETE answers nothing; a POST or PUT without its registration is WeChat Pay's fault (502).
    if (!out) throw new AppError('UPSTREAM_ERROR', 'WeChat Pay answered no complaint notification registration');
    await service.repo.db.tx((em) =>
      audit.record(em, writeContext(req), {
        action: `complaint_url.${method === 'POST' ? 'create' : 'replace'}`,
        target: `service_provider:${spMchid}`,
        after: out,
      }),
    );
    return { registration: out };
  };
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/admin/v1/complaints',
        summary: 'Complaints across tenants (tenant_id=none: sub-merchants partnerpay does not know), newest first',
        tags,
        auth: 'operator',
        query: adminListQuery,
        responses: { 200: { description: 'a page', schema: page } },
      },
      viewer,
      ({ query }) => service.listAll({ ...query, overdue: query.overdue === undefined ? undefined : query.overdue === 'true' }),
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/complaints/:complaint_id',
        summary: 'One complaint with its history and local order',
        tags,
        auth: 'operator',
        params: complaintIdParams,
        responses: { 200: { description: 'the complaint', schema: one } },
      },
      viewer,
      async ({ params }) => ({ complaint: await service.getAny(params.complaint_id) }),
    )
    .route(
      {
        method: 'post',
        path: '/admin/v1/service-providers/:sp_mchid/complaint-notifications',
        summary:
          "Register partnerpay's complaint URL at WeChat Pay for this provider (default PUBLIC_BASE_URL/notify/sp/{sp_mchid}/complaints)",
        tags,
        auth: 'operator',
        params: spParams,
        body: notificationUrlBody,
        responses: { 201: { description: 'registered', schema: z.object({ registration }) } },
      },
      admin,
      async ({ params, body, req, res }) => {
        res.status(201);
        return register(params.sp_mchid, body.url, 'POST', req);
      },
    )
    .route(
      {
        method: 'put',
        path: '/admin/v1/service-providers/:sp_mchid/complaint-notifications',
        summary: 'Replace the registered complaint URL',
        tags,
        auth: 'operator',
        params: spParams,
        body: notificationUrlBody,
        responses: { 200: { description: 'replaced', schema: z.object({ registration }) } },
      },
      admin,
      ({ params, body, req }) => register(params.sp_mchid, body.url, 'PUT', req),
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/service-providers/:sp_mchid/complaint-notifications',
        summary: 'The complaint URL WeChat Pay has for this provider (404 NOT_FOUND when none)',
        tags,
        auth: 'operator',
        params: spParams,
        responses: { 200: { description: 'the registration', schema: z.object({ registration }) } },
      },
      viewer,
      async ({ params }) => {
        const sp = await service.provider(params.sp_mchid);
        try {
          const registration = await complaintNotificationUrl(wxpay, sp, 'GET');
          if (!registration) throw AppError.notFound('complaint notification URL');
          return { registration };
        } catch (e) {
          if (e instanceof WxpayApiError && e.status === 404) throw AppError.notFound('complaint notification URL');
          throw e;
        }
      },
    )
    .route(
      {
        method: 'delete',
        path: '/admin/v1/service-providers/:sp_mchid/complaint-notifications',
        summary: 'Delete the registered complaint URL (the periodic sync still finds every complaint)',
        tags,
        auth: 'operator',
        params: spParams,
        responses: { 204: { description: 'deleted' } },
      },
      admin,
      async ({ params, req, res }) => {
        const sp = await service.provider(params.sp_mchid);
        try {
          await complaintNotificationUrl(wxpay, sp, 'DELETE');
        } catch (e) {
          if (e instanceof WxpayApiError && e.status === 404) throw AppError.notFound('complaint notification URL');
          throw e;
        }
        await service.repo.db.tx((em) =>
          audit.record(em, writeContext(req), { action: 'complaint_url.delete', target: `service_provider:${params.sp_mchid}` }),
        );
        res.status(204);
        return undefined;
      },
    );
}

/** WeChat Pay's way in for complaints: one URL per provider, read raw (the signature covers the exact bytes). */
export function complaintNotifyRouter(c: DependencyContainer): ApiRouter {
  const inbox = c.resolve(ComplaintInbox);
  const logger = c.resolve<Logger>(TOKENS.Logger);
  return new ApiRouter().route(
    {
      method: 'post',
      path: '/notify/sp/:sp_mchid/complaints',
      summary: 'WeChat Pay complaint notification (COMPLAINT.CREATE, COMPLAINT.STATE_CHANGE) for every sub-merchant of a provider',
      tags: ['notifications'],
      auth: 'wechatpay',
      params: z.object({ sp_mchid: mchid }),
      rawBody: {
        contentType: 'application/json',
        description: "WeChat Pay's signed notification, read as raw bytes (the Wechatpay-Signature covers them exactly)",
      },
      responses: {
        200: { description: 'applied or already applied', schema: wechatpayAnswer },
        404: { description: 'no such provider: {"code":"FAIL"}', schema: wechatpayAnswer },
        400: { description: 'refused: {"code":"FAIL"} (or PARAM_ERROR for a path that is not a notify URL)', schema: wechatpayRefusal },
        401: { description: 'signature refused', schema: wechatpayAnswer },
        500: { description: 'our fault: WeChat Pay retries later', schema: wechatpayAnswer },
      },
    },
    express.raw({ type: () => true, limit: '64kb' }),
    async ({ params, req, res }) => {
      try {
        const answer = await inbox.receive(params.sp_mchid, req.headers, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
        res.status(answer.status);
        return answer.body;
      } catch (err) {
        logger.error({ err, sp_mchid: params.sp_mchid }, 'complaint notification processing failed');
        res.status(500);
        return { code: 'FAIL' as const, message: 'temporarily unavailable' };
      }
    },
  );
}
