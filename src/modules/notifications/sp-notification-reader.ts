import { decryptResource, type CredentialsProvider, type PlatformKeys, type ServiceProviderCredentials } from '@partnerpay/wxpay';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { Em } from '../../platform/db/orm';
import { newId } from '../../platform/ids';
import type { Metrics } from '../../platform/metrics/metrics';
import { verifiedByOf } from '../wxpay-gateway';
import { printable, type GateAnswer, type RefusalSampling } from './notification-gate';
import type { NotificationOutcome } from './notification.entity';
import type { NotificationRepository } from './notification.repository';

/** The provider-level notification kinds (one URL per provider: /notify/sp/{sp_mchid}/...). */
export type SpNotificationKind = 'combine' | 'complaints';

/** Bytes of an unauthenticated refused body kept in its sample row (the rest is never stored). */
const BODY_SAMPLE_CHARS = 512;

/** One notification_log row of a provider-level notification, as its owner describes it. */
export interface SpLogEntry {
  /** The tenant it turned out to concern; `sp:{sp_mchid}` when none. */
  tenantId?: string;
  outcome: Exclude<NotificationOutcome, 'replayed'>;
  detail?: Record<string, unknown>;
}

/** A verified, decrypted provider-level notification, ready for the module that owns its kind. */
export interface SpNotification<R> {
  sp: ServiceProviderCredentials;
  envelope: { id?: string; event_type?: string };
  resource: R;
  /** Writes its notification_log row (inside `em` when given, so it commits with the change) and counts it. */
  log(entry: SpLogEntry, em?: Em): Promise<void>;
  /** A failed cross-check: logged as a security event and a `refused` row, answered 400. */
  refuse(check: string, detail?: Record<string, unknown>): Promise<GateAnswer>;
}

export const spAnswer = {
  ok: (): GateAnswer => ({ status: 200, body: { code: 'SUCCESS', message: '成功' } }),
  fail: (status: number, message: string): GateAnswer => ({ status, body: { code: 'FAIL', message } }),
};

/**
 * The first half of every provider-level notification (合单 payments, complaints): the provider
 * known, the signature verified with its WeChat Pay keys, the resource decrypted with its APIv3 key,
 * each step's refusal answered and logged. Unsigned or badly signed POSTs (anyone can send them) keep
 * a row, with the body's first bytes, for at most `refusedSamplesPerMinute` a provider and kind a
 * minute; the rest are only counted in the metrics, like the tenant notify path's.
 */
export class SpNotificationReader {
  constructor(
    private readonly repo: NotificationRepository,
    private readonly credentials: CredentialsProvider,
    private readonly keys: PlatformKeys,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
    private readonly sampling?: RefusalSampling,
  ) {}

  /** The verified notification, or the answer WeChat Pay gets when it is refused. */
  async read<R>(
    spMchid: string,
    kind: SpNotificationKind,
    headers: Record<string, string | string[] | undefined>,
    raw: Buffer,
  ): Promise<{ notification: SpNotification<R> } | { answer: GateAnswer }> {
    const sp = await this.credentials.get(spMchid);
    if (!sp) return { answer: spAnswer.fail(404, 'unknown notify path') };
    const body = raw.toString('utf8');
    const serial = one(headers['wechatpay-serial'])?.slice(0, 64) ?? null;
    const row = (r: { verification: string; verifiedBy?: string | null; envelope?: { id?: unknown; event_type?: unknown } }) => ({
      ...r,
      spMchid,
      kind,
      serial,
    });
    const verified = await this.keys.verify(sp, headers, body);
    if (!verified.ok) {
      const r = row({ verification: verified.reason });
      const entry: SpLogEntry = {
        outcome: 'refused',
        detail: { check: 'signature', reason: verified.reason, body_sample: printable(body.slice(0, BODY_SAMPLE_CHARS)) },
      };
      if (await this.sampled(spMchid, kind)) {
        this.logger.warn({ security: true, sp_mchid: spMchid, kind, reason: verified.reason }, 'provider notification refused');
        await this.write(r, entry);
      } else this.count(r, entry);
      return { answer: spAnswer.fail(401, `signature refused: ${verified.reason}`) };
    }
    const verifiedBy = verifiedByOf(verified);
    let envelope: {
      id?: string;
      event_type?: string;
      resource?: { ciphertext: string; nonce: string; associated_data?: string; algorithm: string };
    };
    let resource: R;
    try {
      envelope = JSON.parse(body) as typeof envelope;
      resource = JSON.parse(decryptResource(envelope.resource!, sp.apiV3Key)) as R;
    } catch {
      await this.write(row({ verification: 'undecryptable', verifiedBy }), { outcome: 'refused', detail: { check: 'decryption' } });
      return { answer: spAnswer.fail(400, 'resource does not decrypt with this provider APIv3 key') };
    }
    const ok = row({ verification: 'ok', verifiedBy, envelope });
    const log = (entry: SpLogEntry, em?: Em) => this.write(ok, entry, em);
    const refuse = async (check: string, detail: Record<string, unknown> = {}) => {
      this.logger.warn({ security: true, sp_mchid: spMchid, kind, check, ...detail }, 'provider notification refused by cross-check');
      await log({ outcome: 'refused', detail: { check, ...detail } });
      return spAnswer.fail(400, `notification does not match: ${check}`);
    };
    return { notification: { sp, envelope: { id: envelope.id, event_type: envelope.event_type }, resource, log, refuse } };
  }

  /** Whether this unauthenticated refusal is one of the provider's sample for the minute. */
  private async sampled(spMchid: string, kind: SpNotificationKind): Promise<boolean> {
    if (!this.sampling) return true;
    const hit = await this.sampling.limiter
      .hit(`notify:refused:sp:${spMchid}:${kind}`, this.sampling.perMinute, 60_000)
      .catch(() => ({ allowed: false }));
    return hit.allowed;
  }

  private async write(r: RowBase, entry: SpLogEntry, em?: Em): Promise<void> {
    const id = r.envelope?.id;
    const type = r.envelope?.event_type;
    await this.repo.insert(
      {
        id: newId('ntf'),
        tenantId: (entry.tenantId ?? `sp:${r.spMchid}`).slice(0, 64),
        kind: r.kind,
        eventId: typeof id === 'string' ? printable(id.slice(0, 64)) : null,
        eventType: typeof type === 'string' ? printable(type.slice(0, 32)) : null,
        serial: r.serial ? printable(r.serial) : null,
        verification: r.verification,
        verifiedBy: r.verifiedBy?.slice(0, 64) ?? null,
        outcome: entry.outcome,
        detail: entry.detail ? JSON.stringify(entry.detail) : null,
        receivedAt: this.clock.now(),
      },
      em,
    );
    this.count(r, entry);
  }

  private count(r: RowBase, entry: SpLogEntry): void {
    const check = entry.outcome === 'refused' && typeof entry.detail?.check === 'string' ? entry.detail.check : 'none';
    this.metrics?.notification(r.spMchid, entry.tenantId ?? `sp:${r.spMchid}`, r.kind, entry.outcome, check);
  }
}

interface RowBase {
  spMchid: string;
  kind: SpNotificationKind;
  serial: string | null;
  verification: string;
  verifiedBy?: string | null;
  envelope?: { id?: unknown; event_type?: unknown };
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
