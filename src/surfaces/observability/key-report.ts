import { rfc3339 } from '../../platform/clock';
import { AppError } from '../../platform/errors/errors';
import type { CredentialsProvider } from '@partnerpay/wxpay';
import type { NotificationKeyQueries } from '../../modules/notifications';
import { PUBLIC_KEY_PREFIX, type CertificateStore, type KeyUsage } from '../../modules/wxpay-gateway';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const EXPIRY_WARNING_DAYS = 30;
const RECENT = 20;

/** A warning an operator should act on before shops notice. */
export interface KeyWarning {
  code: 'certificate_expiring' | 'certificate_mode_public_key_signed' | 'recent_verification_failures' | 'no_usable_certificate';
  message: string;
  serial_no?: string;
}

const at = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : rfc3339(ms));
const latest = (...xs: Array<number | undefined>) =>
  xs.reduce<number | undefined>((a, b) => (b === undefined ? a : a === undefined ? b : Math.max(a, b)), undefined);

/**
 * GET /admin/v1/service-providers/{sp_mchid}/keys: how a provider verifies WeChat Pay, which key
 * verified what, the failures and the warnings. Notifications come from notification_log (durable,
 * every process); `recent_checks` and answer-key use are this process's own (KeyUsage).
 */
export class KeyReport {
  constructor(
    private readonly credentials: CredentialsProvider,
    private readonly certificates: CertificateStore,
    private readonly notifications: NotificationKeyQueries,
    private readonly usage: KeyUsage,
    private readonly now: () => number,
  ) {}

  async report(spMchid: string) {
    const sp = await this.credentials.get(spMchid);
    if (!sp) throw AppError.notFound('service provider');
    const now = this.now();
    const [certs, recent, notifiedLastUsed, failures, hourFailures] = await Promise.all([
      this.certificates.list(spMchid),
      this.notifications.recent(spMchid, RECENT),
      this.notifications.lastUsed(spMchid, now - 30 * DAY_MS),
      this.notifications.failures(spMchid, now - DAY_MS),
      this.notifications.failures(spMchid, now - HOUR_MS),
    ]);
    const lastUsed = (key: string) => at(latest(notifiedLastUsed.get(key), this.usage.lastUsed(spMchid, key)));
    const checks = this.usage.recent(spMchid);
    const warnings: KeyWarning[] = [];

    const certificates = certs.map((c) => {
      const notAfter = c.notAfter.getTime();
      const daysLeft = Math.floor((notAfter - now) / DAY_MS);
      const state = notAfter <= now ? 'expired' : c.notBefore.getTime() > now ? 'not_yet_valid' : 'valid';
      if (sp.verification.mode === 'certificate' && state === 'valid' && daysLeft < EXPIRY_WARNING_DAYS)
        warnings.push({
          code: 'certificate_expiring',
          serial_no: c.serialNo,
          message: `platform certificate ${c.serialNo} expires in ${daysLeft} days (${rfc3339(notAfter)})`,
        });
      return {
        serial_no: c.serialNo,
        not_before: rfc3339(c.notBefore.getTime()),
        not_after: rfc3339(notAfter),
        state,
        expires_in_days: daysLeft,
        fetched_at: rfc3339(c.fetchedAt.getTime()),
        last_used_at: lastUsed(c.serialNo),
      };
    });
    if (sp.verification.mode === 'certificate' && !certificates.some((c) => c.state === 'valid'))
      warnings.push({ code: 'no_usable_certificate', message: 'no valid platform certificate is stored yet (downloaded on first use)' });

    const publicKeySigned =
      failures.reduce((n, f) => n + f.publicKeySigned, 0) +
      checks.filter((c) => !c.verifiedBy && c.serial?.startsWith(PUBLIC_KEY_PREFIX)).length;
    if (sp.verification.mode === 'certificate' && publicKeySigned > 0)
      warnings.push({
        code: 'certificate_mode_public_key_signed',
        message:
          `${publicKeySigned} message(s) in the last 24 h were signed with a WeChat Pay public key (PUB_KEY_ID_...) but this provider ` +
          'verifies with platform certificates: add wechatpay_public_key_id and wechatpay_public_key ' +
          '(PUT /admin/v1/service-providers/{sp_mchid})',
      });
    const lastHour = hourFailures.reduce((n, f) => n + f.count, 0) + checks.filter((c) => !c.verifiedBy && c.at >= now - HOUR_MS).length;
    if (lastHour > 0)
      warnings.push({
        code: 'recent_verification_failures',
        message: `signature verification failed in the last hour (${lastHour} notification(s) or answer(s)); see failures`,
      });

    return {
      sp_mchid: spMchid,
      mode: sp.verification.mode,
      public_key:
        sp.verification.mode === 'public_key' ? { public_key_id: sp.verification.publicKeyId, last_used_at: lastUsed('public_key') } : null,
      certificates,
      recent_notifications: recent.map((n) => ({
        received_at: rfc3339(n.received_at),
        tenant_id: n.tenant_id,
        kind: n.kind,
        serial: n.serial,
        verification: n.verification,
        verified_by: n.verified_by,
        outcome: n.outcome,
      })),
      recent_checks: checks
        .slice(0, RECENT)
        .map((c) => ({ at: rfc3339(c.at), serial: c.serial, verified_by: c.verifiedBy, result: c.result })),
      failures: {
        window: '24h',
        by_reason: Object.fromEntries(failures.map((f) => [f.reason, f.count])),
        last_hour: lastHour,
      },
      warnings,
    };
  }
}
