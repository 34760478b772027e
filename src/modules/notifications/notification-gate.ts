import { decryptResource, type CredentialsProvider, type PlatformKeys } from '@partnerpay/wxpay';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { KeyValueStore, RateLimiter } from '../../platform/kv/kv';
import { newId } from '../../platform/ids';
import type { TenantDirectory } from '../tenancy';
import type { HandlerResult, NotificationEnvelope, NotificationHandler } from './notification-handler';
import type { NotificationOutcome, NotificationRow } from './notification.entity';
import type { NotificationRepository } from './notification.repository';
import type { Em } from '../../platform/db/orm';
import { UnknownNotifyPaths } from './notification-retention';
import { annotateLog } from '../../platform/logging/log-context';
import { UNKNOWN, type Metrics } from '../../platform/metrics/metrics';
import { verifiedByOf } from '../wxpay-gateway';

/** How the gate answers WeChat Pay: HTTP status and, for refusals, `{"code":"FAIL"}`. */
export interface GateAnswer {
  status: number;
  body: { code: 'SUCCESS' | 'FAIL'; message: string };
}

/** Signatures are only valid for 5 minutes, so a nonce needs remembering a little longer than that. */
const REPLAY_WINDOW_MS = 10 * 60_000;

/** Bytes of an unauthenticated refused body kept in its sample row (the rest is never stored). */
const BODY_SAMPLE_CHARS = 512;

/** Refusals that anyone can cause without a key (no valid signature): sampled, not logged one row each. */
const UNAUTHENTICATED_CHECKS = new Set(['signature', 'tenant_suspended']);

/** How many unauthenticated refusals per tenant and minute keep a notification_log row (the rest are only counted). */
export interface RefusalSampling {
  limiter: RateLimiter;
  perMinute: number;
}

const ok = (message = '成功'): GateAnswer => ({ status: 200, body: { code: 'SUCCESS', message } });
const fail = (status: number, message: string): GateAnswer => ({ status, body: { code: 'FAIL', message } });

interface Record_ {
  tenantId: string;
  /** Known once the tenant is: labels the metrics (an unknown path is labelled `unknown`, never by its raw value). */
  spMchid?: string;
  /** `public_key` or the certificate serial that verified the signature. */
  verifiedBy?: string | null;
  kind: 'transactions' | 'refunds';
  envelope?: Partial<NotificationEnvelope>;
  serial?: string;
  verification: string;
  outcome: NotificationOutcome;
  detail?: Record<string, unknown>;
}

/**
 * The one gate every WeChat Pay notification passes (spec §1.3, §7): tenant known and active,
 * signature headers, freshness, replay, signature with the tenant's provider's keys, decryption
 * with its APIv3 key; then the owning module's handler cross-checks and applies it. Each step that fails
 * refuses with 4xx and records which check failed; our own failures answer 5xx so WeChat Pay
 * retries, and nothing answers 2xx before the change is durable.
 */
export class NotificationGate {
  private readonly handlers: Map<string, NotificationHandler>;
  /** Requests for tenants that do not exist, counted. */
  readonly unknownPaths: UnknownNotifyPaths;

  constructor(
    private readonly repo: NotificationRepository,
    private readonly tenants: TenantDirectory,
    private readonly credentials: CredentialsProvider,
    private readonly platformKeys: PlatformKeys,
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    handlers: NotificationHandler[],
    private readonly metrics?: Metrics,
    private readonly sampling?: RefusalSampling,
  ) {
    this.handlers = new Map(handlers.map((h) => [h.kind, h]));
    this.unknownPaths = new UnknownNotifyPaths(logger, clock);
  }

