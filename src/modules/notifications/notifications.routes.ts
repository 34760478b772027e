import express from 'express';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import { rfc3339 } from '../../platform/clock';
import { decodeCursor, encodeCursor, pageQuery } from '../../platform/http/paging';
import { operatorAuth } from '../operators';
import type { Logger } from '../../platform/logging/logger';
import type { NotificationGate } from './notification-gate';
import { NotificationRepository } from './notification.repository';

const params = z.object({ tenant_id: z.string().min(1).max(64), kind: z.enum(['transactions', 'refunds']) });

/** What WeChat Pay expects back from a notify_url. */
/** What WeChat Pay reads back from every notification URL (exported for the other notify routes). */
export const wechatpayAnswer = z
  .object({ code: z.enum(['SUCCESS', 'FAIL']), message: z.string().optional() })
  .meta({ id: 'WechatpayNotificationAnswer', description: 'The answer WeChat Pay reads: SUCCESS, or FAIL to be retried' });

/** A refusal WeChat Pay reads as FAIL; a path that is not a notify URL gets partnerpay's PARAM_ERROR. */
export const wechatpayRefusal = z.union([
  wechatpayAnswer,
  z.object({ code: z.literal('PARAM_ERROR'), message: z.string(), detail: z.unknown().optional(), request_id: z.string() }),
]);

/** WeChat Pay's way in: POST /notify/{tenant_id}/transactions|refunds, read raw (the signature covers the exact bytes). */
export function notifyRouter(c: DependencyContainer): ApiRouter {
  const gate = c.resolve<NotificationGate>(TOKENS.NotificationGate);
  const logger = c.resolve<Logger>(TOKENS.Logger);
  const r = new ApiRouter();
  r.route(
    {
      method: 'post',
      path: '/notify/:tenant_id/:kind',
      summary: 'WeChat Pay notification (TRANSACTION.SUCCESS, REFUND.*) for one tenant',
      tags: ['notifications'],
      auth: 'wechatpay',
      params,
      rawBody: {
        contentType: 'application/json',
        description: "WeChat Pay's signed notification, read as raw bytes (the Wechatpay-Signature covers them exactly)",
      },
      responses: {
        200: { description: 'applied or already applied', schema: wechatpayAnswer },
        400: { description: 'refused: {"code":"FAIL"} (or PARAM_ERROR for a path that is not a notify URL)', schema: wechatpayRefusal },
        404: { description: 'no such tenant: {"code":"FAIL"}', schema: wechatpayAnswer },
        401: { description: 'signature refused', schema: wechatpayAnswer },
        500: { description: 'our fault: WeChat Pay retries later', schema: wechatpayAnswer },
      },
    },
    express.raw({ type: () => true, limit: '64kb' }),
    async ({ params: p, req, res }) => {
      try {
        const answer = await gate.receive(p.tenant_id, p.kind, req.headers, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
        res.status(answer.status);
        return answer.body;
      } catch (err) {
        // Our fault (database down...): 5xx so that WeChat Pay tries again later.
        logger.error({ err, tenant_id: p.tenant_id, kind: p.kind }, 'notification processing failed');
        res.status(500);
        return { code: 'FAIL' as const, message: 'temporarily unavailable' };
      }
    },
  );
  return r;
}

const listQuery = pageQuery.extend({
  tenant_id: z.string().max(64).optional(),
  outcome: z.enum(['applied', 'duplicate', 'replayed', 'refused', 'unmatched', 'conflict', 'error']).optional(),
});

const notification = z
  .object({
    id: z.string(),
    tenant_id: z.string().nullable(),
    kind: z.string(),
    event_id: z.string().nullable(),
    event_type: z.string().nullable(),
    serial: z.string().nullable(),
    verification: z.string(),
    verified_by: z.string().nullable(),
    outcome: z.enum(['applied', 'duplicate', 'replayed', 'refused', 'unmatched', 'conflict', 'error']),
    detail: z.unknown().describe('why it was refused or what it conflicted with, or null'),
    received_at: z.string(),
  })
  .meta({ id: 'ReceivedNotification', description: 'One notification WeChat Pay sent, and what became of it' });

/** GET /admin/v1/notifications: every notification received, newest first. */
export function adminNotificationsRouter(c: DependencyContainer): ApiRouter {
  const repo = c.resolve(NotificationRepository);
  const r = new ApiRouter();
  r.route(
    {
      method: 'get',
      path: '/admin/v1/notifications',
      summary: 'Every notification received, with its verification result and outcome',
      tags: ['admin'],
      auth: 'operator',
      query: listQuery,
      responses: { 200: { description: 'a page', schema: z.object({ data: z.array(notification), next_cursor: z.string().nullable() }) } },
    },
    operatorAuth(c, 'viewer'),
    async ({ query }) => {
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const page = await repo.list({ tenantId: query.tenant_id, outcome: query.outcome }, query.limit + 1, after);
      const data = page.slice(0, query.limit).map((n) => ({
        id: n.id,
        tenant_id: n.tenantId,
        kind: n.kind,
        event_id: n.eventId ?? null,
        event_type: n.eventType ?? null,
        serial: n.serial ?? null,
        verification: n.verification,
        verified_by: n.verifiedBy ?? null,
        outcome: n.outcome,
        detail: n.detail ? (JSON.parse(n.detail) as unknown) : null,
        received_at: rfc3339(n.receivedAt),
      }));
      const last = page[query.limit - 1];
      return { data, next_cursor: page.length > query.limit && last ? encodeCursor(last.receivedAt, last.id) : null };
    },
  );
  return r;
}
