import { rfc3339 } from '../../platform/clock';
import type { ApplymentRow } from './applyment.entity';

/** The API shape of an applyment: personal values masked, nothing sealed. */
export function applymentJson(r: ApplymentRow) {
  return {
    id: r.id,
    sp_mchid: r.spMchid,
    business_code: r.businessCode,
    applyment_id: r.applymentId === null ? null : Number(r.applymentId),
    state: r.state,
    state_desc: r.stateDesc ?? null,
    audit_detail: r.auditDetail ?? [],
    sign_url: r.signUrl ?? null,
    sub_mchid: r.subMchid ?? null,
    tenant_id: r.tenantId ?? null,
    application: r.applicationMasked,
    tenant: r.tenantTemplate,
    last_error: r.lastError ?? null,
    /** True once the plain application is purged (only the masked one remains). */
    purged: r.purgedAt !== null,
    created_at: rfc3339(r.createdAt),
    updated_at: rfc3339(r.updatedAt),
  };
}
export type ApplymentJson = ReturnType<typeof applymentJson>;
