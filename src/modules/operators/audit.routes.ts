import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { pageQuery } from '../../platform/http/paging';
import { operatorAuth } from './operator-auth';
import { AuditLog } from './audit-log';

const time = z
  .string()
  .datetime({ offset: true })
  .transform((s) => Date.parse(s));

const entry = z
  .object({
    id: z.number().int(),
    actor: z.string(),
    action: z.string(),
    target: z.string(),
    request_id: z.string().nullable(),
    before: z.unknown().describe('the state before (secrets masked), or null'),
    after: z.unknown().describe('the state after (secrets masked), or null'),
    at: z.string(),
  })
  .meta({ id: 'AuditEntry', description: 'One admin write' });

/** GET /admin/v1/audit-log?actor=&action=&target=&since=&until=&limit=&cursor= */
export function auditRouter(c: DependencyContainer): ApiRouter {
  const audit = c.resolve(AuditLog);
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/admin/v1/audit-log',
      summary: 'The audit log of admin writes, newest first (secrets masked)',
      tags: ['admin: audit'],
      auth: 'operator',
      query: pageQuery.extend({
        actor: z.string().max(64).optional(),
        action: z.string().max(64).optional(),
        target: z.string().max(128).optional(),
        since: time.optional(),
        until: time.optional(),
      }),
      responses: {
        200: { description: 'a page of entries', schema: z.object({ data: z.array(entry), next_cursor: z.string().nullable() }) },
      },
    },
    operatorAuth(c, 'viewer'),
    ({ query }) => audit.list(query),
  );
}
