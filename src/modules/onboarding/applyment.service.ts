import { inject, injectable } from 'tsyringe';
import { createHash } from 'node:crypto';
import { backoffMs } from '../../platform/jobs/follow-up';
import { TOKENS } from '../../platform/tokens';
import { AppError, knownAppError } from '../../platform/errors/errors';
import { newId } from '../../platform/ids';
import { rfc3339, type Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { isUniqueViolation } from '../../platform/db/sql';
import type { Config } from '../../platform/config/schema';
import { AuditLog, type WriteContext } from '../operators';
import { SecretBox } from '../../platform/secrets/secret-box';
import { TenantsService, tenantCreateBody, checkSettlementOwner, refuse, sameSubject } from '../tenancy';
import {
  WxpayApiError,
  encryptSensitive,
  queryApplymentByBusinessCode,
  submitApplyment,
  type CredentialsProvider,
  type ServiceProviderCredentials,
  type PlatformKeys,
  type WxpayClient,
  type ApplymentStatus,
} from '@partnerpay/wxpay';
import type { Page } from '../../platform/http/paging';
import { ApplymentRepository } from './applyment.repository';
import type { ApplymentRow } from './applyment.entity';
import { applymentStates, FINAL_STATES, HAS_SUB_MCHID, isKnownState, SUBMITTABLE, type ApplymentState } from './applyment.state';
import { applymentJson, type ApplymentJson } from './applyment.view';
import { readApplication, type ApplymentCreateInput } from './applyment.input';
import { mapSensitive, maskApplication } from './sensitive-fields';

type Json = Record<string, unknown>;
const SYSTEM: WriteContext = { actor: 'system:onboarding' };

/** Sealing purposes: a ciphertext opens only for its own applyment and field. */
const applicationPurpose = (id: string) => `applyment:${id}:application`;
const legalPersonPurpose = (id: string) => `applyment:${id}:legal_person`;

/** A canonical fingerprint of a request for comparing a business_code reuse; kept only in memory. */
const fingerprint = (app: unknown, tenant: unknown) =>
  createHash('sha256')
    .update(JSON.stringify([app, tenant]))
    .digest('hex');

/**
 * Applyments (特约商户进件): validate per subject, apply the 二清 settlement rule, seal the
 * application, write SUBMITTING, encrypt the 15 sensitive fields for WeChat Pay and submit; follow
 * the state WeChat Pay reports; create the tenant on FINISHED. Personal data never leaves sealed
 * storage except in the encrypted request to WeChat Pay.
 */
@injectable()
export class ApplymentService {
  constructor(
    private readonly repo: ApplymentRepository,
    @inject(SecretBox) private readonly box: SecretBox,
    @inject(AuditLog) private readonly audit: AuditLog,
    @inject(TenantsService) private readonly tenants: TenantsService,
    @inject(TOKENS.Credentials) private readonly credentials: CredentialsProvider,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(TOKENS.PlatformKeys) private readonly keys: PlatformKeys,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  private get db(): Database {
    return this.repo.db;
  }

  /** The provider's credentials, or 400 naming sp_mchid. */
  async provider(spMchid: string): Promise<ServiceProviderCredentials> {
    const sp = await this.credentials.get(spMchid);
    if (!sp) throw AppError.invalid([{ field: 'sp_mchid', issue: 'is not a configured service provider' }]);
    return sp;
  }

  /** Minutes until the next poll after `count` polls without change (the last step repeats). */
  pollDelayMs(count: number): number {
    return backoffMs(this.config.onboarding.pollMinutes, count) * 60_000;
  }

  /** POST /admin/v1/applyments: 201 for a new applyment, 200 for the same business_code and body again. */
  async create(input: ApplymentCreateInput, ctx: WriteContext): Promise<{ status: number; body: { applyment: ApplymentJson } }> {
    const { subject, account } = readApplication(input.application);
    checkSettlementOwner(subject, account);
    const sp = await this.provider(input.sp_mchid);
    await this.tenants.checkWebhookUrl(input.tenant.webhook_url);
    const code = input.business_code ?? `${input.sp_mchid}_${newId('a', 9).slice(2).replace(/-/g, '_')}`;
    const existing = await this.repo.byBusinessCode(input.sp_mchid, code);
    if (existing) return this.reuse(existing, input);

    const id = newId('apl');
    const now = this.clock.now();
    const row: ApplymentRow = {
      id,
      spMchid: input.sp_mchid,
      businessCode: code,
      applymentId: null,
      state: 'SUBMITTING',
      stateDesc: null,
      auditDetail: null,
      signUrl: null,
      subMchid: null,
      tenantId: null,
      subjectType: subject.subjectType,
      merchantName: subject.merchantName,
      legalPersonSealed: subject.legalPerson ? await this.box.seal(subject.legalPerson, legalPersonPurpose(id)) : null,
      applicationSealed: await this.box.seal(JSON.stringify(input.application), applicationPurpose(id)),
      applicationMasked: maskApplication(input.application) as Json,
      tenantTemplate: input.tenant as Json,
      lastError: null,
      nextPollAt: now + this.pollDelayMs(0),
      pollCount: 0,
      leaseUntil: null,
      leaseOwner: null,
      finalAt: null,
      purgedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.db.tx(async (em) => {
        await this.repo.insert(em, row);
        await this.audit.record(em, ctx, { action: 'applyment.create', target: `applyment:${id}`, after: applymentJson(row) });
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // A concurrent request with the same business_code won: answer as a reuse of it.
      return this.reuse((await this.repo.byBusinessCode(input.sp_mchid, code))!, input);
    }
    const submitted = await this.submitUpstream(row, input.application, sp);
    return { status: 201, body: { applyment: applymentJson(submitted) } };
  }

  /** The same business_code again: the same request answers the applyment as it stands (200); another is 409. */
  private async reuse(
    existing: ApplymentRow,
    input: ApplymentCreateInput,
  ): Promise<{ status: number; body: { applyment: ApplymentJson } }> {
    const stored = existing.applicationSealed
      ? (JSON.parse(await this.box.open(existing.applicationSealed, applicationPurpose(existing.id))) as Json)
      : undefined;
    const same = stored !== undefined && fingerprint(stored, existing.tenantTemplate) === fingerprint(input.application, input.tenant);
    if (!same)
      throw new AppError(
        'BUSINESS_CODE_USED',
        `business_code ${existing.businessCode} is already used by another applyment of this provider`,
        {
          field: 'business_code',
          applyment: existing.id,
        },
      );
    // The first attempt got no answer from WeChat Pay: the same request resumes it (WeChat Pay keys applyments by business_code).
    if (existing.state === 'SUBMITTING') {
      const resumed = await this.submitUpstream(existing, input.application, await this.provider(existing.spMchid));
      return { status: 200, body: { applyment: applymentJson(resumed) } };
    }
    return { status: 200, body: { applyment: applymentJson(existing) } };
  }

  /** POST /admin/v1/applyments/{id}/submit: resubmits an EDITTING or REJECTED applyment (optionally corrected). */
  async resubmit(id: string, application: Json | undefined, ctx: WriteContext): Promise<ApplymentJson> {
    const row = await this.get(id);
    if (!SUBMITTABLE.includes(row.state as ApplymentState))
      throw new AppError(
        'CONFLICT',
        `applyment is ${row.state}; only APPLYMENT_STATE_EDITTING or APPLYMENT_STATE_REJECTED can be resubmitted`,
        {
          state: row.state,
        },
      );
    let app = application;
    if (!app) {
      if (!row.applicationSealed) throw AppError.invalid([{ field: 'application', issue: 'is required: the stored one was purged' }]);
      app = JSON.parse(await this.box.open(row.applicationSealed, applicationPurpose(id))) as Json;
    }
    const { subject, account } = readApplication(app);
    // The subject is what this applyment declared first: a resubmit may correct anything else, but renaming
    // the subject (or its legal person) to fit a settlement account is a new applyment.
    if (!sameSubject(subject, await this.declaredSubject(row)))
      throw refuse(
        'settlement_account_not_owned',
        'subject_info differs from what this applyment declared; start a new applyment for another subject',
        {
          field: 'application.subject_info',
        },
      );
    checkSettlementOwner(subject, account);
    const sp = await this.provider(row.spMchid);
    const now = this.clock.now();
    const set: Partial<ApplymentRow> = {
      subjectType: subject.subjectType,
      merchantName: subject.merchantName,
      legalPersonSealed: subject.legalPerson ? await this.box.seal(subject.legalPerson, legalPersonPurpose(id)) : null,
      applicationSealed: await this.box.seal(JSON.stringify(app), applicationPurpose(id)),
      applicationMasked: maskApplication(app) as Json,
      lastError: null,
      updatedAt: now,
    };
    const moved = await this.db.tx(async (em) => {
      const out =
        row.state === 'SUBMITTING'
          ? { result: (await this.repo.update(em, set, { id, state: 'SUBMITTING' })) === 1 ? 'applied' : 'conflict' }
          : await applymentStates.transition(em, { id, to: 'SUBMITTING', set, guard: { state: row.state } });
      if (out.result !== 'applied') return false;
      await this.audit.record(em, ctx, {
        action: 'applyment.submit',
        target: `applyment:${id}`,
        before: { state: row.state },
        after: { state: 'SUBMITTING', application: set.applicationMasked },
      });
      return true;
    });
    if (!moved)
      throw new AppError('CONFLICT', 'the applyment changed meanwhile; read it and try again', { state: (await this.get(id)).state });
    return applymentJson(await this.submitUpstream({ ...row, ...set, state: 'SUBMITTING' }, app, sp));
  }

  /**
   * Encrypts and submits. Accepted: AUDITING with the applyment_id. A definite refusal (4xx): back to
   * EDITTING with the refusal kept, then 502 UPSTREAM_ERROR. No answer: stays SUBMITTING (the
   * follower asks WeChat Pay by business_code; a retry of the same request resumes).
   */
  private async submitUpstream(row: ApplymentRow, app: Json, sp: ServiceProviderCredentials): Promise<ApplymentRow> {
    // All fields under one key, the one Wechatpay-Serial names (spec addendum §1.4): collect, encrypt once, put back.
    const plain: Record<string, string> = {};
    await mapSensitive(app, (value, path) => (plain[path] = value));
    const e = await encryptSensitive(this.keys, sp, plain);
    const serial = e.headers['Wechatpay-Serial'];
    const encrypted = await mapSensitive(app, (_value, path) => e.fields[path]);
    try {
      const r = await submitApplyment(this.wxpay, sp, { business_code: row.businessCode, ...encrypted }, serial);
      const now = this.clock.now();
      const set = {
        applymentId: String(r.applyment_id),
        stateDesc: null,
        updatedAt: now,
        nextPollAt: now + this.pollDelayMs(0),
        pollCount: 0,
      };
      return await this.db.tx(async (em) => {
        const out = await applymentStates.transition(em, {
          id: row.id,
          to: 'APPLYMENT_STATE_AUDITING',
          set,
          guard: { state: 'SUBMITTING' },
          onApplied: (tx) => this.recordState(tx, row.id, 'SUBMITTING', 'APPLYMENT_STATE_AUDITING', now),
        });
        return out.row;
      });
    } catch (e) {
      if (e instanceof WxpayApiError && e.status >= 400 && e.status < 500 && !e.retryable) {
        const now = this.clock.now();
        const lastError = { status: e.status, code: e.code, message: e.wechatMessage ?? null };
        await this.db.tx((em) =>
          applymentStates.transition(em, {
            id: row.id,
            to: 'APPLYMENT_STATE_EDITTING',
            set: { lastError, stateDesc: e.wechatMessage ?? e.code, updatedAt: now, nextPollAt: null },
            guard: { state: 'SUBMITTING' },
            onApplied: (tx) => this.recordState(tx, row.id, 'SUBMITTING', 'APPLYMENT_STATE_EDITTING', now),
          }),
        );
        const err = knownAppError(e)!;
        throw new AppError(err.code, `${err.message}; the applyment is APPLYMENT_STATE_EDITTING: correct it and resubmit`, {
          ...err.detail,
          applyment: row.id,
          business_code: row.businessCode,
        });
      }
      // No answer: the applyment stays SUBMITTING; the same request (same business_code) resumes it.
      const err = knownAppError(e);
      if (err && !(e instanceof AppError)) {
        throw new AppError(err.code, err.message, { ...err.detail, applyment: row.id, business_code: row.businessCode }, { cause: e });
      }
      throw e;
    }
  }

  /** One audit entry per state change, with its time (no personal data). */
  private recordState(em: Em, id: string, from: string, to: string, at: number): Promise<void> {
    return this.audit.record(em, SYSTEM, {
      action: 'applyment.state',
      target: `applyment:${id}`,
      before: { state: from },
      after: { state: to, at: rfc3339(at) },
    });
  }

  async get(id: string): Promise<ApplymentRow> {
    const row = await this.repo.byId(id);
    if (!row) throw AppError.notFound('applyment');
    return row;
  }

  async list(q: { limit: number; cursor?: string; sp_mchid?: string; state?: string }): Promise<Page<ApplymentJson>> {
    const page = await this.repo.list({ limit: q.limit, cursor: q.cursor, spMchid: q.sp_mchid, state: q.state });
    return { data: page.data.map(applymentJson), next_cursor: page.next_cursor };
  }

  /** Asks WeChat Pay for the applyment's state and applies it (GET ?sync=true and the follower). */
  async sync(row: ApplymentRow): Promise<ApplymentRow> {
    if (FINAL_STATES.includes(row.state)) return row.state === 'APPLYMENT_STATE_FINISHED' && !row.tenantId ? this.ensureTenant(row) : row;
    const sp = await this.provider(row.spMchid);
    let status: ApplymentStatus;
    try {
      status = await queryApplymentByBusinessCode(this.wxpay, sp, row.businessCode);
    } catch (e) {
      // A SUBMITTING applyment WeChat Pay never received: correctable, like a refusal.
      if (row.state === 'SUBMITTING' && e instanceof WxpayApiError && e.status === 400 && e.code === 'PARAM_ERROR') {
        const now = this.clock.now();
        await this.db.tx((em) =>
          applymentStates.transition(em, {
            id: row.id,
            to: 'APPLYMENT_STATE_EDITTING',
            set: { stateDesc: 'WeChat Pay has no applyment for this business_code: resubmit', updatedAt: now, nextPollAt: null },
            guard: { state: 'SUBMITTING' },
            onApplied: (tx) => this.recordState(tx, row.id, row.state, 'APPLYMENT_STATE_EDITTING', now),
          }),
        );
        return (await this.repo.byId(row.id))!;
      }
      throw e;
    }
    const updated = await this.apply(row, status);
    return updated.state === 'APPLYMENT_STATE_FINISHED' && !updated.tenantId ? this.ensureTenant(updated) : updated;
  }

  /** Applies WeChat Pay's view of the applyment: state (unknown ones kept and alerted), audit_detail, sign_url, sub_mchid. */
  private async apply(row: ApplymentRow, st: ApplymentStatus): Promise<ApplymentRow> {
    const to = String(st.applyment_state);
    const now = this.clock.now();
    const changed = to !== row.state;
    const final = FINAL_STATES.includes(to);
    const set: Partial<ApplymentRow> = {
      applymentId: st.applyment_id === undefined ? row.applymentId : String(st.applyment_id),
      stateDesc: st.applyment_state_msg ?? row.stateDesc,
      auditDetail: st.audit_detail ?? (to === 'APPLYMENT_STATE_REJECTED' ? [] : row.auditDetail),
      signUrl: st.sign_url ?? row.signUrl,
      subMchid: HAS_SUB_MCHID.includes(to) && st.sub_mchid ? st.sub_mchid : row.subMchid,
      pollCount: changed ? 0 : row.pollCount + 1,
      // FINISHED stays due until its tenant exists (ensureTenant clears it).
      nextPollAt: to === 'APPLYMENT_STATE_CANCELED' ? null : now + this.pollDelayMs(changed ? 0 : row.pollCount + 1),
      finalAt: final ? (row.finalAt ?? now) : null,
      updatedAt: changed ? now : row.updatedAt,
    };
    if (changed && !isKnownState(to))
      this.logger.error({ applyment: row.id, state: to }, 'WeChat Pay reported an unknown applyment state; kept as it came, polling on');
    await this.db.tx(async (em) => {
      if (!changed) return void (await this.repo.update(em, set, { id: row.id, state: row.state }));
      if (isKnownState(to) && isKnownState(row.state)) {
        const out = await applymentStates.transition(em, {
          id: row.id,
          to,
          set,
          guard: { state: row.state },
          onApplied: (tx) => this.recordState(tx, row.id, row.state, to, now),
        });
        if (out.result === 'conflict')
          this.logger.warn({ applyment: row.id, from: row.state, to }, 'applyment state change outside the transition table; not applied');
        return;
      }
      // An undocumented state (or leaving one): WeChat Pay is the truth, so store it as it came.
      if ((await this.repo.update(em, { ...set, state: to }, { id: row.id, state: row.state })) === 1)
        await this.recordState(em, row.id, row.state, to, now);
    });
    return (await this.repo.byId(row.id))!;
  }

  /**
   * FINISHED: creates the tenant from the applyment's template through the same service and 二清
   * guard as POST /admin/v1/tenants, and links it, in one transaction. A refusal (tenant exists,
   * 二清) is kept in last_error and alerted; anything else is retried on the next poll.
   */
  private async ensureTenant(row: ApplymentRow): Promise<ApplymentRow> {
    if (!row.subMchid) {
      this.logger.error({ applyment: row.id }, 'applyment FINISHED without a sub_mchid; cannot create the tenant');
      return row;
    }
    try {
      const input = tenantCreateBody.parse({ ...row.tenantTemplate, sp_mchid: row.spMchid, sub_mchid: row.subMchid });
      const prepared = await this.tenants.prepareCreate(input);
      await this.db.tx(async (em) => {
        await this.tenants.applyCreate(em, prepared, SYSTEM);
        const n = await this.repo.update(
          em,
          { tenantId: prepared.id, nextPollAt: null, updatedAt: this.clock.now() },
          { id: row.id, tenantId: null },
        );
        if (n !== 1) throw new AppError('CONFLICT', 'the applyment already has its tenant');
        await this.audit.record(em, SYSTEM, {
          action: 'applyment.tenant',
          target: `applyment:${row.id}`,
          after: { tenant_id: prepared.id, sub_mchid: row.subMchid },
        });
      });
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      const current = await this.repo.byId(row.id);
      if (current?.tenantId) return current;
      this.logger.error(
        { applyment: row.id, code: e.code, rule: e.detail?.rule },
        'creating the tenant of a FINISHED applyment was refused',
      );
      await this.repo.update(
        this.db.read(),
        { lastError: { code: e.code, message: e.message, detail: e.detail ?? null }, nextPollAt: null },
        { id: row.id },
      );
    }
    return (await this.repo.byId(row.id))!;
  }

  /** The stored subject of a tenant created from an applyment (for settlement changes), with the legal person opened. */
  async subjectOfTenant(tenantId: string): Promise<{ subjectType: string; merchantName: string; legalPerson?: string } | undefined> {
    const row = await this.repo.byTenant(tenantId);
    return row ? this.declaredSubject(row) : undefined;
  }

  /** The subject an applyment row declares (its legal person opened from sealed storage). */
  private async declaredSubject(row: ApplymentRow): Promise<{ subjectType: string; merchantName: string; legalPerson?: string }> {
    const legalPerson = row.legalPersonSealed ? await this.box.open(row.legalPersonSealed, legalPersonPurpose(row.id)) : undefined;
    return { subjectType: row.subjectType, merchantName: row.merchantName, legalPerson };
  }
}
