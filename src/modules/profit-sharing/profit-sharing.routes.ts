import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import { tenantAuth, tenantOf, tenantId } from '../tenancy';
import { operatorAuth, writeContext } from '../operators';
import type { IdempotencyService } from '../../platform/idempotency/idempotency.service';
import { answerIdempotently } from '../../platform/idempotency/idempotent-route';
import { ProfitSharingService } from './profit-sharing.service';
import { ReceiversService } from './receivers.service';
import {
  addReceiverBody,
  createReturnBody,
  createSplitBody,
  outOrderNoParams,
  outReturnNoParams,
  unfreezeBody,
} from './profit-sharing.input';
import { returnView, splitView } from './profit-sharing.view';
import { PROFIT_SHARING_WEBHOOKS, profitSharingOrderAnswer, profitSharingReturnAnswer, receiverSchema } from './profit-sharing.schemas';

const splitSchema = profitSharingOrderAnswer;
const returnSchema = profitSharingReturnAnswer;
const receiverPage = z
  .object({ data: z.array(receiverSchema) })
  .meta({ id: 'ProfitSharingReceiverList', description: "A tenant's profit-sharing receivers" });
const idem = { 'Idempotency-Key': 'optional, at most 64 printable ASCII characters' };
const tags = ['profit sharing'];

