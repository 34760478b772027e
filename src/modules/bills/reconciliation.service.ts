import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import type { Logger } from '../../platform/logging/logger';
import { AppError } from '../../platform/errors/errors';
import { newId } from '../../platform/ids';
import { recordEvent } from '../events';
import { applyTradeBill, downloadBillStream, isUpstream, type WxpayClient, type ServiceProviderCredentials } from '@partnerpay/wxpay';
import { OrderService, RefundService, RefundRepository } from '../payments';
import { ProviderCredentials } from '../tenancy';
import type { Em } from '../../platform/db/orm';
import { AuditLog, type WriteContext } from '../operators';
import { ReconciliationRepository } from './reconciliation.repository';
import type { DiscrepancyRow, ReconciliationRow, RunSummary, TenantResult } from './bills.entity';
import { BillFormatError, parseTradeBill, type RejectedRow, type TradeBillRow } from './trade-bill-parser';
import { assertBillDate, beijingMidnight, previousDay } from './dates';
import { fundflowFee, subMerchantFundflow } from './fundflow';
import { milliToFen } from './money';
import { tenantRunView } from './bills.view';

const PAGE = 1000;
/** Staging INSERTs in flight while the parser reads on (2: one in the database, one on its way). */
const STAGE_IN_FLIGHT = 2;

/** One tenant's rows of one kind in the bill: count, amount (fen) and fee (thousandths of a fen). */
interface BillTotal {
  tenantId: string;
  kind: 'pay' | 'refund';
  n: number;
  amount: number;
  feeMilli: number;
}

/** What staging proved: row count, hash, and per-tenant totals summed while parsing (no second pass over the rows). */
interface StagedBill {
  rows: number;
  empty: boolean;
  hashVerified: boolean;
  totals: Map<string, BillTotal>;
  /** Rows that could not be read (each is a missing_local discrepancy), with their tenant when legible. */
  rejected: Array<RejectedRow & { tenantId: string | null }>;
}

function addTotals(totals: Map<string, BillTotal>, tenantOf: (sub: string) => string | null, batch: TradeBillRow[]): void {
  for (const b of batch) {
    const tenantId = tenantOf(b.subMchid);
    if (tenantId === null) continue; // reported as a discrepancy, never attributed
    const key = `${tenantId}:${b.kind}`;
    let t = totals.get(key);
    if (!t) totals.set(key, (t = { tenantId, kind: b.kind, n: 0, amount: 0, feeMilli: 0 }));
    t.n++;
    t.amount += b.amount;
    t.feeMilli += b.feeMilli;
  }
}
const emptySummary = (): RunSummary => ({
  matched: 0,
  missing_local: 0,
  missing_upstream: 0,
  amount_mismatch: 0,
  state_mismatch: 0,
  fixed: 0,
});

/** The bill is not there yet (STATEMENT_CREATING, or WeChat Pay unreachable): the run waits and tries again. */
class NotReady extends Error {}

/**
 * Daily reconciliation of a provider's trade bill against local orders and refunds. A run is claimed
 * by one node (guarded UPDATE), restarts clean (its staged rows are cleared first), streams the bill
 * into staging in batches, checks hash and summary, then finds discrepancies with set-based SQL;
 * state mismatches are settled through the orders/refunds sync entry points (a WeChat Pay query and
 * the notification transitions), and the results and per-tenant events commit in one transaction.
 */
@injectable()
export class ReconciliationService {
  constructor(
    @inject(ReconciliationRepository) readonly repo: ReconciliationRepository,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(OrderService) private readonly orders: OrderService,
    @inject(ProviderCredentials) private readonly providers: ProviderCredentials,
    @inject(RefundService) private readonly refunds: RefundService,
    @inject(AuditLog) private readonly audit: AuditLog,
    @inject(RefundRepository) private readonly refundRows: RefundRepository,
  ) {}

