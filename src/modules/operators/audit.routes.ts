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
      responses: { 200: { description: 'a page of entries' } },
    },
    operatorAuth(c, 'viewer'),
    ({ query }) => audit.list(query),
  );
}
