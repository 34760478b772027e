import type { Response } from 'express';
import { AppError } from '../../platform/errors/errors';
import type { ReconciliationService } from './reconciliation.service';
import { yuanText } from './money';
import { tenantCsvLine } from './trade-bill-parser';
import { safeBillCsv } from './safe-bill-csv';

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,' +
  '微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const COLUMNS = HEADER.split(',');
const SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

/**
 * Writes the tenant's rows of a day's trade bill in WeChat Pay's columns (or its fund-flow bill) as
 * text/csv, streamed page by page; 404 while the day's reconciliation is not done. Shared by the
 * tenant API (GET /v1/bills/{bill_date}) and the portal.
 */
export async function writeTenantBill(
  service: ReconciliationService,
  tenant: { id: string; spMchid: string },
  billDate: string,
  type: 'trade' | 'fundflow',
  res: Response,
): Promise<void> {
  const { run, result } = await service.forTenant(tenant.id, tenant.spMchid, billDate);
  if (run.status !== 'done' || !result) throw AppError.notFound(`bill of ${billDate} (its reconciliation is ${run.status})`);
  res.type('text/csv; charset=utf-8');
  if (type === 'fundflow') {
    const file = await service.repo.file(run.id, tenant.id);
    if (!file) throw AppError.notFound(`fund-flow bill of ${billDate}`);
    res.send(safeBillCsv(file.content));
    return;
  }
  if (run.rowsPurgedAt !== null) throw AppError.notFound(`trade bill rows of ${billDate} (deleted bills.keepStagedDays after the run)`);
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
}
