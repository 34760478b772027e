import express from 'express';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import type { Logger } from '../../platform/logging/logger';
import { IdempotencyService } from '../../platform/idempotency/idempotency.service';
import { answerIdempotently } from '../../platform/idempotency/idempotent-route';
import { mchid } from '../tenancy';
import { wechatpayAnswer, wechatpayRefusal } from '../notifications';
import { operatorAuth, writeContext } from '../operators';
import { platformAuth, platformCallerOf } from './platform-auth';
import { PlatformKeysService } from './platform-keys.service';
import { CombinedOrdersService } from './combined-orders.service';
import { CombineNotificationInbox } from './combine-notifications';
import { combinedOrderView } from './combined-order.view';
import { combineParams, createCombinedOrderBody, syncQuery } from './combined-order.input';
import { combinedOrderAnswer, combinedOrderPaymentAnswer, createdPlatformKeySchema, platformKeyList } from './combined-orders.schemas';

/** The platform API (/platform/v1, platform keys): combined orders. */
export function combinedOrdersRouter(c: DependencyContainer): ApiRouter {
  const service = c.resolve(CombinedOrdersService);
  const idempotency = c.resolve<IdempotencyService>(TOKENS.Idempotency);
  const auth = platformAuth(c);
  const tags = ['platform: combined orders'];
  return new ApiRouter()
    .route(
      {
        method: 'post',
        path: '/platform/v1/combined-orders',
        operationId: 'createCombinedOrder',
        summary:
          "Create a combined order (合单) over 2-50 sub-orders of the provider's active tenants, one upstream combine order, and what " +
          "the buyer's client needs (signed for the provider's sp_appid)",
        errors: [
          'OUT_TRADE_NO_USED',
          'SECONDARY_CLEARING_FORBIDDEN',
          'TENANT_SUSPENDED',
          'ORDER_PAID',
          'ORDER_CLOSED',
          'CONFLICT',
          'UPSTREAM_ERROR',
          'UPSTREAM_TIMEOUT',
        ],
        tags,
        auth: 'platform',
        body: createCombinedOrderBody,
        headers: { 'Idempotency-Key': 'optional, at most 64 printable ASCII characters; the first answer is replayed for 24 h' },
        responses: {
          201: { description: 'created', schema: combinedOrderPaymentAnswer },
          200: { description: 'the existing combined order with this combine_out_trade_no and body', schema: combinedOrderPaymentAnswer },
        },
      },
      auth,
      async ({ body, req, res }) => {
        const caller = platformCallerOf(req);
        return answerIdempotently(idempotency, req, res, `sp:${caller.spMchid}`, body, async () => {
          const r = await service.create(caller, body);
          return {
            status: r.created ? 201 : 200,
            body: {
              combined_order: combinedOrderView(r.order),
              payment: r.payment as z.input<typeof combinedOrderPaymentAnswer>['payment'],
            },
          };
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/platform/v1/combined-orders/:combine_out_trade_no',
        operationId: 'getCombinedOrder',
        summary: 'Get a combined order with its sub-orders (sync=true asks WeChat Pay first)',
        errors: ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        tags,
        auth: 'platform',
        params: combineParams,
        query: syncQuery,
        responses: { 200: { description: 'the combined order', schema: combinedOrderAnswer } },
      },
      auth,
      async ({ params, query, req }) => ({
        combined_order: combinedOrderView(await service.get(platformCallerOf(req), params.combine_out_trade_no, query.sync === 'true')),
      }),
    )
    .route(
      {
        method: 'post',
        path: '/platform/v1/combined-orders/:combine_out_trade_no/close',
        operationId: 'closeCombinedOrder',
        summary: 'Close every sub-order of an unpaid combined order together; 409 ORDER_PAID when any is paid',
        errors: ['ORDER_PAID', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        tags,
        auth: 'platform',
        params: combineParams,
        responses: { 200: { description: 'the closed combined order', schema: combinedOrderAnswer } },
      },
      auth,
      async ({ params, req }) => ({
        combined_order: combinedOrderView(await service.close(platformCallerOf(req), params.combine_out_trade_no)),
      }),
    );
}

/** Operators mint, list and revoke a provider's platform keys. */
export function platformKeysRouter(c: DependencyContainer): ApiRouter {
  const keys = c.resolve(PlatformKeysService);
  const tags = ['admin: service providers'];
  const params = z.object({ sp_mchid: mchid });
  return new ApiRouter()
    .route(
      {
        method: 'post',
        path: '/admin/v1/service-providers/:sp_mchid/platform-keys',
        operationId: 'createPlatformKey',
        summary: "Mint a platform key (pk_..., shown once) for the provider: it acts on that provider's tenants through /platform/v1 only",
        tags,
        auth: 'operator',
        params,
        body: z.strictObject({ name: z.string().min(1).max(64).optional() }),
        responses: { 201: { description: 'the key, shown only here', schema: createdPlatformKeySchema } },
      },
      operatorAuth(c, 'admin'),
      async ({ params: p, body, req, res }) => {
        res.status(201);
        return keys.create(p.sp_mchid, body.name, writeContext(req));
      },
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/service-providers/:sp_mchid/platform-keys',
        operationId: 'listPlatformKeys',
        summary: "The provider's platform keys (live first; never the keys themselves)",
        tags,
        auth: 'operator',
        params,
        responses: { 200: { description: 'the keys', schema: platformKeyList } },
      },
      operatorAuth(c, 'viewer'),
      ({ params: p }) => keys.list(p.sp_mchid),
    )
    .route(
      {
        method: 'delete',
        path: '/admin/v1/service-providers/:sp_mchid/platform-keys/:id',
        operationId: 'revokePlatformKey',
        summary: 'Revoke a platform key: from the next request on it is 401',
        tags,
        auth: 'operator',
        params: params.extend({ id: z.string().min(1).max(40) }),
        responses: { 204: { description: 'revoked' } },
      },
      operatorAuth(c, 'admin'),
      async ({ params: p, req }) => {
        await keys.revoke(p.sp_mchid, p.id, writeContext(req));
      },
    );
}

/** WeChat Pay's way in for 合单 notifications: one URL per provider, read raw (the signature covers the exact bytes). */
export function combineNotifyRouter(c: DependencyContainer): ApiRouter {
  const inbox = c.resolve(CombineNotificationInbox);
  const logger = c.resolve<Logger>(TOKENS.Logger);
  return new ApiRouter().route(
    {
      method: 'post',
      path: '/notify/sp/:sp_mchid/combine-transactions',
      operationId: 'receiveCombineNotification',
      summary: "WeChat Pay's one TRANSACTION.SUCCESS for a paid combined order (合单), applied to every sub-order once",
      tags: ['notifications'],
      auth: 'wechatpay',
      params: z.object({ sp_mchid: mchid }),
      responses: {
        200: { description: 'applied (to every sub-order) or already applied', schema: wechatpayAnswer },
        400: {
          description: 'refused by a cross-check: {"code":"FAIL"} (or PARAM_ERROR for a path or query the input guard refuses)',
          schema: wechatpayRefusal,
        },
        401: { description: 'signature refused', schema: wechatpayAnswer },
        404: { description: 'no such service provider', schema: wechatpayAnswer },
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
        logger.error({ err, sp_mchid: params.sp_mchid }, 'combine notification processing failed');
        res.status(500);
        return { code: 'FAIL' as const, message: 'temporarily unavailable' };
      }
    },
  );
}
