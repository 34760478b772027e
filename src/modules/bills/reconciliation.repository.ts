import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { StateMachine } from '../../platform/db/state-machine';
import { isSqlite, isUniqueViolation, rows, run } from '../../platform/db/sql';
import { newId } from '../../platform/ids';
import {
  BILL_FILE,
  BILL_ROW,
  DISCREPANCY,
  RECONCILIATION,
  type BillFileRow,
  type DiscrepancyRow,
  type ReconciliationRow,
  type RunStatus,
} from './bills.entity';
import type { TradeBillRow } from './trade-bill-parser';
import { sqlLiteral } from './sql-literal';

/** The run's state machine: the only truth about which status moves are legal. */
export const RUN_TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  pending: ['running'],
  // running -> pending: the bill is not ready yet (retried at next_attempt_at). Taking over an
  // expired lease is no move: it is a guarded UPDATE of the lease column (see claim).
  running: ['done', 'failed', 'pending'],
  done: [],
  failed: [],
};
export const RUNS = new StateMachine(RECONCILIATION, 'status', 'id', RUN_TRANSITIONS);

/** Filters of the operators' run list. */
export interface RunFilter {
  spMchid?: string;
  billDate?: string;
}

// The staging INSERT's columns, in the order stage() writes its values (col() checks each name).
const STAGE_PROPS = [
  'reconciliationId',
  'seq',
  'tenantId',
  'subMchid',
  'kind',
  'tradeTime',
  'transactionId',
  'outTradeNo',
  'outRefundNo',
  'amount',
  'feeMilli',
  'refundStatus',
  'line',
] as const;
const STAGE_COLUMNS = STAGE_PROPS.map((p) => BILL_ROW.col(p)).join(', ');
/**
 * The staging INSERT as one SQL string of literals, in STAGE_PROPS order. Built apart from the
 * statement's await so that its 5000-odd row strings are garbage at once, not kept until it is done.
 */
function stagingSql(runId: string, tenantOf: (subMchid: string) => string | null, batch: TradeBillRow[], sqlite: boolean): string {
  const q = (v: string | number | null) => sqlLiteral(v, sqlite);
  const run = q(runId);
  const values: string[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const b = batch[i];
    values[i] =
      `(${run},${b.seq},${q(tenantOf(b.subMchid))},${q(b.subMchid)},${q(b.kind)},${b.tradeTime},` +
      `${q(b.transactionId)},${q(b.outTradeNo)},${q(b.outRefundNo)},${b.amount},${b.feeMilli},${q(b.refundStatus)},${q(b.line)})`;
  }
  return `insert into bill_row (${STAGE_COLUMNS}) values ${values.join(',')}`;
}

/**
 * The anti-joins name bill_row_trade_idx: right after staging the table's statistics may still say
 * it is empty, and MariaDB then probed a run's rows through the primary key prefix for every order
 * (a 100,000-row run took over 15 minutes instead of seconds).
 */
function tradeIndexHint(em: Em): string {
  return isSqlite(em) ? 'indexed by bill_row_trade_idx' : 'force index (bill_row_trade_idx)';
}

/** The part of knex's client that runs one statement on a pooled driver connection. */
interface DriverClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(conn: unknown): Promise<unknown>;
  _query(conn: unknown, obj: { sql: string; bindings: unknown[] }): Promise<unknown>;
}

/** Staged rows deleted per statement (retention, a failed run). */
const PURGE_SLICE = 20_000;