  /** POST /admin/v1/reconciliations: the current run of (provider, day), or a new one with `rerun`; starts due work. */
  async request(spMchid: string, billDate: string, rerun = false, ctx?: WriteContext): Promise<ReconciliationRow> {
    assertBillDate(billDate, this.clock.now());
    await this.providers.require(spMchid);
    const audit = ctx
      ? (em: Em, r: ReconciliationRow) =>
          this.audit.record(em, ctx, {
            action: 'reconciliation.request',
            target: `reconciliation:${r.id}`,
            after: { sp_mchid: spMchid, bill_date: billDate, rerun, generation: r.generation },
          })
      : undefined;
    const { run } = await this.repo.request(spMchid, billDate, this.clock.now(), rerun, audit);
    // Run it now in the background (the answer is 202); the daily job also picks up anything due.
    void this.processDue().catch((err) => this.logger.error({ err }, 'reconciliation failed to start'));
    return run;
  }

  /** The daily trigger: once `bills.dailyAt` (Beijing) has passed, yesterday's run exists for every provider. */
  async ensureDaily(): Promise<void> {
    const now = this.clock.now();
    const beijing = new Date(now + 8 * 3_600_000).toISOString();
    if (beijing.slice(11, 16) < this.config.bills.dailyAt) return;
    const day = previousDay(beijing.slice(0, 10));
    for (const sp of await this.repo.providers()) await this.repo.request(sp, day, now, false);
  }

  /** Claims and runs every due run (one node wins each claim). */
  async processDue(): Promise<void> {
    for (const r of await this.repo.due(this.clock.now())) {
      const claimed = await this.repo.claim(r, this.clock.now(), this.config.bills.leaseSeconds * 1000);
      if (claimed) await this.execute(claimed);
    }
  }

  /**
   * Retention of staged bill rows: those of done runs finished more than `bills.keepStagedDays` ago,
   * and of runs superseded by a newer done generation, are deleted (failed runs keep none).
   */
  async purgeStaged(): Promise<number> {
    const now = this.clock.now();
    let n = 0;
    for (const r of await this.repo.purgeable(now - this.config.bills.keepStagedDays * 86_400_000)) {
      await this.repo.purgeStaged(r.id, now);
      n++;
    }
    return n;
  }

  /** Runs one claimed run to done, failed, or back to pending (bill not ready). */
  async execute(run: ReconciliationRow): Promise<void> {
    const log = this.logger.child({ reconciliation_id: run.id, sp_mchid: run.spMchid, bill_date: run.billDate });
    try {
      await this.repo.clear(run.id);
      const sp = await this.providers.require(run.spMchid);
      const tenants = await this.repo.tenantsOf(run.spMchid);
      const bill = await this.stage(run, sp, tenants);
      await this.findDiscrepancies(run, bill.empty);
      await this.reportUnreadable(run, bill);
      await this.settleStateMismatches(run, sp);
      await this.complete(run, sp, tenants, bill);
      log.info({ rows: bill.rows }, 'reconciliation done');
      // A rerun supersedes the previous generation: its rows go now rather than after keepStagedDays.
      await this.purgeStaged().catch((err) => log.warn({ err }, 'staged bill rows not purged'));
    } catch (err) {
      const now = this.clock.now();
      if (err instanceof NotReady && run.attempts < this.config.bills.maxAttempts) {
        await this.repo.clear(run.id);
        await this.repo.later(run.id, now + this.config.bills.retryMinutes * 60_000, err.message, now);
        log.info({ reason: err.message }, 'trade bill not ready; retried later');
        return;
      }
      const message = err instanceof BillFormatError || err instanceof NotReady ? err.message : `${(err as Error).message}`;
      log.warn({ err }, 'reconciliation failed');
      await this.repo.fail(run.id, message, now);
    }
  }

