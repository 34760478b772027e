import { inject, injectable } from 'tsyringe';
import { decryptResource, type CredentialsProvider, type PlatformKeys } from '@partnerpay/wxpay';
import { TOKENS } from '../../platform/tokens';
import { newId } from '../../platform/ids';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import { NotificationRepository } from '../notifications';
import { verifiedByOf } from '../wxpay-gateway';
import { ComplaintService } from './complaint.service';

/** The answer WeChat Pay gets. */
export interface InboxAnswer {
  status: number;
  body: { code: 'SUCCESS' | 'FAIL'; message: string };
}

const fail = (status: number, message: string): InboxAnswer => ({ status, body: { code: 'FAIL', message } });

/**
 * Complaint notifications at /notify/sp/{sp_mchid}/complaints (one URL per provider, every
 * sub-merchant's complaints): signature verified with the provider's WeChat Pay keys, resource
 * decrypted with its APIv3 key like every notification; the resource holds only complaint_id and
 * action_type, so the complaint is fetched and applied (once: see ComplaintService.apply) before
 * answering 200. Each one lands in the notification log (kind `complaints`), refused ones too.
 */
@injectable()
export class ComplaintInbox {
  constructor(
    @inject(ComplaintService) private readonly complaints: ComplaintService,
    @inject(NotificationRepository) private readonly log: NotificationRepository,
    @inject(TOKENS.Credentials) private readonly credentials: CredentialsProvider,
    @inject(TOKENS.PlatformKeys) private readonly keys: PlatformKeys,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async receive(spMchid: string, headers: Record<string, string | string[] | undefined>, raw: Buffer): Promise<InboxAnswer> {
    const sp = await this.credentials.get(spMchid);
    if (!sp) return fail(404, 'unknown notify path');
    const body = raw.toString('utf8');
    const serial = one(headers['wechatpay-serial'])?.slice(0, 64) ?? null;
    const entry = { tenantId: `sp:${spMchid}`, serial };
    const verified = await this.keys.verify(sp, headers, body);
    if (!verified.ok) {
      this.logger.warn({ security: true, sp_mchid: spMchid, reason: verified.reason }, 'complaint notification refused');
      await this.record({ ...entry, verification: verified.reason, outcome: 'refused', detail: { check: 'signature' } });
      return fail(401, `signature refused: ${verified.reason}`);
    }
    let envelope: {
      id?: string;
      event_type?: string;
      resource?: { ciphertext: string; nonce: string; associated_data?: string; algorithm: string };
    };
    let resource: { complaint_id?: unknown; action_type?: unknown };
    try {
      envelope = JSON.parse(body) as typeof envelope;
      resource = JSON.parse(decryptResource(envelope.resource!, sp.apiV3Key)) as typeof resource;
    } catch {
      await this.record({ ...entry, verification: 'undecryptable', outcome: 'refused', detail: { check: 'decryption' } });
      return fail(400, 'resource does not decrypt with this provider APIv3 key');
    }
    const ids = { eventId: envelope.id, eventType: envelope.event_type, verifiedBy: verifiedByOf(verified) };
    if (typeof resource.complaint_id !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(resource.complaint_id)) {
      await this.record({ ...entry, ...ids, verification: 'ok', outcome: 'refused', detail: { check: 'complaint_id' } });
      return fail(400, 'the resource names no complaint_id');
    }
    try {
      const { row, outcome } = await this.complaints.ingest(sp, resource.complaint_id);
      await this.record({
        ...entry,
        ...ids,
        tenantId: row.tenantId ?? entry.tenantId,
        verification: 'ok',
        outcome: outcome === 'unchanged' ? 'duplicate' : row.tenantId ? 'applied' : 'unmatched',
        // action_type kept as it came: values WeChat Pay adds later are shown, never refused.
        detail: { complaint_id: row.complaintId, action_type: String(resource.action_type ?? '').slice(0, 64), sub_mchid: row.subMchid },
      });
      return { status: 200, body: { code: 'SUCCESS', message: '成功' } };
    } catch (err) {
      // Our side or WeChat Pay's detail query failed: 5xx so that WeChat Pay sends it again.
      this.logger.error({ err, sp_mchid: spMchid, complaint_id: resource.complaint_id }, 'complaint notification processing failed');
      await this.record({ ...entry, ...ids, verification: 'ok', outcome: 'error', detail: { complaint_id: resource.complaint_id } }).catch(
        () => undefined,
      );
      return fail(500, 'temporarily unavailable');
    }
  }

  private record(r: {
    tenantId: string;
    serial: string | null;
    eventId?: string;
    eventType?: string;
    verifiedBy?: string | null;
    verification: string;
    outcome: 'applied' | 'duplicate' | 'refused' | 'unmatched' | 'error';
    detail?: Record<string, unknown>;
  }): Promise<void> {
    return this.log.insert({
      id: newId('ntf'),
      tenantId: r.tenantId.slice(0, 64),
      kind: 'complaints',
      eventId: typeof r.eventId === 'string' ? r.eventId.slice(0, 64) : null,
      eventType: typeof r.eventType === 'string' ? r.eventType.slice(0, 32) : null,
      serial: r.serial,
      verification: r.verification,
      verifiedBy: r.verifiedBy?.slice(0, 64) ?? null,
      outcome: r.outcome,
      detail: r.detail ? JSON.stringify(r.detail) : null,
      receivedAt: this.clock.now(),
    });
  }
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
