import { inject, injectable } from 'tsyringe';
import { createHash } from 'node:crypto';
import {
  completeComplaint,
  complaintNotificationUrl,
  WxpayApiError,
  getComplaint,
  getComplaintHistory,
  listComplaints,
  respondToComplaint,
  rsaOaepDecrypt,
  updateComplaintRefundProgress,
  uploadComplaintImage,
  type CredentialsProvider,
  type ServiceProviderCredentials,
  type WxComplaint,
  type WxpayClient,
} from '@partnerpay/wxpay';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import { newId } from '../../platform/ids';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { Config } from '../../platform/config/schema';
import type { Em } from '../../platform/db/orm';
import { isUniqueViolation } from '../../platform/db/sql';
import type { Page } from '../../platform/http/paging';
import { SecretBox } from '../../platform/secrets/secret-box';
import { AuditLog, type WriteContext } from '../operators';
import { recordEvent } from '../events';
import { TENANT, type TenantView } from '../tenancy';
import { OrderRepository } from '../payments';
import { ComplaintRepository } from './complaint.repository';
import type { ComplaintRow } from './complaint.entity';
import { DONE_STATE, MERCHANT_ANSWERS } from './complaint.state';
import { complaintJson, maskPhone } from './complaint.view';
import type { ComplaintView } from './complaints.schemas';

type Json = Record<string, unknown>;
/** How a complaint changed when WeChat Pay's description of it was applied. */
export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

const phonePurpose = (id: string) => `complaint:${id}:payer_phone`;
/** History entries fetched per complaint (WeChat Pay pages by 300 at most). */
const HISTORY_LIMIT = 300;

/**
 * Consumer complaints: applies what WeChat Pay says of a complaint exactly once (insert or a
 * version-guarded update, with complaint.created / complaint.updated in the same transaction),
 * routed to the tenant whose sub_mchid was complained about (none: kept for operators), and the
 * tenant's writes (reply, refund decision, complete, images) as calls with that sub-merchant's identity.
 */