  /** Applies for, downloads and stages the trade bill; NO_STATEMENT_EXIST is an empty day. */
  private async stage(
    run: ReconciliationRow,
    sp: ServiceProviderCredentials,
    tenants: Array<{ id: string; subMchid: string }>,
  ): Promise<StagedBill> {
    let applied;
    try {
      applied = await applyTradeBill(this.wxpay, sp, { bill_date: run.billDate, bill_type: 'ALL', tar_type: 'GZIP' });
    } catch (err) {
      if (isUpstream(err, 'NO_STATEMENT_EXIST')) return { rows: 0, empty: true, hashVerified: false, totals: new Map(), rejected: [] };
      if (isUpstream(err, 'STATEMENT_CREATING')) throw new NotReady('the trade bill is being generated (STATEMENT_CREATING)');
      if (!isUpstream(err)) throw new NotReady(`WeChat Pay could not be reached: ${(err as Error).message}`);
      throw new BillFormatError(`WeChat Pay refused the bill application: ${(err as Error).message}`);
    }
    const file = await downloadBillStream(this.wxpay, sp, applied.download_url).catch((err) => {
      throw new NotReady(`the bill download failed: ${(err as Error).message}`);
    });
    const bySub = new Map(tenants.map((t) => [t.subMchid, t.id]));
    const tenantOf = (s: string) => bySub.get(s) ?? null;
    const totals = new Map<string, BillTotal>();
    // Staging overlaps parsing: up to STAGE_IN_FLIGHT INSERTs run while the next batch is parsed, and
    // the parser waits (backpressure down to the socket) when they are all busy: memory stays flat.
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    const leaseMs = this.config.bills.leaseSeconds * 1000;
    let renewedAt = this.clock.now();
    let parsed;
    try {
      parsed = await parseTradeBill(
        file.body,
        async (batch) => {
          addTotals(totals, tenantOf, batch);
          const p = this.repo.stage(run.id, tenantOf, batch).catch((err: unknown) => void (failure ??= err));
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
          if (inFlight.size >= STAGE_IN_FLIGHT) await Promise.race(inFlight);
          if (failure) throw failure;
          if (this.clock.now() - renewedAt > leaseMs / 3) {
            renewedAt = this.clock.now();
            await this.repo.renew(run.id, renewedAt + leaseMs);
          }
        },
        this.config.bills.batchRows,
      );
    } finally {
      // Whatever happened, no INSERT of this run may land after it is cleared or judged.
      await Promise.allSettled([...inFlight]);
    }
    if (failure) throw failure;
    if (applied.hash_type.toUpperCase() !== 'SHA1' || parsed.sha1 !== applied.hash_value.toLowerCase())
      throw new BillFormatError(`hash mismatch: the bill's SHA1 is ${parsed.sha1}, WeChat Pay announced ${applied.hash_value}`);
    const rejected = parsed.rejected.map((r) => ({ ...r, tenantId: r.subMchid === null ? null : tenantOf(r.subMchid) }));
    return { rows: parsed.rows, empty: false, hashVerified: true, totals, rejected };
  }

  private discrepancy(run: ReconciliationRow, d: Partial<DiscrepancyRow> & Pick<DiscrepancyRow, 'kind' | 'subMchid' | 'outTradeNo'>) {
    return {
      id: newId('dis'),
      reconciliationId: run.id,
      tenantId: null,
      outRefundNo: null,
      localId: null,
      billAmount: null,
      localAmount: null,
      billState: null,
      localState: null,
      status: 'open',
      note: null,
      createdAt: this.clock.now(),
      ...d,
    } as DiscrepancyRow;
  }

  /**
   * Bill-side and local-side differences, written in batches (the run's results only once it is done).
   * The two sides are independent reads of the staged bill: they run at once, on two connections.
   */
  private async findDiscrepancies(run: ReconciliationRow, empty: boolean): Promise<void> {
    await Promise.all([this.billSideDiscrepancies(run), this.localSideDiscrepancies(run, empty)]);
  }

  /**
   * Each unreadable bill row is a `missing_local` discrepancy saying which line and why, reported to
   * its tenant when its 特约商户号 is legible: one odd row never fails the run for every tenant.
   */
  private async reportUnreadable(run: ReconciliationRow, bill: StagedBill): Promise<void> {
    if (!bill.rejected.length) return;
    await this.repo.addDiscrepancies(
      bill.rejected.map((r) =>
        this.discrepancy(run, {
          kind: 'missing_local',
          tenantId: r.tenantId,
          subMchid: r.subMchid ?? '',
          outTradeNo: r.outTradeNo ?? '',
          note: `unreadable bill row: ${r.reason}`.slice(0, 250),
        }),
      ),
    );
  }

  /** Bill rows without a matching local order or refund of their tenant. */
  private async billSideDiscrepancies(run: ReconciliationRow): Promise<void> {
    for (const kind of ['pay', 'refund'] as const) {
      for (let after = 0; ;) {
        const page =
          kind === 'pay'
            ? await this.repo.unmatchedPayments(run.id, run.spMchid, after, PAGE)
            : await this.repo.unmatchedRefunds(run.id, run.spMchid, after, PAGE);
        if (!page.length) break;
        after = Number(page[page.length - 1].seq);
        await this.repo.addDiscrepancies(page.map((r) => this.billSide(run, r, kind)));
      }
    }
  }