  /** Processes one notification POSTed to /notify/{tenantId}/{kind} with its raw body. */
  async receive(
    tenantId: string,
    kind: 'transactions' | 'refunds',
    headers: Record<string, string | string[] | undefined>,
    raw: Buffer,
  ): Promise<GateAnswer> {
    const handler = this.handlers.get(kind);
    if (!handler) return fail(404, 'unknown notification kind');
    const tenant = await this.tenants.byId(tenantId);
    if (!tenant) {
      // Unauthenticated and not from WeChat Pay (it knows only real notify_urls): counted, never a row or a line each.
      this.unknownPaths.seen();
      this.metrics?.notification(UNKNOWN, UNKNOWN, kind, 'refused', 'tenant_unknown');
      return fail(404, 'unknown notify path');
    }
    annotateLog({ tenant_id: tenant.id, sp_mchid: tenant.spMchid });
    this.metrics?.learnTenant(tenant.id, tenant.spMchid);
    if (tenant.status !== 'active')
      return this.refuse(
        { tenantId, spMchid: tenant.spMchid, kind, verification: 'not_checked', outcome: 'refused', detail: { check: 'tenant_suspended' } },
        403,
        'sub-merchant suspended',
      );
    const sp = await this.credentials.get(tenant.spMchid);
    if (!sp) {
      this.logger.error(
        { tenant_id: tenantId, sp_mchid: tenant.spMchid },
        'notification for a tenant whose service provider is not configured',
      );
      return fail(503, 'service provider not configured');
    }

    const serial = one(headers['wechatpay-serial']);
    const nonce = one(headers['wechatpay-nonce']);
    const body = raw.toString('utf8');
    const verified = await this.platformKeys.verify(sp, headers, body);
    if (!verified.ok) {
      // Unverified, so only what it claims: the event id and type let operators match it to WeChat Pay's retries.
      const claimed = lenientEnvelope(body);
      return this.refuse(
        {
          tenantId,
          spMchid: tenant.spMchid,
          kind,
          serial,
          envelope: claimed,
          verification: verified.reason,
          outcome: 'refused',
          detail: { check: 'signature', reason: verified.reason, body_sample: printable(body.slice(0, BODY_SAMPLE_CHARS)) },
        },
        401,
        `signature refused: ${verified.reason}`,
      );
    }

    // A verified copy whose (serial, nonce) we already processed on this same path is a replay:
    // acknowledge, never apply again. Scoped by tenant and kind: tenants of one provider share its
    // serial, and a copy accepted on tenant A's path must still be refused (and logged) on B's.
    const seen = { tenantId, spMchid: tenant.spMchid, kind, serial, verifiedBy: verifiedByOf(verified) };
    const replayKey = `notify:seen:${tenantId}:${kind}:${serial}:${nonce}`;
    if (await this.kv.get(replayKey)) {
      await this.log({ ...seen, verification: 'ok', outcome: 'replayed' });
      return ok();
    }

    let envelope: NotificationEnvelope;
    let resource: Record<string, unknown>;
    try {
      envelope = JSON.parse(body) as NotificationEnvelope;
      if (!envelope?.resource?.ciphertext || !envelope.resource.nonce) throw new Error('no encrypted resource');
    } catch {
      return this.refuse({ ...seen, verification: 'ok', outcome: 'refused', detail: { check: 'envelope' } }, 400, 'malformed notification');
    }
    try {
      resource = JSON.parse(decryptResource(envelope.resource, sp.apiV3Key)) as Record<string, unknown>;
    } catch {
      return this.refuse(
        { ...seen, envelope, verification: 'undecryptable', outcome: 'refused', detail: { check: 'decryption' } },
        400,
        'resource does not decrypt with this provider APIv3 key',
      );
    }

    let result: Awaited<ReturnType<NotificationHandler['handle']>>;
    let logged = false;
    const entry = (r: HandlerResult): Record_ => ({ ...seen, envelope, verification: 'ok', ...r });
    // The state change, its outbox event and this log row commit together, once (see VerifiedNotification.commit).
    const commit = (fn: (em: Em) => Promise<HandlerResult>) =>
      this.repo.db
        .txGrouped(async (em) => {
          const r = await fn(em);
          await this.log(entry(r), em);
          return r;
        })
        .then((r) => {
          // Counted once its group committed (a failed group re-runs its members, which would count twice).
          logged = true;
          this.countOutcome(entry(r));
          return r;
        });
    try {
      result = await handler.handle({ tenant, sp, envelope, resource, commit });
    } catch (err) {
      // Our side failed (database, WeChat Pay query): keep the record if we can, then 5xx so WeChat Pay retries.
      await this.log({ ...seen, envelope, verification: 'ok', outcome: 'error' }).catch(() => undefined);
      throw err;
    }
    if (!logged) await this.log(entry(result));
    if (result.outcome === 'applied') this.observeDelay(seen.spMchid, tenantId, kind, resource.success_time);
    if (result.outcome === 'refused') {
      this.logger.warn({ security: true, tenant_id: tenantId, kind, ...result.detail }, 'notification refused by cross-check');
      return fail(400, `notification does not match: ${String(result.detail?.check ?? 'cross-check')}`);
    }
    await this.kv.set(replayKey, '1', REPLAY_WINDOW_MS).catch((err) => this.logger.warn({ err }, 'replay cache unavailable'));
    return ok();
  }

