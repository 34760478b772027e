import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { SecretBox } from '../../platform/secrets/secret-box';
import type { TenantRepository } from './tenant.repository';
import type { TenantKeyRepository } from './tenant-key.repository';
import type { TenantDirectory, TenantView, WebhookSecret } from './tenant-directory';
import { tenantView } from './tenant.view';

/** Purpose (AES-GCM associated data) of a sealed webhook secret. */
export const webhookSecretPurpose = (tenantId: string, secretId: string) => `webhook_secret:${tenantId}:${secretId}`;

/** The shape of a tenant secret key: `sk_` + 32 random bytes in base64url. */
export const SECRET_KEY_SHAPE = /^sk_[A-Za-z0-9_-]{43}$/;

/**
 * SHA-256 of a secret key. A fast hash is enough here, and a slow KDF would only slow every request:
 * the keys are 256 bits from the CSPRNG, so there is no low-entropy input for an attacker holding the
 * hashes to guess.
 */
export function secretKeyHash(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** How long a tenant view or a key → tenant lookup is served from memory. Writes in this process invalidate at once. */
const CACHE_MS = 10_000;
const TOUCH_EVERY_MS = 60_000;

/**
 * TenantDirectory (TOKENS.Tenants) over the database. `authenticate` runs on every tenant request:
 * one indexed lookup by hash on a miss, none on a hit. Other processes see a revocation or a
 * suspension within CACHE_MS.
 */
export class DbTenantDirectory implements TenantDirectory {
  private readonly views = new Map<string, { view: Promise<TenantView | undefined>; exp: number }>();
  private readonly keys = new Map<string, { tenantId: string; keyId: string; exp: number }>();
  private readonly touched = new Map<string, number>();
  private readonly secrets = new Map<string, { list: Promise<WebhookSecret[]>; exp: number }>();

  constructor(
    private readonly tenants: TenantRepository,
    private readonly keyRows: TenantKeyRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async byId(id: string): Promise<TenantView | undefined> {
    const now = Date.now();
    const hit = this.views.get(id);
    if (hit && hit.exp > now) return hit.view;
    const view = this.load(id);
    this.views.set(id, { view, exp: now + CACHE_MS });
    const v = await view.catch((e) => {
      this.views.delete(id);
      throw e;
    });
    if (!v) this.views.delete(id);
    return v;
  }

  async authenticate(secretKey: string): Promise<TenantView | undefined> {
    if (!SECRET_KEY_SHAPE.test(secretKey)) return undefined;
    const hash = secretKeyHash(secretKey);
    const hex = hash.toString('hex');
    const now = Date.now();
    let hit = this.keys.get(hex);
    if (!hit || hit.exp <= now) {
      const row = await this.keyRows.findLiveByHash(hex);
      // The index found the row by hash; compare again in constant time so no timing depends on the key.
      if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), hash)) {
        this.keys.delete(hex);
        return undefined;
      }
      if (this.keys.size > 50_000) this.keys.clear();
      hit = { tenantId: row.tenantId, keyId: row.id, exp: now + CACHE_MS };
      this.keys.set(hex, hit);
    }
    const view = await this.byId(hit.tenantId);
    if (view) await this.touch(hit.keyId);
    return view;
  }

  async webhookSecrets(tenantId: string): Promise<WebhookSecret[]> {
    const now = Date.now();
    const hit = this.secrets.get(tenantId);
    if (hit && hit.exp > now) return hit.list;
    const list = this.loadSecrets(tenantId);
    this.secrets.set(tenantId, { list, exp: now + CACHE_MS });
    return list.catch((e) => {
      this.secrets.delete(tenantId);
      throw e;
    });
  }

  /** Drops the cached view and webhook secrets of a tenant (after any write to it). */
  invalidateTenant(id: string): void {
    this.views.delete(id);
    this.secrets.delete(id);
  }

  /** Drops cached lookups of a revoked key. */
  invalidateKey(keyId: string): void {
    for (const [h, e] of this.keys) if (e.keyId === keyId) this.keys.delete(h);
  }

  private async load(id: string): Promise<TenantView | undefined> {
    const t = await this.tenants.find(id);
    if (!t) return undefined;
    return tenantView(t, await this.tenants.apps(id));
  }

  private async loadSecrets(tenantId: string): Promise<WebhookSecret[]> {
    const now = this.clock.now();
    const rows = await this.keyRows.liveWebhookSecrets(tenantId, now);
    // Rotated-out secrets expire while cached; cap the cache life at the first expiry.
    const firstExpiry = Math.min(...rows.map((r) => r.expiresAt ?? Infinity));
    const entry = this.secrets.get(tenantId);
    if (entry && Number.isFinite(firstExpiry)) entry.exp = Math.min(entry.exp, Date.now() + (firstExpiry - now));
    return Promise.all(rows.map(async (r) => ({ id: r.id, secret: await this.box.open(r.secret, webhookSecretPurpose(tenantId, r.id)) })));
  }

  // last_used_at is written at most once a minute per key, so authentication stays a read.
  private async touch(keyId: string): Promise<void> {
    const now = this.clock.now();
    const last = this.touched.get(keyId);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
    if (this.touched.size > 50_000) this.touched.clear();
    this.touched.set(keyId, now);
    try {
      await this.keyRows.touchSecretKey(keyId, now, now - TOUCH_EVERY_MS);
    } catch (err) {
      this.logger.warn({ err, key_id: keyId }, 'could not record secret key use');
    }
  }
}