  /** Local payments and refunds of the day that are in no bill (missing_upstream). */
  private async localSideDiscrepancies(run: ReconciliationRow, empty: boolean): Promise<void> {
    // A payment in the last minutes of a Beijing day may be booked on the next day's bill: it is
    // judged with that bill (next day's run, which also looks at the previous day's bill).
    const margin = this.config.bills.boundaryMinutes * 60_000;
    const start = beijingMidnight(run.billDate);
    const end = start + 86_400_000;
    const prev = await this.repo.latestDone(this.repo.db.read(), run.spMchid, previousDay(run.billDate));
    const prevId = prev?.id ?? null;
    const local = [
      ...(await this.repo.unbilledPayments(run.id, prevId, run.spMchid, start - margin, end - margin)),
      ...(await this.repo.unbilledRefunds(run.id, prevId, run.spMchid, start - margin, end - margin)),
    ];
    for (let i = 0; i < local.length; i += PAGE)
      await this.repo.addDiscrepancies(
        local.slice(i, i + PAGE).map((r) =>
          this.discrepancy(run, {
            kind: 'missing_upstream',
            tenantId: String(r.tenant_id),
            subMchid: String(r.sub_mchid),
            outTradeNo: String(r.out_trade_no),
            outRefundNo: (r.out_refund_no as string | undefined) ?? null,
            localId: String(r.local_id),
            localAmount: Number(r.local_amount),
            localState: String(r.local_state),
            note: empty ? 'WeChat Pay has no bill for this day (NO_STATEMENT_EXIST)' : null,
          }),
        ),
      );
  }

  private billSide(run: ReconciliationRow, r: Record<string, unknown>, kind: 'pay' | 'refund'): DiscrepancyRow {
    const base = {
      tenantId: (r.tenant_id as string | null) ?? null,
      subMchid: String(r.sub_mchid),
      outTradeNo: String(r.out_trade_no),
      outRefundNo: kind === 'refund' ? String(r.out_refund_no) : null,
      billAmount: Number(r.amount),
      billState: kind === 'pay' ? 'SUCCESS' : String(r.refund_status ?? 'REFUND'),
      localAmount: r.local_amount === null || r.local_amount === undefined ? null : Number(r.local_amount),
      localState: (r.local_state as string | null) ?? null,
      localId: (r.local_id as string | null) ?? null,
    };
    if (base.tenantId === null)
      return this.discrepancy(run, { ...base, kind: 'missing_local', note: 'sub_mchid is not a tenant of this provider' });
    if (!r.local_id || r.local_tenant !== base.tenantId)
      return this.discrepancy(run, { ...base, kind: 'missing_local', localAmount: null, localState: null, localId: null });
    if (base.localAmount !== base.billAmount) return this.discrepancy(run, { ...base, kind: 'amount_mismatch' });
    return this.discrepancy(run, { ...base, kind: 'state_mismatch' });
  }

  /** Asks WeChat Pay about each state mismatch and applies the answer through the notification transitions. */
  private async settleStateMismatches(run: ReconciliationRow, sp: ServiceProviderCredentials): Promise<void> {
    for (let after = ''; ;) {
      const page = await this.repo.openStateMismatches(run.id, after, 100);
      if (!page.length) return;
      after = page[page.length - 1].id;
      for (const d of page) {
        const localId = d.localId!;
        try {
          let state: string;
          if (d.outRefundNo === null) {
            const order = await this.orders.sync(sp, await this.orders.byId(localId));
            state = order.tradeState;
          } else {
            const refund = await this.refundRows.findById(localId);
            state = refund ? (await this.refunds.sync(sp, refund)).status : 'MISSING';
          }
          const agrees = d.outRefundNo === null ? state === 'SUCCESS' || state === 'REFUND' : state === d.billState;
          await this.repo.settle(
            d.id,
            agrees ? 'fixed' : 'open',
            agrees ? 'confirmed by a WeChat Pay query and applied' : `WeChat Pay says ${state}`,
            state,
          );
        } catch (err) {
          await this.repo.settle(d.id, 'open', `query failed: ${(err as Error).message}`.slice(0, 250), d.localState ?? null);
        }
      }
    }
  }

