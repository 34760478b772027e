import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import { rfc3339, startOfBeijingDay, type Clock } from '../../platform/clock';
import { operatorAuth } from '../../modules/operators';
import { DashboardQueries } from './dashboard.queries';

const tenantStats = z.object({
  tenant_id: z.string(),
  name: z.string(),
  sub_mchid: z.string(),
  status: z.string(),
  orders: z.number().int(),
  paid: z.number().int(),
  paid_amount: z.number().int(),
  success_rate: z.number().nullable(),
  notifications_refused: z.number().int(),
  deliveries_failed: z.number().int(),
});

/** GET /admin/v1/dashboard: per-tenant figures since a time (default: today, Beijing time), for the console's first page. */
export function dashboardRouter(c: DependencyContainer): ApiRouter {
  const queries = new DashboardQueries(c.resolve<Database>(TOKENS.Db));
  const clock = c.resolve<Clock>(TOKENS.Clock);
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/admin/v1/dashboard',
      summary:
        'Per tenant since `since` (default today 00:00 Beijing): orders, paid, success rate, refused notifications, failed deliveries',
      tags: ['admin'],
      auth: 'operator',
      query: z.object({ since: z.iso.datetime({ offset: true }).optional() }),
      responses: { 200: { description: 'figures per tenant', schema: z.object({ since: z.string(), tenants: z.array(tenantStats) }) } },
    },
    operatorAuth(c, 'viewer'),
    async ({ query }) => {
      const since = query.since ? Date.parse(query.since) : startOfBeijingDay(clock.now());
      return { since: rfc3339(since), tenants: await queries.perTenant(since) };
    },
  );
}
