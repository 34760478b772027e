import { z } from 'zod';
import { AppError } from '../../platform/errors/errors';
import { tenantCreateBody, mchid, type SettlementAccount, type SettlementSubject } from '../tenancy';
import { checkApplication, type SubjectType } from './application-rules';

const shape = tenantCreateBody.shape;

/** The `tenant` template: POST /admin/v1/tenants without sp_mchid/sub_mchid (those come from the applyment). */
export const tenantTemplate = z
  .object({
    name: shape.name,
    apps: shape.apps,
    webhook_url: shape.webhook_url,
    order_expire_minutes: shape.order_expire_minutes,
    profit_sharing: shape.profit_sharing,
  })
  .strict();

export const businessCode = z.string().regex(/^[0-9A-Za-z_]{1,124}$/, 'must be 1-124 letters, digits or _');

/** POST /admin/v1/applyments (the application is checked by checkApplication, which names each field). */
export const applymentCreateBody = z
  .object({
    sp_mchid: mchid,
    business_code: businessCode.optional(),
    application: z.record(z.string(), z.unknown()),
    tenant: tenantTemplate,
  })
  .strict();
export type ApplymentCreateInput = z.infer<typeof applymentCreateBody>;

/** POST /admin/v1/applyments/{id}/submit */
export const applymentSubmitBody = z.object({ application: z.record(z.string(), z.unknown()).optional() }).strict();

type Json = Record<string, Record<string, unknown> | undefined>;

/** Validates an application (400 naming every bad field) and answers who must own its settlement account. */
export function readApplication(app: Record<string, unknown>): {
  subject: SettlementSubject & { subjectType: SubjectType };
  account: SettlementAccount;
} {
  const { issues, subjectType } = checkApplication(app);
  if (issues.length || !subjectType) throw AppError.invalid(issues);
  const a = app as Json;
  const s = a.subject_info as Json;
  const reg = (s.business_license_info ?? s.certificate_info) as Record<string, string>;
  const id = s.identity_info as Json;
  const holder = (id.id_card_info?.id_card_name ?? id.id_doc_info?.id_doc_name) as string | undefined;
  const bank = a.bank_account_info as unknown as Record<string, string>;
  return {
    subject: {
      subjectType,
      merchantName: reg.merchant_name,
      legalPerson: reg.legal_person ?? holder,
      // A SUPER holder's document is the administrator's, not the legal person's.
      ...(holder !== undefined && (id as Record<string, unknown>).id_holder_type !== 'SUPER' ? { identityHolder: holder } : {}),
    },
    account: {
      kind: bank.bank_account_type === 'BANK_ACCOUNT_TYPE_PERSONAL' ? 'PERSONAL' : 'CORPORATE',
      accountName: bank.account_name,
    },
  };
}
