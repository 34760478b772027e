import type { Em } from '../common/db/orm';
import { row, rows, run } from '../common/db/sql';
import type { PaymentOrderRow, TradeState } from './order.entity';
import { toOrderRow } from './order-view';

const COLUMNS = [
  'id',
  'tenant_id',
  'sp_mchid',
  'sub_mchid',
  'out_trade_no',
  'appid',
  'app_side',
  'payer_openid',
  'description',
  'amount_total',
  'currency',
  'attach',
  'time_expire',
  'request_hash',
  'trade_state',
  'trade_state_desc',
  'prepay_id',
  'prepay_at',
  'transaction_id',
  'success_time',
  'payer_total',
  'bank_type',
  'refunded_total',
  'profit_sharing',
  'last_synced_at',
  'created_at',
  'updated_at',
] as const;
const INSERT_SQL = `insert into payment_order (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`;

/** Writes a new order with one INSERT (a duplicate out_trade_no raises a unique violation). */
export async function insertOrder(em: Em, o: PaymentOrderRow): Promise<void> {
  await run(
    em,
    INSERT_SQL,
    COLUMNS.map((c) => o[c]),
  );
}

/** The tenant's order by out_trade_no (the unique key is per service provider, so both are given). */
export async function findTenantOrder(
  em: Em,
  tenantId: string,
  spMchid: string,
  outTradeNo: string,
  lock = '',
): Promise<PaymentOrderRow | undefined> {
  const r = await row<Record<string, unknown>>(
    em,
    `select * from payment_order where sp_mchid = ? and out_trade_no = ? and tenant_id = ?${lock}`,
    [spMchid, outTradeNo, tenantId],
  );
  return r && toOrderRow(r);
}

/** Any tenant's order by service provider and out_trade_no (to tell "used by someone else" apart). */
export async function findByOutTradeNo(em: Em, spMchid: string, outTradeNo: string): Promise<PaymentOrderRow | undefined> {
  const r = await row<Record<string, unknown>>(em, 'select * from payment_order where sp_mchid = ? and out_trade_no = ?', [
    spMchid,
    outTradeNo,
  ]);
  return r && toOrderRow(r);
}

/** The order by id. */
export async function findOrderById(em: Em, id: string, lock = ''): Promise<PaymentOrderRow | undefined> {
  const r = await row<Record<string, unknown>>(em, `select * from payment_order where id = ?${lock}`, [id]);
  return r && toOrderRow(r);
}

/** Records the prepay_id of an order still unpaid; false when the order moved on meanwhile. */
export async function savePrepay(em: Em, id: string, prepayId: string, now: number): Promise<boolean> {
  return (
    (await run(em, "update payment_order set prepay_id = ?, prepay_at = ?, updated_at = ? where id = ? and trade_state = 'NOTPAY'", [
      prepayId,
      now,
      now,
      id,
    ])) === 1
  );
}

/** Notes that WeChat Pay was asked about the order (the reconciler's bookmark). */
export async function markSynced(em: Em, id: string, now: number): Promise<void> {
  await run(em, 'update payment_order set last_synced_at = ? where id = ?', [now, id]);
}

/** Unpaid orders due for a query (补单) or an automatic close, oldest first. */
export async function findUnpaidDue(em: Em, createdBefore: number, syncedBefore: number, limit: number): Promise<PaymentOrderRow[]> {
  const rs = await rows<Record<string, unknown>>(
    em,
    `select * from payment_order where trade_state = 'NOTPAY' and created_at <= ? and (last_synced_at is null or last_synced_at <= ?) order by created_at limit ${Number(limit)}`,
    [createdBefore, syncedBefore],
  );
  return rs.map(toOrderRow);
}

export interface OrderFilter {
  tenantId?: string;
  state?: TradeState;
  outTradeNo?: string;
  createdFrom?: number;
  createdTo?: number;
}

/** A page of orders, newest first, after the (created_at, id) cursor. */
export async function listOrders(
  em: Em,
  f: OrderFilter,
  limit: number,
  after?: { createdAt: number; id: string },
): Promise<PaymentOrderRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    where.push(sql);
    params.push(v);
  };
  if (f.tenantId) add('tenant_id = ?', f.tenantId);
  if (f.state) add('trade_state = ?', f.state);
  if (f.outTradeNo) add('out_trade_no = ?', f.outTradeNo);
  if (f.createdFrom !== undefined) add('created_at >= ?', f.createdFrom);
  if (f.createdTo !== undefined) add('created_at < ?', f.createdTo);
  if (after) {
    where.push('(created_at < ? or (created_at = ? and id < ?))');
    params.push(after.createdAt, after.createdAt, after.id);
  }
  const sql = `select * from payment_order${where.length ? ` where ${where.join(' and ')}` : ''} order by created_at desc, id desc limit ${Number(limit)}`;
  return (await rows<Record<string, unknown>>(em, sql, params)).map(toOrderRow);
}
