import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Logger } from '../../platform/logging/logger';
import { SpNotificationReader, spAnswer } from '../notifications';
import { ComplaintService } from './complaint.service';

/** The answer WeChat Pay gets. */
export interface InboxAnswer {
  status: number;
  body: { code: 'SUCCESS' | 'FAIL'; message: string };
}

/**
 * Complaint notifications at /notify/sp/{sp_mchid}/complaints (one URL per provider, every
 * sub-merchant's complaints): read by the shared provider-notification reader (signature,
 * decryption, sampled refusals) like every notification; the resource holds only complaint_id and
 * action_type, so the complaint is fetched and applied (once: see ComplaintService.apply) before
 * answering 200. Each one lands in the notification log (kind `complaints`).
 */
@injectable()
export class ComplaintInbox {
  constructor(
    @inject(ComplaintService) private readonly complaints: ComplaintService,
    @inject(SpNotificationReader) private readonly reader: SpNotificationReader,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async receive(spMchid: string, headers: Record<string, string | string[] | undefined>, raw: Buffer): Promise<InboxAnswer> {
    const read = await this.reader.read<{ complaint_id?: unknown; action_type?: unknown }>(spMchid, 'complaints', headers, raw);
    if ('answer' in read) return read.answer;
    const { sp, resource, log } = read.notification;
    if (typeof resource.complaint_id !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(resource.complaint_id)) {
      await log({ outcome: 'refused', detail: { check: 'complaint_id' } });
      return spAnswer.fail(400, 'the resource names no complaint_id');
    }
    try {
      const { row, outcome } = await this.complaints.ingest(sp, resource.complaint_id);
      await log({
        tenantId: row.tenantId ?? undefined,
        outcome: outcome === 'unchanged' ? 'duplicate' : row.tenantId ? 'applied' : 'unmatched',
        // action_type kept as it came: values WeChat Pay adds later are shown, never refused.
        detail: { complaint_id: row.complaintId, action_type: String(resource.action_type ?? '').slice(0, 64), sub_mchid: row.subMchid },
      });
      return spAnswer.ok();
    } catch (err) {
      // Our side or WeChat Pay's detail query failed: 5xx so that WeChat Pay sends it again.
      this.logger.error({ err, sp_mchid: spMchid, complaint_id: resource.complaint_id }, 'complaint notification processing failed');
      await log({ outcome: 'error', detail: { complaint_id: resource.complaint_id } }).catch(() => undefined);
      return spAnswer.fail(500, 'temporarily unavailable');
    }
  }
}