  /** Per-tenant totals, fund-flow bills, results and the `reconciliation.completed` events, in one transaction at the end. */
  private async complete(
    run: ReconciliationRow,
    sp: ServiceProviderCredentials,
    tenants: Array<{ id: string; subMchid: string }>,
    bill: StagedBill,
  ): Promise<void> {
    const results = new Map<string, TenantResult>(
      tenants.map((t) => [
        t.id,
        { tenant_id: t.id, sub_mchid: t.subMchid, summary: emptySummary(), totals: { paid: 0, refunded: 0, fee: 0 }, fundflow_fee: null },
      ]),
    );
    const total = emptySummary();
    for (const t of bill.totals.values()) {
      const res = results.get(t.tenantId);
      if (!res) continue;
      if (t.kind === 'pay') res.totals.paid += t.amount;
      else res.totals.refunded += t.amount;
      res.totals.fee += t.feeMilli; // thousandths of a fen until rounded below
      res.summary.matched += t.n;
    }
    // Unreadable rows are counted as bill rows so that their missing_local discrepancy (subtracted below) balances.
    for (const r of bill.rejected) if (r.tenantId) results.get(r.tenantId)!.summary.matched++;
    for (const c of await this.repo.discrepancyCounts(run.id)) {
      const kind = c.kind as keyof RunSummary;
      total[kind] += c.n;
      if (c.status === 'fixed') total.fixed += c.n;
      const res = c.tenantId ? results.get(c.tenantId) : undefined;
      if (!res) continue;
      res.summary[kind] += c.n;
      if (c.status === 'fixed') res.summary.fixed += c.n;
      if (kind !== 'missing_upstream') res.summary.matched -= c.n;
    }
    for (const res of results.values()) {
      res.totals.fee = milliToFen(res.totals.fee);
      total.matched += res.summary.matched;
    }
    if (this.config.bills.fundflow) await this.fetchFundflows(run, sp, results);
    await this.repo.finish(
      run.id,
      {
        billRows: bill.rows,
        hashVerified: bill.hashVerified,
        summary: total,
        tenants: [...results.values()],
        error: null,
        finishedAt: this.clock.now(),
        updatedAt: this.clock.now(),
      },
      async (em, done) => {
        for (const res of results.values())
          await recordEvent(em, {
            tenantId: res.tenant_id,
            type: 'reconciliation.completed',
            data: { reconciliation: tenantRunView(done, res) },
          });
      },
    );
  }

  /** Each tenant's fund-flow bill: kept for download, its fee rows tied to the reconciliation's fee total. */
  private async fetchFundflows(run: ReconciliationRow, sp: ServiceProviderCredentials, results: Map<string, TenantResult>): Promise<void> {
    for (const res of results.values()) {
      try {
        const bill = await subMerchantFundflow(this.wxpay, sp, res.sub_mchid, run.billDate);
        const csv = bill?.csv ?? '';
        res.fundflow_fee = bill ? fundflowFee(csv) : 0;
        await this.repo.keepFile({
          id: newId('bfl'),
          reconciliationId: run.id,
          tenantId: res.tenant_id,
          subMchid: res.sub_mchid,
          billDate: run.billDate,
          accountType: 'BASIC',
          hashValue: bill?.hash ?? null,
          content: csv,
          createdAt: this.clock.now(),
        });
      } catch (err) {
        // No 下载二级商户资金账单 permission, or a bad file: the trade reconciliation stands; the tie stays unknown.
        this.logger.warn({ err, tenant_id: res.tenant_id, reconciliation_id: run.id }, 'sub-merchant fund-flow bill unavailable');
      }
    }
  }

  /**
   * A tenant's view of its provider's run of a day: the latest one that finished (a failed or still
   * running rerun never hides an earlier good result), else the current one, or 404.
   */
  async forTenant(tenantId: string, spMchid: string, billDate: string): Promise<{ run: ReconciliationRow; result?: TenantResult }> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate)) throw AppError.invalid([{ field: 'bill_date', issue: 'must be yyyy-MM-dd' }]);
    const em = this.repo.db.read();
    const run = (await this.repo.latestDone(em, spMchid, billDate)) ?? (await this.repo.current(em, spMchid, billDate));
    if (!run) throw AppError.notFound(`reconciliation of ${billDate}`);
    return { run, result: run.tenants?.find((t) => t.tenant_id === tenantId) };
  }
}