/** Reconciliation runs, their staged bill rows, discrepancies and kept fund-flow files: the only SQL over those tables. */
@injectable()
export class ReconciliationRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** The current (highest generation) run of a provider and day. */
  async current(em: Em, spMchid: string, billDate: string): Promise<ReconciliationRow | undefined> {
    return RECONCILIATION.selectOne(em, 'sp_mchid = ? and bill_date = ?', [spMchid, billDate], 'order by generation desc limit 1');
  }

  /** The newest run of (provider, day) that finished with results, if any. */
  async latestDone(em: Em, spMchid: string, billDate: string): Promise<ReconciliationRow | undefined> {
    return RECONCILIATION.selectOne(
      em,
      "sp_mchid = ? and bill_date = ? and status = 'done'",
      [spMchid, billDate],
      'order by generation desc limit 1',
    );
  }

  /** The current run, or a new pending one (a new generation when `rerun`); concurrent callers get one run. */
  async request(
    spMchid: string,
    billDate: string,
    now: number,
    rerun: boolean,
    onCreate?: (em: Em, run: ReconciliationRow) => Promise<void>,
  ): Promise<{ run: ReconciliationRow; created: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.current(this.db.read(), spMchid, billDate);
      if (existing && !rerun) return { run: existing, created: false };
      const row: ReconciliationRow = {
        id: newId('rec'),
        spMchid,
        billDate,
        generation: (existing?.generation ?? 0) + 1,
        status: 'pending',
        error: null,
        billRows: null,
        hashVerified: false,
        summary: null,
        tenants: null,
        attempts: 0,
        nextAttemptAt: now,
        leaseUntil: null,
        startedAt: null,
        finishedAt: null,
        rowsPurgedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.db.tx(async (em) => {
          await RECONCILIATION.insert(em, row);
          await onCreate?.(em, row);
        });
        return { run: row, created: true };
      } catch (err) {
        // Another node (or request) created this generation first: answer that one.
        if (!isUniqueViolation(err) || attempt > 3) throw err;
        rerun = false;
      }
    }
  }

  /** A run by id. */
  async byId(id: string): Promise<ReconciliationRow | undefined> {
    return RECONCILIATION.selectOne(this.db.read(), 'id = ?', [id]);
  }

  /** Runs newest first (keyset on created_at, id). */
  async list(f: RunFilter, limit: number, after?: { n: number; id: string }): Promise<ReconciliationRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.spMchid) {
      where.push('sp_mchid = ?');
      params.push(f.spMchid);
    }
    if (f.billDate) {
      where.push('bill_date = ?');
      params.push(f.billDate);
    }
    if (after) {
      where.push('(created_at < ? or (created_at = ? and id < ?))');
      params.push(after.n, after.n, after.id);
    }
    return RECONCILIATION.select(this.db.read(), where.join(' and '), params, `order by created_at desc, id desc limit ${Number(limit)}`);
  }

  /** Ids of runs a node may take: pending and due, or running with an expired lease (a node died). */
  async due(now: number, limit = 10): Promise<ReconciliationRow[]> {
    return RECONCILIATION.select(
      this.db.read(),
      "(status = 'pending' and next_attempt_at <= ?) or (status = 'running' and lease_until < ?)",
      [now, now],
      `order by next_attempt_at limit ${Number(limit)}`,
    );
  }

  /** Claims a run for this node (one guarded UPDATE: of concurrent claimers exactly one wins). */
  async claim(r: ReconciliationRow, now: number, leaseMs: number): Promise<ReconciliationRow | undefined> {
    const set = { leaseUntil: now + leaseMs, attempts: r.attempts + 1, startedAt: r.startedAt ?? now, updatedAt: now };
    if (r.status === 'running') {
      // Take over an expired lease: guarded on the lease we saw, so two takers cannot both win.
      const n = await RECONCILIATION.update(this.db.read(), set, { id: r.id, status: 'running', leaseUntil: r.leaseUntil });
      return n === 1 ? { ...r, ...set } : undefined;
    }
    const out = await this.db.tx((em) => RUNS.transition(em, { id: r.id, to: 'running', set, guard: { nextAttemptAt: r.nextAttemptAt } }));
    return out.result === 'applied' ? out.row : undefined;
  }

  /** Extends this node's lease while it works. */
  async renew(id: string, leaseUntil: number): Promise<void> {
    await RECONCILIATION.update(this.db.read(), { leaseUntil }, { id, status: 'running' });
  }

  /** Puts a claimed run back to pending until `at` (the bill is not ready yet). */
  async later(id: string, at: number, note: string, now: number): Promise<void> {
    await this.db.tx((em) =>
      RUNS.transition(em, { id, to: 'pending', set: { nextAttemptAt: at, leaseUntil: null, error: note, updatedAt: now } }),
    );
  }

  /** Marks a run failed; its staged rows and discrepancies are removed so nothing half-reconciled remains. */
  async fail(id: string, error: string, now: number): Promise<void> {
    await this.clear(id);
    await this.db.tx((em) =>
      RUNS.transition(em, { id, to: 'failed', set: { error: error.slice(0, 500), leaseUntil: null, finishedAt: now, updatedAt: now } }),
    );
  }

  /** Removes what a run staged or found (a claimed run restarts clean). */
  async clear(id: string): Promise<void> {
    const em = this.db.read();
    await run(em, 'delete from discrepancy where reconciliation_id = ?', [id]);
    await run(em, 'delete from bill_file where reconciliation_id = ?', [id]);
    await this.dropStaged(id);
  }

  /** Finishes a run: results and its outbox events in one transaction (`onDone` records them). */
  async finish(id: string, set: Partial<ReconciliationRow>, onDone: (em: Em, r: ReconciliationRow) => Promise<void>): Promise<boolean> {
    const out = await this.db.tx((em) => RUNS.transition(em, { id, to: 'done', set: { ...set, leaseUntil: null }, onApplied: onDone }));
    return out.result === 'applied';
  }

  /**
   * Stages a batch of bill rows with one multi-row INSERT, built as one SQL string of escaped literals
   * and sent as is through knex to the driver (mysql2 / libsql): no parameter binding at all, which
   * for 13 columns x thousands of rows cost more than the database's work. Autocommit: a run's rows
   * are scoped by its id and removed if it fails, so staging needs no transaction.
   */
  async stage(runId: string, tenantOf: (subMchid: string) => string | null, batch: TradeBillRow[]): Promise<void> {
    if (!batch.length) return;
    const em = this.db.read();
    const sqlite = isSqlite(em);
    const sql = stagingSql(runId, tenantOf, batch, sqlite);
    const knex = em.getConnection().getKnex();
    if (sqlite) {
      await knex.raw(sql);
      return;
    }
    // mysql2 formats every query, even one without values, by scanning all of it for placeholders
    // outside quotes (~15 µs a bill row here). This statement has no placeholder by construction, so
    // for this one call the connection's format is the identity: set and restored synchronously
    // around query(), which formats before it returns, so no other statement can see it. knex.raw
    // would also rescan for '?' inside the literals, so the statement goes to the driver connection
    // through knex's client (its pool, and the same funnel as every other statement).
    const client = knex.client as unknown as DriverClient;
    const conn = (await client.acquireConnection()) as { format?: (sql: string) => string };
    try {
      let done: Promise<unknown>;
      const own = Object.getOwnPropertyDescriptor(conn, 'format');
      conn.format = (text: string) => text;
      try {
        done = client._query(conn, { sql, bindings: [] });
      } finally {
        if (own) Object.defineProperty(conn, 'format', own);
        else delete conn.format; // back to the prototype's
      }
      await done;
    } finally {
      await client.releaseConnection(conn);
    }
  }

  /** Deletes a run's staged rows in slices of seq (one bounded statement each, not a million-row transaction). */
  async dropStaged(runId: string): Promise<void> {
    const em = this.db.read();
    const top = await rows<Record<string, unknown>>(em, 'select max(seq) as m from bill_row where reconciliation_id = ?', [runId]);
    const max = Number(top[0]?.m ?? 0);
    for (let from = 0; from < max; from += PURGE_SLICE)
      await run(em, 'delete from bill_row where reconciliation_id = ? and seq > ? and seq <= ?', [runId, from, from + PURGE_SLICE]);
  }

  /**
   * Retention: done runs whose staged rows may go — finished before `before`, or superseded by a newer
   * done generation of the same provider and day (nobody reads those rows).
   */
  async purgeable(before: number, limit = 20): Promise<ReconciliationRow[]> {
    return RECONCILIATION.select(
      this.db.read(),
      `rows_purged_at is null and status = 'done' and (finished_at < ? or exists (select 1 from reconciliation n
         where n.sp_mchid = reconciliation.sp_mchid and n.bill_date = reconciliation.bill_date
           and n.generation > reconciliation.generation and n.status = 'done'))`,
      [before],
      `order by finished_at limit ${Number(limit)}`,
    );
  }

  /** Deletes a done run's staged rows and records when (its tenants' trade CSVs are gone from then on). */
  async purgeStaged(id: string, now: number): Promise<void> {
    await this.dropStaged(id);
    await RECONCILIATION.update(this.db.read(), { rowsPurgedAt: now, updatedAt: now }, { id, rowsPurgedAt: null });
  }

  /** Pay rows after `seq` that do not match a local order of their tenant (missing, other tenant, amount or state). */
  async unmatchedPayments(runId: string, spMchid: string, afterSeq: number, limit: number): Promise<Record<string, unknown>[]> {
    return rows(
      this.db.read(),
      `select b.seq, b.tenant_id, b.sub_mchid, b.out_trade_no, b.amount, o.id as local_id, o.tenant_id as local_tenant,
        o.amount_total as local_amount, o.trade_state as local_state
       from bill_row b left join payment_order o on o.sp_mchid = ? and o.out_trade_no = b.out_trade_no
       where b.reconciliation_id = ? and b.kind = 'pay' and b.seq > ?
         and (b.tenant_id is null or o.id is null or o.tenant_id <> b.tenant_id or o.amount_total <> b.amount
              or o.trade_state not in ('SUCCESS', 'REFUND'))
       order by b.seq limit ${Number(limit)}`,
      [spMchid, runId, afterSeq],
    );
  }

  /** Refund rows after `seq` that do not match a local refund of their tenant. */
  async unmatchedRefunds(runId: string, spMchid: string, afterSeq: number, limit: number): Promise<Record<string, unknown>[]> {
    return rows(
      this.db.read(),
      `select b.seq, b.tenant_id, b.sub_mchid, b.out_trade_no, b.out_refund_no, b.amount, b.refund_status, r.id as local_id,
        r.tenant_id as local_tenant, r.amount_refund as local_amount, r.status as local_state
       from bill_row b left join refund r on r.sp_mchid = ? and r.out_refund_no = b.out_refund_no
       where b.reconciliation_id = ? and b.kind = 'refund' and b.seq > ?
         and (b.tenant_id is null or r.id is null or r.tenant_id <> b.tenant_id or r.amount_refund <> b.amount
              or (b.refund_status is not null and r.status <> b.refund_status and (r.status = 'PROCESSING' or b.refund_status = 'SUCCESS')))
       order by b.seq limit ${Number(limit)}`,
      [spMchid, runId, afterSeq],
    );
  }

  /**
   * Local payments paid in [from, to) that are in neither this run's bill nor `otherRunId`'s (the
   * previous day's, for payments near midnight that WeChat Pay may have booked on the other day).
   * The anti-join runs on payment_order_sp_success_idx alone (it holds out_trade_no and the id);
   * only the few unbilled orders are then read in full.
   */
  async unbilledPayments(
    runId: string,
    otherRunId: string | null,
    spMchid: string,
    from: number,
    to: number,
  ): Promise<Record<string, unknown>[]> {
    const hint = tradeIndexHint(this.db.read());
    const other = otherRunId
      ? `left join bill_row p ${hint} on p.reconciliation_id = ? and p.kind = 'pay' and p.out_trade_no = x.out_trade_no`
      : '';
    return rows(
      this.db.read(),
      `select o.id as local_id, o.tenant_id, o.sub_mchid, o.out_trade_no, o.amount_total as local_amount, o.trade_state as local_state
       from (select x.id from payment_order x
         left join bill_row b ${hint} on b.reconciliation_id = ? and b.kind = 'pay' and b.out_trade_no = x.out_trade_no
         ${other}
         where x.sp_mchid = ? and x.success_time >= ? and x.success_time < ? and b.seq is null${otherRunId ? ' and p.seq is null' : ''}) u
       join payment_order o on o.id = u.id
       where o.trade_state in ('SUCCESS', 'REFUND')
       order by o.id limit 100000`,
      otherRunId ? [runId, otherRunId, spMchid, from, to] : [runId, spMchid, from, to],
    );
  }

  /** Local refunds WeChat Pay accepted in [from, to) that are in neither bill (matched on out_trade_no too: bill_row_trade_idx). */
  async unbilledRefunds(
    runId: string,
    otherRunId: string | null,
    spMchid: string,
    from: number,
    to: number,
  ): Promise<Record<string, unknown>[]> {
    const hint = tradeIndexHint(this.db.read());
    const other = otherRunId
      ? `left join bill_row p ${hint} on p.reconciliation_id = ? and p.kind = 'refund'
           and p.out_trade_no = x.out_trade_no and p.out_refund_no = x.out_refund_no`
      : '';
    return rows(
      this.db.read(),
      `select r.id as local_id, r.tenant_id, r.sub_mchid, r.out_trade_no, r.out_refund_no, r.amount_refund as local_amount,
        r.status as local_state
       from (select x.id from refund x
         left join bill_row b ${hint} on b.reconciliation_id = ? and b.kind = 'refund'
           and b.out_trade_no = x.out_trade_no and b.out_refund_no = x.out_refund_no
         ${other}
         where x.sp_mchid = ? and x.created_at >= ? and x.created_at < ? and b.seq is null${otherRunId ? ' and p.seq is null' : ''}) u
       join refund r on r.id = u.id
       where r.submitted = 1
       order by r.id limit 100000`,
      otherRunId ? [runId, otherRunId, spMchid, from, to] : [runId, spMchid, from, to],
    );
  }

  /** Inserts discrepancies (one statement per call). */
  async addDiscrepancies(list: DiscrepancyRow[]): Promise<void> {
    if (!list.length) return;
    const cols = DISCREPANCY.columns;
    const params = list.flatMap((d) => cols.map((c) => (d as Record<string, unknown>)[c.prop] ?? null));
    const one = `(${cols.map(() => '?').join(', ')})`;
    await run(
      this.db.read(),
      `insert into discrepancy (${cols.map((c) => c.column).join(', ')}) values ${list.map(() => one).join(', ')}`,
      params,
    );
  }

  /** Open state mismatches of a run, after `afterId`. */
  async openStateMismatches(runId: string, afterId: string, limit: number): Promise<DiscrepancyRow[]> {
    return DISCREPANCY.select(
      this.db.read(),
      "reconciliation_id = ? and kind = 'state_mismatch' and status = 'open' and id > ?",
      [runId, afterId],
      `order by id limit ${Number(limit)}`,
    );
  }

  /** Marks a discrepancy fixed (or records why not). */
  async settle(id: string, status: 'open' | 'fixed', note: string | null, localState: string | null): Promise<void> {
    await DISCREPANCY.update(this.db.read(), { status, note, localState }, { id });
  }

  /** Discrepancies of a run (keyset on id), optionally of one tenant and kind. */
  async discrepancies(runId: string, f: { tenantId?: string; kind?: string }, limit: number, afterId?: string): Promise<DiscrepancyRow[]> {
    const where = ['reconciliation_id = ?'];
    const params: unknown[] = [runId];
    if (f.tenantId) {
      where.push('tenant_id = ?');
      params.push(f.tenantId);
    }
    if (f.kind) {
      where.push('kind = ?');
      params.push(f.kind);
    }
    if (afterId) {
      where.push('id > ?');
      params.push(afterId);
    }
    return DISCREPANCY.select(this.db.read(), where.join(' and '), params, `order by id limit ${Number(limit)}`);
  }

  /** Per tenant (null = unknown sub_mchid), kind and status: the number of discrepancies of a run. */
  async discrepancyCounts(runId: string): Promise<Array<{ tenantId: string | null; kind: string; status: string; n: number }>> {
    const out = await rows<Record<string, unknown>>(
      this.db.read(),
      'select tenant_id, kind, status, count(*) as n from discrepancy where reconciliation_id = ? group by tenant_id, kind, status',
      [runId],
    );
    return out.map((r) => ({
      tenantId: (r.tenant_id as string | null) ?? null,
      kind: String(r.kind),
      status: String(r.status),
      n: Number(r.n),
    }));
  }

  /** A tenant's bill lines of a run, in bill order, after `afterSeq`. */
  async tenantLines(runId: string, tenantId: string, afterSeq: number, limit: number): Promise<Array<{ seq: number; line: string }>> {
    const out = await rows<Record<string, unknown>>(
      this.db.read(),
      `select seq, line from bill_row where reconciliation_id = ? and tenant_id = ? and seq > ? order by seq limit ${Number(limit)}`,
      [runId, tenantId, afterSeq],
    );
    return out.map((r) => ({ seq: Number(r.seq), line: String(r.line) }));
  }

  /** Keeps a tenant's fund-flow bill. */
  async keepFile(f: BillFileRow): Promise<void> {
    await BILL_FILE.insert(this.db.read(), f);
  }

  /** A tenant's kept fund-flow bill of a run. */
  async file(runId: string, tenantId: string): Promise<BillFileRow | undefined> {
    return BILL_FILE.selectOne(this.db.read(), 'reconciliation_id = ? and tenant_id = ?', [runId, tenantId]);
  }

  /** Tenants (id, sub_mchid) of a provider: a read of tenancy's table, the sub_mchid → tenant map of a run. */
  async tenantsOf(spMchid: string): Promise<Array<{ id: string; subMchid: string }>> {
    const out = await rows<Record<string, unknown>>(this.db.read(), 'select id, sub_mchid from tenant where sp_mchid = ? order by id', [
      spMchid,
    ]);
    return out.map((r) => ({ id: String(r.id), subMchid: String(r.sub_mchid) }));
  }

  /** Every configured provider's sp_mchid (a read of tenancy's table, for the daily run). */
  async providers(): Promise<string[]> {
    const out = await rows<Record<string, unknown>>(this.db.read(), 'select sp_mchid from service_provider order by sp_mchid');
    return out.map((r) => String(r.sp_mchid));
  }
}
