import type { Em } from '../common/db/orm';
import { row, rows, run } from '../common/db/sql';
import type { RefundRow, RefundStatus } from './refund.entity';

const NUMERIC: Array<keyof RefundRow> = [
  'amount_refund',
  'amount_total',
  'submitted',
  'success_time',
  'last_synced_at',
  'created_at',
  'updated_at',
];

/** Normalises a raw row (BIGINT and aggregates may come back as strings). */
export function toRefundRow(raw: Record<string, unknown>): RefundRow {
  const r = { ...raw };
  for (const k of NUMERIC) if (r[k] !== null && r[k] !== undefined) r[k] = Number(r[k]);
  return r as unknown as RefundRow;
}

const COLUMNS: Array<keyof RefundRow> = [
  'id',
  'tenant_id',
  'order_id',
  'sp_mchid',
  'sub_mchid',
  'out_trade_no',
  'transaction_id',
  'out_refund_no',
  'refund_id',
  'amount_refund',
  'amount_total',
  'reason',
  'request_hash',
  'status',
  'submitted',
  'user_received_account',
  'success_time',
  'last_synced_at',
  'created_at',
  'updated_at',
];

/** Writes a new refund (a duplicate out_refund_no raises a unique violation). */
export async function insertRefund(em: Em, r: RefundRow): Promise<void> {
  await run(
    em,
    `insert into refund (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
    COLUMNS.map((c) => r[c]),
  );
}

/** The refund by provider and out_refund_no (any tenant). */
export async function findRefund(em: Em, spMchid: string, outRefundNo: string): Promise<RefundRow | undefined> {
  const r = await row<Record<string, unknown>>(em, 'select * from refund where sp_mchid = ? and out_refund_no = ?', [spMchid, outRefundNo]);
  return r && toRefundRow(r);
}

/** The refund by id. */
export async function findRefundById(em: Em, id: string): Promise<RefundRow | undefined> {
  const r = await row<Record<string, unknown>>(em, 'select * from refund where id = ?', [id]);
  return r && toRefundRow(r);
}

/** Fen already promised back on an order: every refund not closed (PROCESSING, SUCCESS, ABNORMAL). */
export async function reservedOnOrder(em: Em, orderId: string): Promise<number> {
  const r = await row<{ total: unknown }>(
    em,
    "select coalesce(sum(amount_refund), 0) as total from refund where order_id = ? and status <> 'CLOSED'",
    [orderId],
  );
  return Number(r?.total ?? 0);
}

/** Records WeChat Pay's acceptance (refund_id) of a refund. */
export async function markSubmitted(em: Em, id: string, refundId: string | null, now: number): Promise<void> {
  await run(em, 'update refund set submitted = 1, refund_id = coalesce(?, refund_id), updated_at = ? where id = ?', [refundId, now, id]);
}

/** Refunds still PROCESSING since before `before` and not asked about since `syncedBefore`. */
export async function findProcessingDue(em: Em, before: number, syncedBefore: number, limit: number): Promise<RefundRow[]> {
  const rs = await rows<Record<string, unknown>>(
    em,
    `select * from refund where status = 'PROCESSING' and created_at <= ? and (last_synced_at is null or last_synced_at <= ?) order by created_at limit ${Number(limit)}`,
    [before, syncedBefore],
  );
  return rs.map(toRefundRow);
}

/** Notes a query to WeChat Pay about the refund. */
export async function markRefundSynced(em: Em, id: string, now: number): Promise<void> {
  await run(em, 'update refund set last_synced_at = ? where id = ?', [now, id]);
}

export interface RefundFilter {
  tenantId?: string;
  status?: RefundStatus;
  outTradeNo?: string;
}

/** A page of refunds, newest first, after the cursor. */
export async function listRefunds(em: Em, f: RefundFilter, limit: number, after?: { n: number; id: string }): Promise<RefundRow[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.tenantId) {
    where.push('tenant_id = ?');
    args.push(f.tenantId);
  }
  if (f.status) {
    where.push('status = ?');
    args.push(f.status);
  }
  if (f.outTradeNo) {
    where.push('out_trade_no = ?');
    args.push(f.outTradeNo);
  }
  if (after) {
    where.push('(created_at < ? or (created_at = ? and id < ?))');
    args.push(after.n, after.n, after.id);
  }
  const sql = `select * from refund${where.length ? ` where ${where.join(' and ')}` : ''} order by created_at desc, id desc limit ${Number(limit)}`;
  return (await rows<Record<string, unknown>>(em, sql, args)).map(toRefundRow);
}