/** The tenant's profit-sharing API (/v1/profit-sharing/*) and the operators' receivers (/admin/v1/tenants/{id}/receivers). */
export function profitSharingRouter(c: DependencyContainer): ApiRouter {
  const ps = c.resolve(ProfitSharingService);
  const receivers = c.resolve(ReceiversService);
  const idempotency = c.resolve<IdempotencyService>(TOKENS.Idempotency);
  const auth = tenantAuth(c);
  const r = new ApiRouter();
  for (const w of PROFIT_SHARING_WEBHOOKS)
    r.webhook({
      ...w,
      description: `${w.summary}. Signed (Partnerpay-Signature), retried on WeChat Pay's schedule until a 2xx; may arrive twice.`,
    });

  r.route(
    {
      method: 'post',
      path: '/v1/profit-sharing/orders',
      errors: [
        'NOT_FOUND',
        'OUT_ORDER_NO_USED',
        'ORDER_NOT_SPLITTABLE',
        'SECONDARY_CLEARING_FORBIDDEN',
        'UNPROCESSABLE',
        'CONFLICT',
        'UPSTREAM_ERROR',
        'UPSTREAM_TIMEOUT',
      ],
      summary: 'Split a profit-sharing payment among approved receivers (分账), within the authorised ratio',
      tags,
      auth: 'tenant',
      body: createSplitBody,
      headers: idem,
      responses: {
        201: { description: 'accepted (state PROCESSING); follow it with GET or the profit_sharing.finished event', schema: splitSchema },
        200: { description: 'the existing split with this out_order_no', schema: splitSchema },
      },
    },
    auth,
    async ({ body, req, res }) => {
      const tenant = tenantOf(req);
      return answerIdempotently(idempotency, req, res, tenant.id, body, async () => {
        const out = await ps.createSplit(tenant, body);
        return { status: out.created ? 201 : 200, body: { profit_sharing_order: splitView(out.split) } };
      });
    },
  );
  r.route(
    {
      method: 'get',
      path: '/v1/profit-sharing/orders/:out_order_no',
      errors: ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
      summary: 'A split or unfreeze, with each receiver result',
      tags,
      auth: 'tenant',
      params: outOrderNoParams,
      responses: { 200: { description: 'the split', schema: splitSchema } },
    },
    auth,
    async ({ params, req }) => ({ profit_sharing_order: splitView(await ps.getSplit(tenantOf(req), params.out_order_no)) }),
  );
  r.route(
    {
      method: 'post',
      path: '/v1/profit-sharing/unfreeze',
      errors: ['NOT_FOUND', 'OUT_ORDER_NO_USED', 'ORDER_NOT_SPLITTABLE', 'UNPROCESSABLE', 'CONFLICT', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
      summary: 'Release what is still frozen of a payment to the sub-merchant; no split after it',
      tags,
      auth: 'tenant',
      body: unfreezeBody,
      headers: idem,
      responses: {
        201: { description: 'accepted', schema: splitSchema },
        200: { description: 'the existing unfreeze with this out_order_no', schema: splitSchema },
      },
    },
    auth,
    async ({ body, req, res }) => {
      const tenant = tenantOf(req);
      return answerIdempotently(idempotency, req, res, tenant.id, body, async () => {
        const out = await ps.unfreeze(tenant, body);
        return { status: out.created ? 201 : 200, body: { profit_sharing_order: splitView(out.split) } };
      });
    },
  );
  r.route(
    {
      method: 'post',
      path: '/v1/profit-sharing/returns',
      errors: [
        'NOT_FOUND',
        'OUT_RETURN_NO_USED',
        'RETURN_AMOUNT_EXCEEDED',
        'UNPROCESSABLE',
        'CONFLICT',
        'UPSTREAM_ERROR',
        'UPSTREAM_TIMEOUT',
      ],
      summary: 'Return (回退) part of what a merchant receiver got from a split',
      tags,
      auth: 'tenant',
      body: createReturnBody,
      headers: idem,
      responses: {
        201: { description: 'accepted (result PROCESSING, SUCCESS or FAILED)', schema: returnSchema },
        200: { description: 'the existing return with this out_return_no', schema: returnSchema },
      },
    },
    auth,
    async ({ body, req, res }) => {
      const tenant = tenantOf(req);
      return answerIdempotently(idempotency, req, res, tenant.id, body, async () => {
        const out = await ps.createReturn(tenant, body);
        return { status: out.created ? 201 : 200, body: { profit_sharing_return: returnView(out.ret) } };
      });
    },
  );
  r.route(
    {
      method: 'get',
      path: '/v1/profit-sharing/returns/:out_return_no',
      errors: ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
      summary: 'A return',
      tags,
      auth: 'tenant',
      params: outReturnNoParams,
      responses: { 200: { description: 'the return', schema: returnSchema } },
    },
    auth,
    async ({ params, req }) => ({ profit_sharing_return: returnView(await ps.getReturn(tenantOf(req), params.out_return_no)) }),
  );

  const admin = operatorAuth(c, 'admin');
  const viewer = operatorAuth(c, 'viewer');
  const adminTags = ['admin: profit sharing'];
  r.route(
    {
      method: 'post',
      path: '/admin/v1/tenants/:id/receivers',
      errors: ['SECONDARY_CLEARING_FORBIDDEN', 'CONFLICT', 'UNPROCESSABLE', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
      summary: "Approve a receiver for the tenant's splits and add it at WeChat Pay (name encrypted)",
      tags: adminTags,
      auth: 'operator',
      params: z.object({ id: tenantId }),
      body: addReceiverBody,
      responses: { 201: { description: 'approved and registered', schema: receiverSchema } },
    },
    admin,
    async ({ params, body, req, res }) => {
      const out = await receivers.add(params.id, body, writeContext(req));
      res.status(201);
      return out;
    },
  );
  r.route(
    {
      method: 'get',
      path: '/admin/v1/tenants/:id/receivers',
      summary: "The tenant's approved receivers",
      tags: adminTags,
      auth: 'operator',
      params: z.object({ id: tenantId }),
      responses: { 200: { description: 'receivers', schema: receiverPage } },
    },
    viewer,
    async ({ params }) => ({ data: await receivers.list(params.id) }),
  );
  r.route(
    {
      method: 'delete',
      path: '/admin/v1/tenants/:id/receivers/:account',
      errors: ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
      summary: 'Remove a receiver: deleted at WeChat Pay and no longer approved',
      tags: adminTags,
      auth: 'operator',
      params: z.object({ id: tenantId, account: z.string().min(1).max(64) }),
      responses: { 204: { description: 'removed' } },
    },
    admin,
    async ({ params, req }) => {
      await receivers.remove(params.id, params.account, writeContext(req));
    },
  );
  return r;
}