  private async refuse(r: Record_, status: number, message: string): Promise<GateAnswer> {
    if (UNAUTHENTICATED_CHECKS.has(String(r.detail?.check)) && !(await this.sampled(r.tenantId))) {
      // Past this tenant's sample for the minute: counted in the metrics only, no row and no line.
      this.countOutcome(r);
      return fail(status, message);
    }
    const { body_sample: _sample, ...detail } = r.detail ?? {};
    this.logger.warn({ security: true, tenant_id: r.tenantId, kind: r.kind, serial: r.serial, ...detail }, 'notification refused');
    await this.log(r);
    return fail(status, message);
  }

  /**
   * Whether this unauthenticated refusal is one of the tenant's sample for the minute (a row with
   * its first bytes). Unsigned POSTs cost anyone nothing to send: without a cap each would be a row.
   */
  private async sampled(tenantId: string): Promise<boolean> {
    if (!this.sampling) return true;
    const hit = await this.sampling.limiter
      .hit(`notify:refused:${tenantId}`, this.sampling.perMinute, 60_000)
      .catch(() => ({ allowed: false }));
    return hit.allowed;
  }

  private observeDelay(spMchid: string, tenantId: string, kind: string, successTime: unknown): void {
    const at = typeof successTime === 'string' ? Date.parse(successTime) : NaN;
    if (Number.isFinite(at)) this.metrics?.notificationDelaySeconds(spMchid, tenantId, kind, (this.clock.now() - at) / 1000);
  }

  private async log(r: Record_, em?: Em): Promise<void> {
    await this.repo.insert(this.logRow(r), em);
    if (!em) this.countOutcome(r);
  }

  /** The notification metric of one logged outcome (an unknown tenant path never becomes a label value). */
  private countOutcome(r: Record_): void {
    const check = r.outcome === 'refused' && typeof r.detail?.check === 'string' ? r.detail.check : 'none';
    const known = r.spMchid !== undefined;
    this.metrics?.notification(r.spMchid ?? UNKNOWN, known ? r.tenantId : UNKNOWN, r.kind, r.outcome, check);
  }

  private logRow(r: Record_): NotificationRow {
    return {
      id: newId('ntf'),
      tenantId: r.tenantId.slice(0, 64),
      kind: r.kind,
      eventId: typeof r.envelope?.id === 'string' ? printable(r.envelope.id.slice(0, 64)) : null,
      eventType: typeof r.envelope?.event_type === 'string' ? printable(r.envelope.event_type.slice(0, 32)) : null,
      serial: r.serial ? printable(r.serial.slice(0, 64)) : null,
      verification: r.verification,
      verifiedBy: r.verifiedBy?.slice(0, 64) ?? null,
      outcome: r.outcome,
      detail: r.detail ? JSON.stringify(r.detail) : null,
      receivedAt: this.clock.now(),
    };
  }
}

/** The envelope's id and event_type as claimed by an unverified body, or undefined when it is not JSON. */
function lenientEnvelope(body: string): Partial<NotificationEnvelope> | undefined {
  try {
    const e = JSON.parse(body) as Partial<NotificationEnvelope> | null;
    return e && typeof e === 'object' ? { id: e.id, event_type: e.event_type } : undefined;
  } catch {
    return undefined;
  }
}

/** What an unverified body claims, made storable: control characters and lone surrogates replaced (SQLite refuses NUL). */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f]/g, '?').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
