import { rfc3339 } from '../../platform/clock';
import type { DiscrepancyRow, ReconciliationRow, TenantResult } from './bills.entity';

const time = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : rfc3339(ms));

/** A run as operators see it (contract: "Bills and reconciliation"). */
export function runView(r: ReconciliationRow) {
  return {
    id: r.id,
    sp_mchid: r.spMchid,
    bill_date: r.billDate,
    status: r.status === 'pending' ? 'running' : r.status,
    error: r.error ?? null,
    attempts: r.attempts,
    next_attempt_at: r.status === 'pending' ? time(r.nextAttemptAt) : null,
    // rows_purged_at: when retention deleted the staged rows (tenants' trade CSVs are gone from then on).
    bill: { rows: r.billRows ?? null, hash_verified: r.hashVerified ?? null, rows_purged_at: time(r.rowsPurgedAt) },
    summary: r.status === 'done' ? (r.summary ?? null) : null,
    tenants: r.status === 'done' ? (r.tenants ?? []).map(tenantPart) : [],
    started_at: time(r.startedAt),
    finished_at: time(r.finishedAt),
  };
}

function tenantPart(t: TenantResult) {
  return {
    tenant_id: t.tenant_id,
    sub_mchid: t.sub_mchid,
    summary: t.summary,
    totals: t.totals,
    fundflow: { fee: t.fundflow_fee, fee_ties: t.fundflow_fee === null ? null : t.fundflow_fee === t.totals.fee },
  };
}

/** One tenant's part of a run (its GET /v1/reconciliations answer and its reconciliation.completed event). */
export function tenantRunView(r: ReconciliationRow, t: TenantResult | undefined) {
  const done = r.status === 'done' && t !== undefined;
  return {
    id: r.id,
    bill_date: r.billDate,
    status: r.status === 'pending' ? 'running' : r.status,
    error: r.status === 'failed' ? 'the bill could not be reconciled; the operator has been told' : null,
    sub_mchid: t?.sub_mchid ?? null,
    summary: done ? t.summary : null,
    totals: done ? t.totals : null,
    fundflow: done ? tenantPart(t).fundflow : null,
    finished_at: time(r.finishedAt),
  };
}

/** A discrepancy as the API shows it. */
export function discrepancyView(d: DiscrepancyRow) {
  return {
    id: d.id,
    reconciliation_id: d.reconciliationId,
    tenant_id: d.tenantId ?? null,
    sub_mchid: d.subMchid ?? null,
    kind: d.kind,
    out_trade_no: d.outTradeNo ?? null,
    out_refund_no: d.outRefundNo ?? null,
    bill: { amount: d.billAmount ?? null, state: d.billState ?? null },
    local: { amount: d.localAmount ?? null, state: d.localState ?? null },
    status: d.status,
    note: d.note ?? null,
    created_at: rfc3339(d.createdAt),
  };
}
