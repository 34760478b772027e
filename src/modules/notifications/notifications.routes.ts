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
      responses: {
        200: { description: 'applied or already applied' },
        400: { description: 'refused: {"code":"FAIL"}' },
        401: { description: 'signature refused' },
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
        return { code: 'FAIL', message: 'temporarily unavailable' };
      }
    },
  );
  return r;
}

const listQuery = pageQuery.extend({
  tenant_id: z.string().max(64).optional(),
  outcome: z.enum(['applied', 'duplicate', 'replayed', 'refused', 'unmatched', 'conflict', 'error']).optional(),
});

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
      responses: { 200: { description: 'a page' } },
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