@injectable()
export class ComplaintService {
  constructor(
    readonly repo: ComplaintRepository,
    @inject(SecretBox) private readonly box: SecretBox,
    @inject(AuditLog) private readonly audit: AuditLog,
    @inject(OrderRepository) private readonly orders: OrderRepository,
    @inject(TOKENS.Credentials) private readonly credentials: CredentialsProvider,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  /** The provider's credentials, or 400 naming sp_mchid. */
  async provider(spMchid: string): Promise<ServiceProviderCredentials> {
    const sp = await this.credentials.get(spMchid);
    if (!sp) throw AppError.invalid([{ field: 'sp_mchid', issue: 'is not a configured service provider' }]);
    return sp;
  }

  /** Fetches one complaint's detail and history from WeChat Pay and applies them. */
  async ingest(sp: ServiceProviderCredentials, complaintId: string): Promise<{ row: ComplaintRow; outcome: ApplyOutcome }> {
    const detail = await getComplaint(this.wxpay, sp, complaintId);
    const history = await getComplaintHistory(this.wxpay, sp, complaintId, { limit: HISTORY_LIMIT });
    return this.apply(sp, detail, history.data);
  }

  /** partnerpay's complaint URL for a provider: PUBLIC_BASE_URL/notify/sp/{sp_mchid}/complaints. */
  defaultNotificationUrl(spMchid: string): string {
    return `${this.config.server.publicBaseUrl.replace(/\/+$/, '')}/notify/sp/${spMchid}/complaints`;
  }

  /** Registers partnerpay's complaint URL at WeChat Pay (creates it, or replaces the one there). */
  async ensureNotificationUrl(spMchid: string): Promise<{ mchid: string; url: string } | undefined> {
    const sp = await this.provider(spMchid);
    const url = this.defaultNotificationUrl(spMchid);
    try {
      return await complaintNotificationUrl(this.wxpay, sp, 'POST', url);
    } catch (e) {
      // One URL per provider: a second create is refused (the code is UNCONFIRMED), so replace it instead.
      if (e instanceof WxpayApiError && e.status === 400) return complaintNotificationUrl(this.wxpay, sp, 'PUT', url);
      throw e;
    }
  }

  /** One page of WeChat Pay's complaint list of the provider. */
  upstreamList(sp: ServiceProviderCredentials, q: Parameters<typeof listComplaints>[2]): ReturnType<typeof listComplaints> {
    return listComplaints(this.wxpay, sp, q);
  }

  /** True when the stored complaint already matches this list entry (the sync then fetches nothing). */
  async isCurrent(spMchid: string, item: WxComplaint): Promise<boolean> {
    const row = await this.repo.byComplaintId(spMchid, item.complaint_id);
    if (!row) return false;
    // A complaint kept without a tenant is fetched again once a tenant has its sub_mchid (then routed to it).
    if (!row.tenantId && (await this.tenantFor(this.repo.db.read(), spMchid, row.subMchid))) return false;
    const { payer_phone: _a, payer_openid: _b, ...listed } = item;
    const { payer_phone: _c, payer_openid: _d, ...stored } = row.detail;
    return fingerprintOf(listed) === fingerprintOf(pick(stored, Object.keys(listed)));
  }

  /**
   * Applies WeChat Pay's detail + history of a complaint once: the first sight inserts it (respond_by
   * starts) and records complaint.created; a change updates it under its version and records
   * complaint.updated; the same description again changes nothing. A concurrent first sight on
   * another node loses the unique key and is applied as an update.
   */
  async apply(sp: ServiceProviderCredentials, detail: WxComplaint, history: Json[]): Promise<{ row: ComplaintRow; outcome: ApplyOutcome }> {
    if (typeof detail?.complaint_id !== 'string' || typeof detail.complainted_mchid !== 'string')
      throw new Error('WeChat Pay answered a complaint without complaint_id or complainted_mchid');
    const { payer_phone: phoneCipher, ...kept } = detail;
    const fingerprint = fingerprintOf({ kept, history });
    const answeredAt = firstMerchantAnswer(history);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.repo.db.tx(async (em) => {
          const now = this.clock.now();
          const tenant = await this.tenantFor(em, sp.spMchid, detail.complainted_mchid);
          const existing = await this.repo.lock(em, sp.spMchid, detail.complaint_id);
          const order = detail.complaint_order_info?.[0];
          if (!existing) {
            const id = newId('cmp');
            const phone = this.decryptPhone(sp, phoneCipher, detail.complaint_id);
            const row: ComplaintRow = {
              id,
              spMchid: sp.spMchid,
              complaintId: detail.complaint_id,
              subMchid: detail.complainted_mchid,
              tenantId: tenant ?? null,
              state: String(detail.complaint_state ?? 'UNKNOWN').slice(0, 32),
              complaintTime: parseTime(detail.complaint_time) ?? now,
              outTradeNo: order?.out_trade_no?.slice(0, 64) ?? null,
              transactionId: order?.transaction_id?.slice(0, 64) ?? null,
              detail: kept,
              history,
              payerPhoneSealed: phone ? await this.box.seal(phone, phonePurpose(id)) : null,
              payerPhoneMasked: phone ? maskPhone(phone) : null,
              fingerprint,
              respondBy: now + this.config.complaints.respondWithinHours * 3_600_000,
              respondedAt: answeredAt ?? null,
              overdueAt: null,
              version: 1,
              createdAt: now,
              updatedAt: now,
            };
            await this.repo.insert(em, row);
            if (row.tenantId) await recordEvent(em, { tenantId: row.tenantId, type: 'complaint.created', data: complaintJson(row, now) });
            else
              this.logger.warn(
                { sp_mchid: sp.spMchid, sub_mchid: row.subMchid, complaint_id: row.complaintId },
                'complaint for an unknown sub-merchant kept for operators',
              );
            return { row, outcome: 'created' as const };
          }
          if (existing.fingerprint === fingerprint && ((existing.tenantId ?? null) !== null || !tenant))
            return { row: existing, outcome: 'unchanged' as const };
          const set: Partial<ComplaintRow> = {
            tenantId: existing.tenantId ?? tenant ?? null,
            state: String(detail.complaint_state ?? existing.state).slice(0, 32),
            detail: kept,
            history,
            fingerprint,
            respondedAt: existing.respondedAt ?? answeredAt ?? null,
            version: existing.version + 1,
            updatedAt: now,
          };
          // A continued complaint (user_complaint_times grew) needs a new answer: its clock starts again.
          if (Number(detail.user_complaint_times ?? 1) > Number(existing.detail.user_complaint_times ?? 1)) {
            Object.assign(set, {
              respondedAt: null,
              overdueAt: null,
              respondBy: now + this.config.complaints.respondWithinHours * 3_600_000,
            });
          }
          const n = await this.repo.update(em, set, { id: existing.id, version: existing.version });
          if (n !== 1) throw new Error('complaint changed concurrently');
          const row = { ...existing, ...set } as ComplaintRow;
          if (row.tenantId) await recordEvent(em, { tenantId: row.tenantId, type: 'complaint.updated', data: complaintJson(row, now) });
          return { row, outcome: 'updated' as const };
        });
      } catch (e) {
        // The other node's insert or update won: read again and apply on top of it (at most twice).
        if (attempt < 2 && (isUniqueViolation(e) || (e instanceof Error && e.message === 'complaint changed concurrently'))) continue;
        throw e;
      }
    }
  }

  /** Records complaint.overdue once for each unanswered complaint past respond_by (a guarded UPDATE decides). */
  async markOverdue(): Promise<number> {
    const now = this.clock.now();
    let marked = 0;
    for (const row of await this.repo.dueOverdue(now)) {
      const done = await this.repo.db.tx(async (em) => {
        const n = await this.repo.update(em, { overdueAt: now }, { id: row.id, overdueAt: null, respondedAt: null });
        if (n === 1 && row.tenantId) {
          await recordEvent(em, {
            tenantId: row.tenantId,
            type: 'complaint.overdue',
            data: complaintJson({ ...row, overdueAt: now }, now),
          });
        }
        return n === 1;
      });
      if (done) marked++;
    }
    return marked;
  }

  /** The tenant's complaints, newest first. */
  async list(tenant: TenantView, q: { state?: string; limit: number; cursor?: string }): Promise<Page<ComplaintView>> {
    const now = this.clock.now();
    const page = await this.repo.list({ tenantId: tenant.id, state: q.state, limit: q.limit, cursor: q.cursor, now });
    return { data: page.data.map((r) => complaintJson(r, now)), next_cursor: page.next_cursor };
  }

  /** Every tenant's complaints (operators), filtered. */
  async listAll(q: {
    tenant_id?: string;
    state?: string;
    overdue?: boolean;
    limit: number;
    cursor?: string;
  }): Promise<Page<ComplaintView>> {
    const now = this.clock.now();
    const tenantId = q.tenant_id === 'none' ? null : q.tenant_id;
    const page = await this.repo.list({ tenantId, state: q.state, overdue: q.overdue, limit: q.limit, cursor: q.cursor, now });
    return { data: page.data.map((r) => complaintJson(r, now, undefined, true)), next_cursor: page.next_cursor };
  }

  /** One complaint of the tenant with its history and local order; another tenant's is 404. */
  async get(tenant: TenantView, complaintId: string): Promise<ComplaintView> {
    return this.full(await this.own(tenant, complaintId));
  }

  /** One complaint for operators. */
  async getAny(complaintId: string): Promise<ComplaintView> {
    const row = await this.repo.anyByComplaintId(complaintId);
    if (!row) throw AppError.notFound('complaint');
    return this.full(row, true);
  }

  /** Replies to the buyer (the first reply moves PENDING to PROCESSING at WeChat Pay). */
  async respond(
    tenant: TenantView,
    complaintId: string,
    body: { response_content: string; response_images?: string[] },
    ctx: WriteContext,
  ): Promise<ComplaintView> {
    const row = await this.open(tenant, complaintId);
    const sp = await this.provider(row.spMchid);
    await respondToComplaint(this.wxpay, sp, complaintId, { complainted_mchid: row.subMchid, ...body });
    return this.afterWrite(sp, row, ctx, 'complaint.respond', {
      response_content: body.response_content,
      response_images: body.response_images ?? [],
    });
  }

  /** Approves or rejects the buyer's refund request (APPROVE does not refund: the tenant refunds through /v1/refunds). */
  async refundDecision(
    tenant: TenantView,
    complaintId: string,
    body: {
      action: 'APPROVE' | 'REJECT';
      launch_refund_day?: number;
      reject_reason?: string;
      reject_media_list?: string[];
      remark?: string;
    },
    ctx: WriteContext,
  ): Promise<ComplaintView> {
    const row = await this.open(tenant, complaintId);
    const sp = await this.provider(row.spMchid);
    await updateComplaintRefundProgress(this.wxpay, sp, complaintId, { complainted_mchid: row.subMchid, ...body });
    return this.afterWrite(sp, row, ctx, 'complaint.refund_decision', body);
  }

  /** Marks the complaint handled; a completed one is 409 without calling WeChat Pay. */
  async complete(tenant: TenantView, complaintId: string, ctx: WriteContext): Promise<ComplaintView> {
    const row = await this.open(tenant, complaintId);
    const sp = await this.provider(row.spMchid);
    await completeComplaint(this.wxpay, sp, complaintId, row.subMchid);
    return this.afterWrite(sp, row, ctx, 'complaint.complete', {});
  }

  /** Uploads a reply image to WeChat Pay with the tenant's provider. */
  async uploadImage(tenant: TenantView, image: { bytes: Buffer; ext: string; contentType: string }): Promise<{ media_id: string }> {
    const sp = await this.provider(tenant.spMchid);
    return uploadComplaintImage(this.wxpay, sp, { filename: `reply.${image.ext}`, contentType: image.contentType, bytes: image.bytes });
  }

  private async afterWrite(
    sp: ServiceProviderCredentials,
    row: ComplaintRow,
    ctx: WriteContext,
    action: string,
    after: Json,
  ): Promise<ComplaintView> {
    // WeChat Pay changed it: read it back (state, history) so the answer shows what the buyer sees.
    let current = row;
    try {
      current = (await this.ingest(sp, row.complaintId)).row;
    } catch (err) {
      this.logger.warn({ err, complaint_id: row.complaintId }, 'reading a complaint back after a write failed; the sync will');
    }
    const now = this.clock.now();
    await this.repo.db.tx(async (em) => {
      if ((current.respondedAt ?? null) === null) {
        await this.repo.update(em, { respondedAt: now }, { id: row.id, respondedAt: null });
        current = { ...current, respondedAt: now };
      }
      await this.audit.record(em, ctx, { action, target: `complaint:${row.complaintId}`, after: { tenant_id: row.tenantId, ...after } });
    });
    return this.full(current);
  }

  private async own(tenant: TenantView, complaintId: string): Promise<ComplaintRow> {
    const row = await this.repo.byComplaintId(tenant.spMchid, complaintId);
    if (!row || row.tenantId !== tenant.id) throw AppError.notFound('complaint');
    return row;
  }

  private async open(tenant: TenantView, complaintId: string): Promise<ComplaintRow> {
    const row = await this.own(tenant, complaintId);
    if (row.state === DONE_STATE)
      throw new AppError('CONFLICT', 'the complaint is already completed (PROCESSED): WeChat Pay accepts no more answers to it', {
        complaint_state: row.state,
      });
    return row;
  }

  private async full(row: ComplaintRow, operator = false): Promise<ComplaintView> {
    const order = row.tenantId && row.outTradeNo ? await this.orders.findTenantOrder(row.tenantId, row.spMchid, row.outTradeNo) : undefined;
    const orderJson = order
      ? {
          id: order.id,
          out_trade_no: order.outTradeNo,
          transaction_id: order.transactionId ?? null,
          trade_state: order.tradeState,
          amount: { total: order.amountTotal },
        }
      : null;
    return complaintJson(row, this.clock.now(), { order: orderJson }, operator);
  }

  private async tenantFor(em: Em, spMchid: string, subMchid: string): Promise<string | undefined> {
    return (await TENANT.findBy(em, { spMchid, subMchid }))[0]?.id;
  }

  private decryptPhone(sp: ServiceProviderCredentials, cipher: unknown, complaintId: string): string | null {
    if (typeof cipher !== 'string' || !cipher) return null;
    try {
      return rsaOaepDecrypt(cipher, sp.merchantPrivateKey);
    } catch (err) {
      this.logger.warn({ err, complaint_id: complaintId }, 'payer_phone does not decrypt with the provider key; kept without it');
      return null;
    }
  }
}

function fingerprintOf(v: unknown): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex');
}

function pick(o: Json, keys: string[]): Json {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}

function parseTime(v: unknown): number | undefined {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

/** When the history first shows a merchant's answer, or undefined. */
function firstMerchantAnswer(history: Json[]): number | undefined {
  const times = history
    .filter((h) => MERCHANT_ANSWERS.includes(String(h.operate_type)))
    .map((h) => parseTime(h.operate_time))
    .filter((t): t is number => t !== undefined);
  return times.length ? Math.min(...times) : undefined;
}
