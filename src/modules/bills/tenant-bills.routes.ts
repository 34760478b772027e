import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { discrepancyPage, tenantReconciliationSchema } from './bills.schemas';
import { ApiRouter } from '../../platform/http/route';
import { AppError } from '../../platform/errors/errors';
import { encodeCursor, pageQuery } from '../../platform/http/paging';
import { tenantAuth, tenantOf } from '../tenancy';
import { ReconciliationService } from './reconciliation.service';
import { discrepancyView, tenantRunView } from './bills.view';
import { cursorId } from './bills.routes';
import { yuanText } from './money';
import { tenantCsvLine } from './trade-bill-parser';

const params = z.object({ bill_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be yyyy-MM-dd') });
const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,' +
  '微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const COLUMNS = HEADER.split(',');
const SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

/** Tenants: their part of each day's reconciliation and their rows of the bills. */
export function tenantBillsRouter(c: DependencyContainer): ApiRouter {
  const service = c.resolve(ReconciliationService);
  const auth = tenantAuth(c);
  const r = new ApiRouter();

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
      const tenant = tenantOf(req);
      const { run, result } = await service.forTenant(tenant.id, tenant.spMchid, p.bill_date);
      if (run.status !== 'done' || !result) throw AppError.notFound(`bill of ${p.bill_date} (its reconciliation is ${run.status})`);
      res.type('text/csv; charset=utf-8');
      if (query.type === 'fundflow') {
        const file = await service.repo.file(run.id, tenant.id);
        if (!file) throw AppError.notFound(`fund-flow bill of ${p.bill_date}`);
        res.send(file.content);
        return undefined;
      }
      if (run.rowsPurgedAt !== null)
        throw AppError.notFound(`trade bill rows of ${p.bill_date} (deleted bills.keepStagedDays after the run)`);
      // Streamed page by page: a busy tenant's day need not fit in memory.
      res.write(`\ufeff${HEADER}\r\n`);
      for (let after = 0; ;) {
        const page = await service.repo.tenantLines(run.id, tenant.id, after, 1000);
        if (!page.length) break;
        after = page[page.length - 1].seq;
        res.write(page.map((l) => `${tenantCsvLine(l.line, COLUMNS)}\r\n`).join(''));
      }
      const t = result.totals;
      const count = result.summary.matched + result.summary.missing_local + result.summary.amount_mismatch + result.summary.state_mismatch;
      const summary = [`${count}`, yuanText(t.paid), yuanText(t.refunded), '0.00', yuanText(t.fee), yuanText(t.paid), yuanText(t.refunded)];
      res.end(`${SUMMARY_HEADER}\r\n${summary.map((v) => `\`${v}`).join(',')}\r\n`);
      return undefined;
    },
  );
  return r;
}
