import { rfc3339 } from '../../platform/clock';
import type { ComplaintRow } from './complaint.entity';
import { OPEN_STATES } from './complaint.state';
import type { ComplaintView } from './complaints.schemas';

/** Masks a phone number: 138****5678 (or all but the last 2 digits when short). */
export function maskPhone(phone: string): string {
  const d = phone.replace(/\s/g, '');
  if (d.length >= 7) return `${d.slice(0, 3)}****${d.slice(-4)}`;
  return `${'*'.repeat(Math.max(d.length - 2, 0))}${d.slice(-2)}`;
}

/** True when the complaint is open, unanswered and past respond_by. */
export function isOverdue(row: ComplaintRow, now: number): boolean {
  return (row.respondedAt ?? null) === null && OPEN_STATES.includes(row.state) && row.respondBy < now;
}

/**
 * A complaint as the APIs answer it: WeChat Pay's fields and names (unknown ones included), the
 * buyer's phone masked, plus partnerpay's `respond_by` and `overdue`. `full` adds the negotiation
 * history and the local order it is about.
 */
export function complaintJson(row: ComplaintRow, now: number, full?: { order: ComplaintView['order'] }, operator = false): ComplaintView {
  const { payer_phone: _phone, ...detail } = row.detail;
  return {
    ...detail,
    complaint_id: row.complaintId,
    complaint_state: row.state,
    complainted_mchid: row.subMchid,
    payer_phone: row.payerPhoneMasked ?? null,
    respond_by: rfc3339(row.respondBy),
    overdue: isOverdue(row, now),
    responded_at: row.respondedAt ? rfc3339(row.respondedAt) : null,
    ...(operator ? { sp_mchid: row.spMchid, tenant_id: row.tenantId ?? null } : {}),
    ...(full ? { negotiation_history: row.history, order: full.order } : {}),
    updated_at: rfc3339(row.updatedAt),
  };
}
