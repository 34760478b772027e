import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { discrepancyPage, reconciliationSchema } from './bills.schemas';
import { ApiRouter } from '../../platform/http/route';
import { AppError, knownAppError } from '../../platform/errors/errors';
import { decodeCursor, encodeCursor, pageQuery } from '../../platform/http/paging';
import { operatorAuth, writeContext } from '../operators';
import { ProviderCredentials } from '../tenancy';
import type { WxpayClient } from '@partnerpay/wxpay';
import { TOKENS } from '../../platform/tokens';
import { ReconciliationService } from './reconciliation.service';
import { DISCREPANCY_KINDS, type DiscrepancyKind } from './bills.entity';
import { discrepancyView, runView } from './bills.view';
import { assertBillDate } from './dates';
import { providerFundflow } from './fundflow';
import { safeBillCsv } from './safe-bill-csv';
import type { Clock } from '../../platform/clock';

const spMchid = z.string().regex(/^\d{1,16}$/, 'must be a mchid (digits)');
const billDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be yyyy-MM-dd');
const runSchema = z.object({ reconciliation: reconciliationSchema });

/** Operators: reconciliation runs, their discrepancies, and each provider's own fund-flow bills. */
export function adminBillsRouter(c: DependencyContainer): ApiRouter {
  const service = c.resolve(ReconciliationService);
  const viewer = operatorAuth(c, 'viewer');
  const adminOnly = operatorAuth(c, 'admin');
  const r = new ApiRouter();

  r.route(
    {
      method: 'post',
      path: '/admin/v1/reconciliations',
      summary:
        "Reconcile a provider's trade bill of a Beijing day (the same provider and day answer the current run; rerun starts a new one)",
      tags: ['admin', 'bills'],
      auth: 'operator',
      body: z.object({ sp_mchid: spMchid, bill_date: billDate, rerun: z.boolean().optional() }),
      responses: { 202: { description: 'the run (running, done or failed)', schema: runSchema } },
    },
    adminOnly,
    async ({ body, req, res }) => {
      const run = await service.request(body.sp_mchid, body.bill_date, body.rerun === true, writeContext(req));
      res.status(202);
      return { reconciliation: runView(run) };
    },
  );

  r.route(
    {
      method: 'get',
      path: '/admin/v1/reconciliations',
      summary: 'List reconciliation runs, newest first (filters: sp_mchid, bill_date)',
      tags: ['admin', 'bills'],
      auth: 'operator',
      query: pageQuery.extend({ sp_mchid: spMchid.optional(), bill_date: billDate.optional() }),
      responses: {
        200: {
          description: 'a page of runs',
          schema: z.object({ data: z.array(reconciliationSchema), next_cursor: z.string().nullable() }),
        },
      },
    },
    viewer,
    async ({ query }) => {
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const page = await service.repo.list({ spMchid: query.sp_mchid, billDate: query.bill_date }, query.limit + 1, after);
      const data = page.slice(0, query.limit);
      const last = data[data.length - 1];
      return { data: data.map(runView), next_cursor: page.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null };
    },
  );

  const idParams = z.object({ id: z.string().max(40) });
  const runOr404 = async (id: string) => {
    const run = await service.repo.byId(id);
    if (!run) throw AppError.notFound(`reconciliation ${id}`);
    return run;
  };

  r.route(
    {
      method: 'get',
      path: '/admin/v1/reconciliations/:id',
      summary: 'Get a reconciliation run',
      tags: ['admin', 'bills'],
      auth: 'operator',
      params: idParams,
      responses: { 200: { description: 'the run', schema: runSchema } },
    },
    viewer,
    async ({ params }) => ({ reconciliation: runView(await runOr404(params.id)) }),
  );

  r.route(
    {
      method: 'get',
      path: '/admin/v1/reconciliations/:id/discrepancies',
      summary: 'Discrepancies of a finished run (filters: tenant_id, kind); none while it runs or when it failed',
      tags: ['admin', 'bills'],
      auth: 'operator',
      params: idParams,
      query: pageQuery.extend({
        tenant_id: z.string().max(40).optional(),
        kind: z.enum(DISCREPANCY_KINDS as [DiscrepancyKind, ...DiscrepancyKind[]]).optional(),
      }),
      responses: { 200: { description: 'a page of discrepancies', schema: discrepancyPage } },
    },
    viewer,
    async ({ params, query }) => {
      const run = await runOr404(params.id);
      if (run.status !== 'done') return { data: [], next_cursor: null };
      const page = await service.repo.discrepancies(
        run.id,
        { tenantId: query.tenant_id, kind: query.kind },
        query.limit + 1,
        cursorId(query.cursor),
      );
      const data = page.slice(0, query.limit);
      const last = data[data.length - 1];
      return { data: data.map(discrepancyView), next_cursor: page.length > query.limit && last ? encodeCursor(0, last.id) : null };
    },
  );

  const providers = c.resolve(ProviderCredentials);
  const wxpay = c.resolve<WxpayClient>(TOKENS.Wxpay);
  const clock = c.resolve<Clock>(TOKENS.Clock);
  r.route(
    {
      method: 'get',
      path: '/admin/v1/bills/:sp_mchid/:bill_date',
      summary: "A provider's own fund-flow bill (type=fundflow, account_type BASIC|OPERATION|FEES), as WeChat Pay's CSV",
      tags: ['admin', 'bills'],
      auth: 'operator',
      params: z.object({ sp_mchid: spMchid, bill_date: billDate }),
      query: z.object({ type: z.literal('fundflow'), account_type: z.enum(['BASIC', 'OPERATION', 'FEES']).default('BASIC') }),
      responses: { 200: { description: "the bill in WeChat Pay's columns", contentType: 'text/csv', headers: ['Content-Disposition'] } },
    },
    viewer,
    async ({ params, query, res }) => {
      assertBillDate(params.bill_date, clock.now());
      const sp = await providers.named(params.sp_mchid);
      const csv = await providerFundflow(wxpay, sp, params.bill_date, query.account_type).catch((err) => {
        throw knownAppError(err) ? err : new AppError('UPSTREAM_ERROR', (err as Error).message, { retryable: true });
      });
      if (csv === undefined) throw AppError.notFound(`fund-flow bill ${params.bill_date} ${query.account_type} (no movements that day)`);
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="fundflow-${params.sp_mchid}-${params.bill_date}-${query.account_type}.csv"`,
      );
      res.type('text/csv; charset=utf-8').send(safeBillCsv(csv));
      return undefined;
    },
  );
  return r;
}

/** The id a discrepancy cursor carries. */
export function cursorId(cursor: string | undefined): string | undefined {
  return cursor ? decodeCursor(cursor).id : undefined;
}
