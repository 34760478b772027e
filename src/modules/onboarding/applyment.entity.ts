import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/**
 * One sub-merchant application (特约商户进件). `state` is WeChat Pay's applyment_state as it came
 * (unknown values included) or SUBMITTING (written before the call). The plain application exists
 * only sealed (`applicationSealed`, SecretBox envelope) and is purged `onboarding.retainDays` after a
 * final state; `applicationMasked` is what answers and the audit log show.
 */
export const ApplymentEntity = defineEntity({
  name: 'Applyment',
  tableName: 'applyment',
  properties: {
    id: p.string().length(40).primary(),
    spMchid: p.string().length(32),
    businessCode: p.string().length(124),
    /** WeChat Pay's int64 applyment_id, as a decimal string. */
    applymentId: p.string().length(32).nullable(),
    state: p.string().length(48).index(),
    stateDesc: p.string().length(256).nullable(),
    auditDetail: p.json<Array<{ field: string; field_name: string; reject_reason: string }>>().columnType('text').nullable(),
    signUrl: p.string().length(512).nullable(),
    subMchid: p.string().length(32).nullable(),
    tenantId: p.string().length(40).nullable(),
    subjectType: p.string().length(40),
    /** The subject's registered name (licence/certificate merchant_name): business data, kept for the 二清 rule. */
    merchantName: p.string().length(128),
    /** The legal person's name, sealed; kept (not purged) while the tenant lives, for the settlement-account rule. */
    legalPersonSealed: p.text().nullable(),
    applicationSealed: p.text().nullable(),
    applicationMasked: p.json<Record<string, unknown>>().columnType('text'),
    /** The `tenant` template (name, apps, webhook_url): no personal data. */
    tenantTemplate: p.json<Record<string, unknown>>().columnType('text'),
    /** WeChat Pay's last refusal of a submit, `{status, code, message}`, or a tenant-creation failure. */
    lastError: p.json<Record<string, unknown>>().columnType('text').nullable(),
    nextPollAt: p.bigint('number').nullable().index(),
    pollCount: p.integer(),
    leaseUntil: p.bigint('number').nullable(),
    leaseOwner: p.string().length(64).nullable(),
    finalAt: p.bigint('number').nullable(),
    purgedAt: p.bigint('number').nullable(),
    createdAt: p.bigint('number').index(),
    updatedAt: p.bigint('number'),
  },
  uniques: [{ name: 'applyment_sp_business_code_uq', properties: ['spMchid', 'businessCode'] }],
});
export type ApplymentRow = RowOf<typeof ApplymentEntity>;
export const APPLYMENT = table(ApplymentEntity);
