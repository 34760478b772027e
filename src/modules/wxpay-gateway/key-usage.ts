import type { VerifyResult } from '@partnerpay/wxpay';
import type { Metrics } from '../../platform/metrics/metrics';

/** WeChat Pay public key ids start so; any other serial names a platform certificate. */
export const PUBLIC_KEY_PREFIX = 'PUB_KEY_ID_';

/** One signature check as the key report shows it. */
export interface KeyUse {
  at: number;
  /** The Wechatpay-Serial the message named (a PUB_KEY_ID_... or a certificate serial). */
  serial: string | null;
  /** `public_key` or the certificate serial when verified; null when refused. */
  verifiedBy: string | null;
  result: string;
}

interface ProviderUsage {
  recent: KeyUse[];
  lastUsed: Map<string, number>;
}

const RING = 50;
const MAX_KEYS = 32;

/** The metric/column value naming the key that verified a message: `public_key` or the certificate serial. */
export function verifiedByOf(r: VerifyResult): string | null {
  if (!r.ok) return null;
  return r.serial.startsWith(PUBLIC_KEY_PREFIX) ? 'public_key' : r.serial;
}

/**
 * Which key verified each WeChat Pay message, in this process: a ring of the last 50 checks and the
 * last use of each key per provider (answers and notifications alike; notifications are also kept
 * durably in notification_log.verified_by). O(1) per check, bounded memory.
 */
export class KeyUsage {
  private readonly providers = new Map<string, ProviderUsage>();

  constructor(
    private readonly metrics: Metrics,
    private readonly now: () => number,
  ) {}

  /** Records one check (called by PlatformKeys.verify for every answer and notification). */
  record(spMchid: string, r: VerifyResult): void {
    const verifiedBy = verifiedByOf(r);
    const serial = r.serial ?? null;
    // Refused messages name any serial they like: label them by scheme only, so the label set stays bounded.
    const key = verifiedBy ?? (serial?.startsWith(PUBLIC_KEY_PREFIX) ? 'public_key' : 'certificate');
    this.metrics.verification(spMchid, key, r.ok ? 'ok' : r.reason);
    let p = this.providers.get(spMchid);
    if (!p) {
      p = { recent: [], lastUsed: new Map() };
      this.providers.set(spMchid, p);
    }
    const at = this.now();
    p.recent.push({ at, serial: serial?.slice(0, 64) ?? null, verifiedBy, result: r.ok ? 'ok' : r.reason });
    if (p.recent.length > RING) p.recent.shift();
    if (verifiedBy && (p.lastUsed.has(verifiedBy) || p.lastUsed.size < MAX_KEYS)) p.lastUsed.set(verifiedBy, at);
  }

  /** The last checks for a provider, newest first. */
  recent(spMchid: string): KeyUse[] {
    return [...(this.providers.get(spMchid)?.recent ?? [])].reverse();
  }

  /** When `verifiedBy` (`public_key` or a serial) last verified a message for this provider, in this process. */
  lastUsed(spMchid: string, verifiedBy: string): number | undefined {
    return this.providers.get(spMchid)?.lastUsed.get(verifiedBy);
  }
}
