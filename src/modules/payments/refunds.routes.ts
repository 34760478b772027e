import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { adminRefundSchema, pageOf, refundAnswer as refundSchema } from './payments.schemas';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import { decodeCursor, encodeCursor, pageQuery } from '../../platform/http/paging';
import { tenantAuth, tenantOf } from '../tenancy';
import { operatorAuth } from '../operators';
import type { IdempotencyService } from '../../platform/idempotency/idempotency.service';
import { answerIdempotently } from '../../platform/idempotency/idempotent-route';
import { syncQuery } from './order.input';
import { RefundService } from './refund.service';
import { createRefundBody, outRefundNoParams } from './refund.input';
import { RefundRepository } from './refund.repository';
import { adminRefundView, refundView } from './refund.view';

/** The tenant's refund API (/v1/refunds) and the operators' listing (/admin/v1/refunds). */
export function refundsRouter(c: DependencyContainer): ApiRouter {
  const refunds = c.resolve(RefundService);
  const idempotency = c.resolve<IdempotencyService>(TOKENS.Idempotency);
  const repo = c.resolve(RefundRepository);
  const auth = tenantAuth(c);
  const r = new ApiRouter();

  r.route(
    {
      method: 'post',
      path: '/v1/refunds',
      errors: [
        'NOT_FOUND',
        'OUT_REFUND_NO_USED',
        'ORDER_NOT_REFUNDABLE',
        'REFUND_AMOUNT_EXCEEDED',
        'SECONDARY_CLEARING_FORBIDDEN',
        'CONFLICT',
        'UPSTREAM_ERROR',
        'UPSTREAM_TIMEOUT',
      ],
      summary: 'Refund (part of) a paid order',
      tags: ['refunds'],
      auth: 'tenant',
      body: createRefundBody,
      headers: { 'Idempotency-Key': 'optional, at most 64 printable ASCII characters' },
      responses: {
        201: { description: 'accepted (status PROCESSING or final)', schema: refundSchema },
        200: { description: 'the existing refund with this out_refund_no', schema: refundSchema },
      },
    },
    auth,
    async ({ body, req, res }) => {
      const tenant = tenantOf(req);
      return answerIdempotently(idempotency, req, res, tenant.id, body, async () => {
        const out = await refunds.create(tenant, body);
        return { status: out.created ? 201 : 200, body: { refund: refundView(out.refund) } };
      });
    },
  );

  r.route(
    {
      method: 'get',
      path: '/v1/refunds/:out_refund_no',
      errors: ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
      summary: 'Get a refund (sync=true asks WeChat Pay first)',
      tags: ['refunds'],
      auth: 'tenant',
      params: outRefundNoParams,
      query: syncQuery,
      responses: { 200: { description: 'the refund', schema: refundSchema } },
    },
    auth,
    async ({ params, query, req }) => ({
      refund: refundView(await refunds.get(tenantOf(req), params.out_refund_no, query.sync === 'true')),
    }),
  );

  r.route(
    {
      method: 'get',
      path: '/admin/v1/refunds',
      summary: 'List refunds (filters: tenant_id, status, out_trade_no, out_refund_no), newest first',
      tags: ['admin'],
      auth: 'operator',
      query: pageQuery.extend({
        tenant_id: z.string().max(40).optional(),
        status: z.enum(['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL']).optional(),
        out_trade_no: z.string().max(32).optional(),
        out_refund_no: z.string().max(64).optional(),
      }),
      responses: { 200: { description: 'a page of refunds', schema: pageOf(adminRefundSchema) } },
    },
    operatorAuth(c, 'viewer'),
    async ({ query }) => {
      const page = await repo.list(
        { tenantId: query.tenant_id, status: query.status, outTradeNo: query.out_trade_no, outRefundNo: query.out_refund_no },
        query.limit + 1,
        query.cursor ? decodeCursor(query.cursor) : undefined,
      );
      const data = page.slice(0, query.limit);
      const last = data[data.length - 1];
      return {
        data: data.map(adminRefundView),
        next_cursor: page.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    },
  );
  return r;
}
