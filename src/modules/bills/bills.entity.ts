import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/** A reconciliation run's state: pending (due or waiting for the bill), running (claimed), done, failed. */
export type RunStatus = 'pending' | 'running' | 'done' | 'failed';
/** Discrepancy kinds (contract: "Bills and reconciliation"). */
export type DiscrepancyKind = 'missing_local' | 'missing_upstream' | 'amount_mismatch' | 'state_mismatch';
export const DISCREPANCY_KINDS: readonly DiscrepancyKind[] = ['missing_local', 'missing_upstream', 'amount_mismatch', 'state_mismatch'];

/** Counts per discrepancy kind plus matched rows and fixed discrepancies. */
export interface RunSummary {
  matched: number;
  missing_local: number;
  missing_upstream: number;
  amount_mismatch: number;
  state_mismatch: number;
  fixed: number;
}

/** One tenant's part of a finished run. Fees are integer fen; fundflow_fee is null when its fund-flow bill was not fetched. */
export interface TenantResult {
  tenant_id: string;
  sub_mchid: string;
  summary: RunSummary;
  totals: { paid: number; refunded: number; fee: number };
  fundflow_fee: number | null;
}

/**
 * One reconciliation run of one provider's trade bill for one Beijing day. `generation` counts
 * reruns: (sp_mchid, bill_date, generation) is unique, the highest generation is the current run.
 */
export const ReconciliationEntity = defineEntity({
  name: 'Reconciliation',
  tableName: 'reconciliation',
  properties: {
    id: p.string().length(40).primary(),
    spMchid: p.string().length(16),
    billDate: p.string().length(10),
    generation: p.integer(),
    status: p.string().length(16).$type<RunStatus>(),
    error: p.string().length(512).nullable(),
    billRows: p.integer().nullable(),
    hashVerified: p.boolean(),
    // JSON kept as text: MariaDB's json alias (longtext + CHECK) does not round-trip through schema diffs.
    summary: p.json<RunSummary>().columnType('text').nullable(),
    tenants: p.json<TenantResult[]>().columnType('longtext').nullable(),
    attempts: p.integer(),
    nextAttemptAt: p.bigint('number'),
    /** Set while a node runs it; another node may take it over once this time has passed. */
    leaseUntil: p.bigint('number').nullable(),
    startedAt: p.bigint('number').nullable(),
    finishedAt: p.bigint('number').nullable(),
    /** When its staged bill rows were deleted (retention, `bills.keepStagedDays`): its tenants' trade CSVs are gone. */
    rowsPurgedAt: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
  uniques: [{ name: 'reconciliation_sp_date_gen_unique', properties: ['spMchid', 'billDate', 'generation'] }],
  indexes: [
    { name: 'reconciliation_status_next_idx', properties: ['status', 'nextAttemptAt'] },
    // Retention: done runs whose staged rows are still kept, oldest first.
    { name: 'reconciliation_purge_idx', properties: ['rowsPurgedAt', 'finishedAt'] },
  ],
});
export type ReconciliationRow = RowOf<typeof ReconciliationEntity>;
export const RECONCILIATION = table(ReconciliationEntity);

/**
 * One detail row of a downloaded trade bill, staged for set-based matching. Amounts are integer
 * fen; `feeMilli` is the fee in thousandths of a fen (the bill writes 5 decimals of yuan). `line`
 * is the row as WeChat Pay wrote it, so a tenant can download its own rows verbatim.
 */
export const BillRowEntity = defineEntity({
  name: 'BillRow',
  tableName: 'bill_row',
  properties: {
    reconciliationId: p.string().length(40).primary(),
    seq: p.integer().primary(),
    tenantId: p.string().length(40).nullable(),
    subMchid: p.string().length(16),
    kind: p.string().length(8).$type<'pay' | 'refund'>(),
    tradeTime: p.bigint('number'),
    transactionId: p.string().length(32),
    outTradeNo: p.string().length(32),
    outRefundNo: p.string().length(64).nullable(),
    amount: p.bigint('number'),
    feeMilli: p.bigint('number'),
    refundStatus: p.string().length(16).nullable(),
    line: p.string().length(2048),
  },
  indexes: [
    { name: 'bill_row_trade_idx', properties: ['reconciliationId', 'kind', 'outTradeNo'] },
    { name: 'bill_row_tenant_idx', properties: ['reconciliationId', 'tenantId', 'seq'] },
  ],
});
export type BillRowRow = RowOf<typeof BillRowEntity>;
export const BILL_ROW = table(BillRowEntity);

/** One difference between a bill and the local records; `status` fixed once a confirming query settled it. */
export const DiscrepancyEntity = defineEntity({
  name: 'Discrepancy',
  tableName: 'discrepancy',
  properties: {
    id: p.string().length(40).primary(),
    reconciliationId: p.string().length(40),
    /** Null when the bill's sub_mchid is no tenant of the provider: reported, never attributed. */
    tenantId: p.string().length(40).nullable(),
    subMchid: p.string().length(16),
    kind: p.string().length(24).$type<DiscrepancyKind>(),
    outTradeNo: p.string().length(32),
    outRefundNo: p.string().length(64).nullable(),
    /** The local order or refund id when one exists. */
    localId: p.string().length(40).nullable(),
    billAmount: p.bigint('number').nullable(),
    localAmount: p.bigint('number').nullable(),
    billState: p.string().length(16).nullable(),
    localState: p.string().length(16).nullable(),
    status: p.string().length(16).$type<'open' | 'fixed'>(),
    note: p.string().length(255).nullable(),
    createdAt: p.bigint('number'),
  },
  indexes: [{ name: 'discrepancy_run_tenant_idx', properties: ['reconciliationId', 'tenantId', 'kind'] }],
});
export type DiscrepancyRow = RowOf<typeof DiscrepancyEntity>;
export const DISCREPANCY = table(DiscrepancyEntity);

/** A downloaded, hash-checked (and for sub-merchants decrypted) fund-flow bill kept for download. */
export const BillFileEntity = defineEntity({
  name: 'BillFile',
  tableName: 'bill_file',
  properties: {
    id: p.string().length(40).primary(),
    reconciliationId: p.string().length(40),
    tenantId: p.string().length(40),
    subMchid: p.string().length(16),
    billDate: p.string().length(10),
    accountType: p.string().length(16),
    hashValue: p.string().length(64).nullable(),
    content: p.text().columnType('longtext'),
    createdAt: p.bigint('number'),
  },
  indexes: [{ name: 'bill_file_tenant_date_idx', properties: ['tenantId', 'billDate'] }],
});
export type BillFileRow = RowOf<typeof BillFileEntity>;
export const BILL_FILE = table(BillFileEntity);
