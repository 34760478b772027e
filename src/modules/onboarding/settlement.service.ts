import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import { msToNextBeijingMidnight, type Clock } from '../../platform/clock';
import type { Database } from '../../platform/db/database';
import { AuditLog, type WriteContext } from '../operators';
import { TenantsService, checkSettlementOwner, refuse, sameSubject } from '../tenancy';
import {
  WxpayApiError,
  encryptSensitive,
  modifySettlement,
  querySettlement,
  querySettlementApplication,
  type PlatformKeys,
  type WxpayClient,
} from '@partnerpay/wxpay';
import { SUBJECT_TYPES } from './application-rules';
import { ApplymentService } from './applyment.service';
import { maskName, maskNumber } from './sensitive-fields';

/** POST /admin/v1/tenants/{id}/settlement: the new account (account_name is required here: the 二清 rule checks it). */
export const settlementChangeBody = z
  .object({
    account_type: z.enum(['ACCOUNT_TYPE_BUSINESS', 'ACCOUNT_TYPE_PRIVATE']),
    account_bank: z.string().min(1).max(128),
    bank_address_code: z.string().regex(/^\d{6}$/, 'must be a 6-digit area code'),
    bank_name: z.string().min(1).max(128).optional(),
    bank_branch_id: z
      .string()
      .regex(/^\d{1,20}$/, 'must be digits')
      .optional(),
    account_number: z.string().regex(/^\d{6,32}$/, 'must be 6-32 digits'),
    account_name: z.string().trim().min(1).max(128),
    /** Who owns the sub-merchant, for tenants not onboarded through partnerpay (their applyment holds it otherwise). */
    subject: z
      .object({
        subject_type: z.enum(SUBJECT_TYPES),
        merchant_name: z.string().min(1).max(128),
        legal_person: z.string().min(1).max(64).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SettlementChange = z.infer<typeof settlementChangeBody>;

type Json = Record<string, unknown>;

/** WeChat Pay masks account numbers already; mask again in case a field comes back whole. */
function masked(v: Json): Json {
  const out = { ...v };
  if (typeof out.account_number === 'string') out.account_number = maskNumber(out.account_number);
  if (typeof out.account_name === 'string') out.account_name = maskName(out.account_name);
  return out;
}

/** Seconds until 00:00 Beijing time, when WeChat Pay's 5-a-day settlement-change budget resets. */
function secondsToBeijingMidnight(now: number): number {
  return Math.max(1, Math.ceil(msToNextBeijingMidnight(now) / 1000));
}

/** Settlement accounts of existing sub-merchants: query, change (same 二清 ownership rule), and the change application. */
@injectable()
export class SettlementService {
  constructor(
    @inject(TenantsService) private readonly tenants: TenantsService,
    @inject(ApplymentService) private readonly applyments: ApplymentService,
    @inject(AuditLog) private readonly audit: AuditLog,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(TOKENS.PlatformKeys) private readonly keys: PlatformKeys,
    @inject(TOKENS.Db) private readonly db: Database,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  private async target(tenantId: string) {
    const t = await this.tenants.get(tenantId);
    return { tenant: t, sp: await this.applyments.provider(t.sp_mchid) };
  }

  /** GET /admin/v1/tenants/{id}/settlement */
  async get(tenantId: string): Promise<Json> {
    const { tenant, sp } = await this.target(tenantId);
    return masked(await querySettlement(this.wxpay, sp, tenant.sub_mchid));
  }

  /** POST /admin/v1/tenants/{id}/settlement: 202 {application_no, verify_result: AUDITING}. */
  async change(tenantId: string, body: SettlementChange, ctx: WriteContext): Promise<{ application_no: string; verify_result: string }> {
    const { tenant, sp } = await this.target(tenantId);
    const stored = await this.applyments.subjectOfTenant(tenantId);
    const claimed = body.subject && {
      subjectType: body.subject.subject_type,
      merchantName: body.subject.merchant_name,
      legalPerson: body.subject.legal_person,
    };
    // The applyment's own declaration decides; a request may repeat it, never replace it with the account's holder.
    if (stored && claimed && !sameSubject(stored, claimed))
      throw refuse(
        'settlement_account_not_owned',
        "subject differs from what this tenant's applyment declares; omit it or send that subject",
        {
          field: 'subject',
        },
      );
    const subject = stored ?? claimed;
    if (!subject)
      throw AppError.invalid([
        { field: 'subject', issue: 'is required for a tenant not onboarded through partnerpay (who owns the sub-merchant)' },
      ]);
    checkSettlementOwner(
      subject,
      { kind: body.account_type === 'ACCOUNT_TYPE_PRIVATE' ? 'PERSONAL' : 'CORPORATE', accountName: body.account_name },
      '',
    );
    const e = await encryptSensitive(this.keys, sp, { account_number: body.account_number, account_name: body.account_name });
    const upstream = {
      modify_mode: 'MODIFY_MODE_ASYNC',
      account_type: body.account_type,
      account_bank: body.account_bank,
      bank_address_code: body.bank_address_code,
      ...(body.bank_name ? { bank_name: body.bank_name } : {}),
      ...(body.bank_branch_id ? { bank_branch_id: body.bank_branch_id } : {}),
      account_number: e.fields.account_number,
      account_name: e.fields.account_name,
    };
    let applicationNo: string;
    try {
      applicationNo = (await modifySettlement(this.wxpay, sp, tenant.sub_mchid, upstream, e.headers['Wechatpay-Serial'])).application_no;
    } catch (err) {
      if (err instanceof WxpayApiError && err.status === 429)
        throw AppError.rateLimited(
          secondsToBeijingMidnight(this.clock.now()),
          'WeChat Pay takes at most 5 settlement-account changes per sub-merchant a day',
        );
      throw err;
    }
    await this.db.tx((em) =>
      this.audit.record(em, ctx, {
        action: 'tenant.settlement.change',
        target: `tenant:${tenantId}`,
        after: {
          application_no: applicationNo,
          account_type: body.account_type,
          account_bank: body.account_bank,
          account_number: maskNumber(body.account_number),
          // Whose declaration the ownership rule was checked against (the operator's only without an applyment).
          subject_source: stored ? 'applyment' : 'request',
          subject: { subject_type: subject.subjectType, merchant_name: subject.merchantName },
        },
      }),
    );
    return { application_no: applicationNo, verify_result: 'AUDITING' };
  }

  /** GET /admin/v1/tenants/{id}/settlement/applications/{application_no} */
  async application(tenantId: string, applicationNo: string): Promise<Json> {
    const { tenant, sp } = await this.target(tenantId);
    try {
      return masked(await querySettlementApplication(this.wxpay, sp, tenant.sub_mchid, applicationNo));
    } catch (err) {
      // An application number WeChat Pay does not know is the caller's mistake, not an upstream failure.
      if (err instanceof WxpayApiError && err.is('RESOURCE_NOT_EXISTS')) throw AppError.notFound('settlement application');
      throw err;
    }
  }
}
