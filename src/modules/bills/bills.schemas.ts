import { z } from 'zod';

const time = z.string().describe('RFC 3339');
const n = z.number().int();
const counts = z
  .object({ matched: n, missing_local: n, missing_upstream: n, amount_mismatch: n, state_mismatch: n, fixed: n })
  .describe('rows matched, discrepancies per kind, discrepancies fixed');
const totals = z.object({ paid: n, refunded: n, fee: n }).describe('fen totals of the day');
const fundflow = z.object({ fee: z.number().int().nullable(), fee_ties: z.boolean().nullable() });
const status = z.enum(['running', 'done', 'failed']);

/** One tenant's part of a run. */
const tenantPart = z.object({ tenant_id: z.string(), sub_mchid: z.string(), summary: counts, totals, fundflow });

/** A reconciliation run as operators see it. */
export const reconciliationSchema = z
  .object({
    id: z.string(),
    sp_mchid: z.string(),
    bill_date: z.string().describe('YYYY-MM-DD, Beijing'),
    status,
    error: z.string().nullable(),
    attempts: z.number().int(),
    next_attempt_at: time.nullable(),
    bill: z.object({ rows: z.number().int().nullable(), hash_verified: z.boolean().nullable(), rows_purged_at: time.nullable() }),
    summary: counts.nullable(),
    tenants: z.array(tenantPart),
    started_at: time.nullable(),
    finished_at: time.nullable(),
  })
  .meta({ id: 'Reconciliation', description: "A reconciliation run of one provider's bill of one Beijing day" });

/** One tenant's reconciliation (GET /v1/reconciliations and the reconciliation.completed event). */
export const tenantReconciliationSchema = z
  .object({
    id: z.string(),
    bill_date: z.string(),
    status,
    error: z.string().nullable(),
    sub_mchid: z.string().nullable(),
    summary: counts.nullable(),
    totals: totals.nullable(),
    fundflow: fundflow.nullable(),
    finished_at: time.nullable(),
  })
  .meta({ id: 'TenantReconciliation', description: "A tenant's part of a day's reconciliation" });

/** One difference between WeChat Pay's bill and our records. */
export const discrepancySchema = z
  .object({
    id: z.string(),
    reconciliation_id: z.string(),
    tenant_id: z.string().nullable(),
    sub_mchid: z.string().nullable(),
    kind: z.string(),
    out_trade_no: z.string().nullable(),
    out_refund_no: z.string().nullable(),
    bill: z.object({ amount: z.number().int().nullable(), state: z.string().nullable() }),
    local: z.object({ amount: z.number().int().nullable(), state: z.string().nullable() }),
    status: z.string(),
    note: z.string().nullable(),
    created_at: time,
  })
  .meta({ id: 'Discrepancy', description: "A difference between WeChat Pay's bill and partnerpay's records" });

/** A page of discrepancies. */
export const discrepancyPage = z.object({ data: z.array(discrepancySchema), next_cursor: z.string().nullable() });
