import type { KeyObject } from 'node:crypto';
import type { CertificateStore, Clock, SharedStore, WxpayLogger } from '../ports';
import { WxpayKeysUnavailableError } from '../errors';
import { loadCertificate, pickWechatpayHeaders, verifyWechatpaySignature, type CertificateInfo, type VerifyResult } from '../crypto';
import type { PlatformKeys } from '../client-port';
import type { ServiceProviderCredentials } from '../credentials';
import type { WxpayTransport } from '../transport';
import { fetchPlatformCertificates, usable } from './certificate-download';

/** At most one certificate download per service provider per this long, however many unknown serials arrive. */
export const CERTIFICATE_REFRESH_INTERVAL_MS = 60_000;
const PUBLIC_KEY_PREFIX = 'PUB_KEY_ID_';

interface ProviderCerts {
  certs: Map<string, CertificateInfo>;
  loaded?: Promise<void>;
  /** Last successful download (or newest fetched_at read from the database). */
  fetchedAt?: number;
  sp: ServiceProviderCredentials;
}

export interface PlatformKeysDeps {
  transport: WxpayTransport;
  store: CertificateStore;
  kv: SharedStore;
  clock: Clock;
  logger?: WxpayLogger;
  /** Told of every signature check (observability: which key verified what). */
  onVerify?(spMchid: string, result: VerifyResult): void;
}

/**
 * PlatformKeys (TOKENS.PlatformKeys). Both schemes side by side, as wechatpay-go's combined verifier
 * does: a `PUB_KEY_ID_...` serial uses the operator-given public key; any other serial is a platform
 * certificate, looked up in memory, then the database, then downloaded from /v3/certificates.
 *
 * Downloads are single-flight per service provider (concurrent callers share one promise) and
 * throttled to one a minute per provider: in-process first, then across processes through the
 * key-value store (Redis). A process that loses that race reloads from the database instead, where
 * the winner persists what it fetched. Certificates stay usable until they expire, so an old and a
 * new one overlap during WeChat Pay's rotation.
 */
export class WxpayPlatformKeys implements PlatformKeys {
  private readonly providers = new Map<string, ProviderCerts>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly lastAttemptAt = new Map<string, number>();

  constructor(private readonly deps: PlatformKeysDeps) {}

  async keyFor(sp: ServiceProviderCredentials, serial: string): Promise<KeyObject | undefined> {
    if (serial.startsWith(PUBLIC_KEY_PREFIX)) return this.publicKey(sp, serial);
    const p = await this.loaded(sp);
    const now = this.deps.clock.now();
    const known = p.certs.get(serial);
    // A known certificate outside its validity will not become valid by downloading again.
    if (known) return usable(known, now)?.publicKey;
    await this.refresh(sp);
    return usable(p.certs.get(serial), this.deps.clock.now())?.publicKey;
  }

  async verify(
    sp: ServiceProviderCredentials,
    headers: Record<string, string | string[] | undefined>,
    rawBody: string | Buffer,
  ): Promise<VerifyResult> {
    const result = await this.check(sp, headers, rawBody);
    this.deps.onVerify?.(sp.spMchid, result);
    return result;
  }

  private async check(
    sp: ServiceProviderCredentials,
    headers: Record<string, string | string[] | undefined>,
    rawBody: string | Buffer,
  ): Promise<VerifyResult> {
    const h = pickWechatpayHeaders(headers);
    const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
    if (h.serial && !h.serial.startsWith(PUBLIC_KEY_PREFIX)) await this.loaded(sp);
    const nowS = Math.floor(this.deps.clock.now() / 1000);
    const first = verifyWechatpaySignature(h, body, nowS, (s) => this.cachedKey(sp, s));
    // Only a message that is otherwise well-formed and fresh may cost a certificate download.
    if (first.ok || first.reason !== 'unknown_serial' || !h.serial) return first;
    const key = await this.keyFor(sp, h.serial);
    return key ? verifyWechatpaySignature(h, body, nowS, (s) => (s === h.serial ? key : undefined)) : first;
  }

  async encryptionKey(sp: ServiceProviderCredentials): Promise<{ serial: string; key: KeyObject }> {
    if (sp.verification.mode === 'public_key') return { serial: sp.verification.publicKeyId, key: sp.verification.publicKey };
    let cert = this.newest(await this.loaded(sp));
    if (!cert) {
      await this.refresh(sp);
      cert = this.newest(await this.loaded(sp));
    }
    if (!cert) throw new WxpayKeysUnavailableError(`no usable WeChat Pay platform certificate for ${sp.spMchid} yet`);
    return { serial: cert.serialNo, key: cert.publicKey };
  }

  /**
   * Downloads the certificates now unless another caller is already doing it or one was done in the
   * last minute (then it waits for that one / returns). Used on unknown serials and by the refresh job.
   */
  refresh(sp: ServiceProviderCredentials): Promise<void> {
    let p = this.inflight.get(sp.spMchid);
    if (!p) {
      p = this.throttledDownload(sp).finally(() => this.inflight.delete(sp.spMchid));
      this.inflight.set(sp.spMchid, p);
    }
    return p;
  }

