import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { discrepancyPage, tenantReconciliationSchema } from './bills.schemas';
import { ApiRouter } from '../../platform/http/route';
import { encodeCursor, pageQuery } from '../../platform/http/paging';
import { tenantAuth, tenantOf } from '../tenancy';
import { ReconciliationService } from './reconciliation.service';
import { discrepancyView, tenantRunView } from './bills.view';
import { cursorId } from './bills.routes';
import { writeTenantBill } from './tenant-bill-csv';
import { webhookEnvelope } from '../events';

const params = z.object({ bill_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be yyyy-MM-dd') });

/** Tenants: their part of each day's reconciliation and their rows of the bills. */
export function tenantBillsRouter(c: DependencyContainer): ApiRouter {
  const service = c.resolve(ReconciliationService);
  const auth = tenantAuth(c);
  const r = new ApiRouter();
  r.webhook({
    name: 'reconciliation.completed',
    summary: "A Beijing day's reconciliation finished: the tenant's totals and discrepancy count",
    description:
      "The tenant's part of the day's reconciliation (its discrepancies: GET /v1/reconciliations/{bill_date}). " +
      "Signed (Partnerpay-Signature), retried on WeChat Pay's schedule until a 2xx; may arrive twice.",
    payload: webhookEnvelope(
      'reconciliation.completed',
      'ReconciliationCompletedEvent',
      z.object({ reconciliation: tenantReconciliationSchema }),
    ),
  });

  r.route(
    {
      method: 'get',
      path: '/v1/reconciliations/:bill_date',
      summary: "This tenant's reconciliation of a Beijing day: summary, totals (fen) and its discrepancies (paged)",
      tags: ['bills'],
      auth: 'tenant',
      params,
      query: pageQuery,
      responses: {
        200: {
          description: 'the reconciliation',
          schema: z.object({ reconciliation: tenantReconciliationSchema, discrepancies: discrepancyPage }),
        },
      },
    },
    auth,
    async ({ params: p, query, req }) => {
      const tenant = tenantOf(req);
      const { run, result } = await service.forTenant(tenant.id, tenant.spMchid, p.bill_date);
      let discrepancies: { data: ReturnType<typeof discrepancyView>[]; next_cursor: string | null } = { data: [], next_cursor: null };
      if (run.status === 'done') {
        const page = await service.repo.discrepancies(run.id, { tenantId: tenant.id }, query.limit + 1, cursorId(query.cursor));
        const data = page.slice(0, query.limit);
        const last = data[data.length - 1];
        discrepancies = {
          data: data.map(discrepancyView),
          next_cursor: page.length > query.limit && last ? encodeCursor(0, last.id) : null,
        };
      }
      return { reconciliation: tenantRunView(run, result), discrepancies };
    },
  );

  r.route(
    {
      method: 'get',
      path: '/v1/bills/:bill_date',
      summary: "This tenant's rows of the day's trade bill in WeChat Pay's columns (text/csv); type=fundflow: its fund-flow bill",
      tags: ['bills'],
      auth: 'tenant',
      params,
      query: z.object({ type: z.enum(['trade', 'fundflow']).default('trade') }),
      responses: {
        200: { description: "the tenant's rows in WeChat Pay's columns", contentType: 'text/csv', headers: ['Content-Disposition'] },
      },
    },
    auth,
    async ({ params: p, query, req, res }) => {
      await writeTenantBill(service, tenantOf(req), p.bill_date, query.type, res);
      return undefined;
    },
  );
  return r;
}
