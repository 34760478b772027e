import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import type { Request } from 'express';
import { ApiRouter } from '../../platform/http/route';
import { operatorAuth, operatorOf, writeContext } from '../operators';
import { OperatorPaymentActions, type OperatorActor } from './operator-actions.service';
import { adminOrderView } from './order.view';
import { createRefundBody } from './refund.input';
import { adminRefundView } from './refund.view';
import { adminOrderSchema, adminRefundSchema } from './payments.schemas';

const adminOrderAnswer = z
  .object({ order: adminOrderSchema })
  .meta({ id: 'AdminOrderAnswer', description: 'An order as operators see it' });
const adminRefundAnswer = z
  .object({ refund: adminRefundSchema })
  .meta({ id: 'AdminRefundAnswer', description: 'A refund as operators see it' });
const orderParams = z.object({ id: z.string().max(40) });
/** The tenant's refund body, minus out_trade_no/transaction_id: the order is the one in the path. */
const { out_refund_no, amount, reason } = createRefundBody.shape;
const operatorRefundBody = z.strictObject({ out_refund_no, amount, reason });

const actor = (req: Request): OperatorActor => ({ ...writeContext(req), name: operatorOf(req).name });

/** Operators acting on payments: POST /admin/v1/orders/{id}/close and /refunds (admin role only, audited). */
export function operatorActionsRouter(c: DependencyContainer): ApiRouter {
  const actions = c.resolve(OperatorPaymentActions);
  const adminOnly = operatorAuth(c, 'admin');
  const r = new ApiRouter();
  r.route(
    {
      method: 'post',
      path: '/admin/v1/orders/:id/close',
      summary: "Close any tenant's unpaid order (admin; audited; 409 ORDER_PAID if paid, a closed order answers as is)",
      tags: ['admin'],
      auth: 'operator',
      params: orderParams,
      responses: { 200: { description: 'the order, closed', schema: adminOrderAnswer } },
      errors: ['ORDER_PAID', 'CONFLICT', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
    },
    adminOnly,
    async ({ params, req }) => ({ order: adminOrderView(await actions.close(params.id, actor(req))) }),
  );
  r.route(
    {
      method: 'post',
      path: '/admin/v1/orders/:id/refunds',
      summary: "Refund (part of) any tenant's paid order (admin; audited; the tenant's refund rules)",
      tags: ['admin'],
      auth: 'operator',
      params: orderParams,
      body: operatorRefundBody,
      errors: [
        'OUT_REFUND_NO_USED',
        'ORDER_NOT_REFUNDABLE',
        'REFUND_AMOUNT_EXCEEDED',
        'SECONDARY_CLEARING_FORBIDDEN',
        'CONFLICT',
        'UPSTREAM_ERROR',
        'UPSTREAM_TIMEOUT',
      ],
      responses: {
        201: { description: 'accepted (status PROCESSING or final)', schema: adminRefundAnswer },
        200: { description: 'the existing refund with this out_refund_no and body', schema: adminRefundAnswer },
      },
    },
    adminOnly,
    async ({ params, body, req, res }) => {
      const out = await actions.refund(params.id, body, actor(req));
      res.status(out.created ? 201 : 200);
      return { refund: adminRefundView(out.refund) };
    },
  );
  return r;
}