  /** Service providers in certificate mode whose certificates were last fetched before `olderThanMs` ago. */
  staleProviders(olderThanMs: number): ServiceProviderCredentials[] {
    const now = this.deps.clock.now();
    return [...this.providers.values()]
      .filter((p) => p.sp.verification.mode === 'certificate' && (p.fetchedAt ?? 0) < now - olderThanMs)
      .map((p) => p.sp);
  }

  private publicKey(sp: ServiceProviderCredentials, serial: string): KeyObject | undefined {
    return sp.verification.mode === 'public_key' && sp.verification.publicKeyId === serial ? sp.verification.publicKey : undefined;
  }

  private cachedKey(sp: ServiceProviderCredentials, serial: string): KeyObject | undefined {
    if (serial.startsWith(PUBLIC_KEY_PREFIX)) return this.publicKey(sp, serial);
    return usable(this.providers.get(sp.spMchid)?.certs.get(serial), this.deps.clock.now())?.publicKey;
  }

  private newest(p: ProviderCerts): CertificateInfo | undefined {
    const now = this.deps.clock.now();
    let best: CertificateInfo | undefined;
    for (const c of p.certs.values()) if (usable(c, now) && (!best || c.notAfter > best.notAfter)) best = c;
    return best;
  }

  /** The provider's entry, with its persisted certificates loaded once per process. */
  private async loaded(sp: ServiceProviderCredentials): Promise<ProviderCerts> {
    let p = this.providers.get(sp.spMchid);
    if (!p) {
      p = { certs: new Map(), sp };
      this.providers.set(sp.spMchid, p);
    }
    p.sp = sp;
    p.loaded ??= this.loadFromDb(p);
    await p.loaded;
    return p;
  }

  private async loadFromDb(p: ProviderCerts): Promise<void> {
    const now = this.deps.clock.now();
    try {
      for (const row of await this.deps.store.load(p.sp.spMchid, now)) {
        const cert = loadCertificate(row.pem, `stored platform certificate ${row.serialNo}`);
        if (cert.serialNo !== row.serialNo) continue;
        p.certs.set(cert.serialNo, cert);
        p.fetchedAt = Math.max(p.fetchedAt ?? 0, row.fetchedAt.getTime());
      }
    } catch (err) {
      // The database is a cache of WeChat Pay here: without it we download instead.
      this.deps.logger?.warn({ err, sp_mchid: p.sp.spMchid }, 'could not load stored platform certificates');
    }
  }

  private async throttledDownload(sp: ServiceProviderCredentials): Promise<void> {
    const now = this.deps.clock.now();
    const last = this.lastAttemptAt.get(sp.spMchid);
    if (last !== undefined && now - last < CERTIFICATE_REFRESH_INTERVAL_MS) return;
    this.lastAttemptAt.set(sp.spMchid, now);
    const p = await this.loaded(sp);
    if (!(await this.claim(sp.spMchid, now))) {
      await this.loadFromDb(p);
      return;
    }
    try {
      const fresh = await fetchPlatformCertificates(this.deps.transport, sp, now, (s) => this.cachedKey(sp, s));
      for (const c of fresh) p.certs.set(c.serialNo, c);
      for (const [serial, c] of p.certs) if (c.notAfter.getTime() <= now) p.certs.delete(serial);
      p.fetchedAt = now;
      await this.deps.store
        .save(sp.spMchid, fresh, now)
        .catch((err) => this.deps.logger?.warn({ err, sp_mchid: sp.spMchid }, 'could not store platform certificates'));
      this.deps.logger?.info({ sp_mchid: sp.spMchid, serials: fresh.map((c) => c.serialNo) }, 'platform certificates refreshed');
    } catch (err) {
      this.deps.logger?.warn({ err, sp_mchid: sp.spMchid }, 'platform certificate download failed');
    }
  }

  /**
   * The cross-process minute slot. The value is the claim time, so that a clock moved by hand (tests)
   * or a key that outlived its TTL still frees the slot after a minute. If the store is down, the
   * in-process guard alone limits us to one download a minute per process.
   */
  private async claim(spMchid: string, now: number): Promise<boolean> {
    const key = `wxpay:certs:refresh:${spMchid}`;
    try {
      if (await this.deps.kv.setIfAbsent(key, String(now), CERTIFICATE_REFRESH_INTERVAL_MS)) return true;
      const last = Number(await this.deps.kv.get(key));
      if (Number.isFinite(last) && now - last < CERTIFICATE_REFRESH_INTERVAL_MS) return false;
      await this.deps.kv.set(key, String(now), CERTIFICATE_REFRESH_INTERVAL_MS);
      return true;
    } catch (err) {
      this.deps.logger?.warn({ err }, 'refresh throttle store unavailable; relying on the in-process guard');
      return true;
    }
  }
}
