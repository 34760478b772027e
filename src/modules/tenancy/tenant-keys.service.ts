import { randomBytes } from 'node:crypto';
import type { Database } from '../../platform/db/database';
import { rfc3339, type Clock } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { AppError } from '../../platform/errors/errors';
import type { AuditLog, WriteContext } from '../operators';
import type { SecretBox } from '../../platform/secrets/secret-box';
import type { TenantSecretKeyRow } from './tenancy.entity';
import type { TenantRepository } from './tenant.repository';
import type { TenantKeyRepository } from './tenant-key.repository';
import { webhookSecretPurpose, type DbTenantDirectory } from './db-tenant-directory';
import { secretKeyJson } from './tenant.view';
import { newSecretKey } from './tenants.service';

/** How long a rotated-out webhook secret keeps signing events unless the operator says otherwise. */
export const DEFAULT_WEBHOOK_GRACE_SECONDS = 24 * 3600;

/** A tenant's secret keys (`sk_...`) and webhook secrets (`whsec_...`). */
export class TenantKeysService {
  constructor(
    private readonly db: Database,
    private readonly tenants: TenantRepository,
    private readonly keys: TenantKeyRepository,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly audit: AuditLog,
    private readonly directory: DbTenantDirectory,
  ) {}

  /** The tenant's keys, live first then newest first (prefix and times only). */
  async list(tenantId: string) {
    if (!(await this.tenants.countById(tenantId))) throw AppError.notFound('tenant');
    const rows = await this.keys.secretKeys(tenantId);
    return {
      data: [...rows.filter((r) => r.revokedAt == null), ...rows.filter((r) => r.revokedAt != null)].map(secretKeyJson),
      next_cursor: null,
    };
  }

  /** A new key; the old ones stay valid until revoked. The key is in this answer only. */
  async create(tenantId: string, ctx: WriteContext) {
    const sk = newSecretKey();
    const row: TenantSecretKeyRow = {
      id: newId('key'),
      tenantId,
      prefix: sk.prefix,
      hash: sk.hash,
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.db.tx(async (em) => {
      if (!(await this.tenants.countById(tenantId, em))) throw AppError.notFound('tenant');
      await this.keys.insertSecretKey(em, row);
      await this.audit.record(em, ctx, { action: 'tenant.secret_key_create', target: `tenant:${tenantId}`, after: secretKeyJson(row) });
    });
    return { ...secretKeyJson(row), secret_key: sk.key };
  }

  /** Revokes a key at once in this process (within seconds in the others). */
  async revoke(tenantId: string, keyId: string, ctx: WriteContext): Promise<void> {
    await this.db.tx(async (em) => {
      const row = await this.keys.findLiveSecretKey(tenantId, keyId, em);
      const now = this.clock.now();
      if (!row || !(await this.keys.revokeSecretKey(em, keyId, now))) throw AppError.notFound('secret key');
      await this.audit.record(em, ctx, {
        action: 'tenant.secret_key_revoke',
        target: `tenant:${tenantId}`,
        before: secretKeyJson(row),
        after: secretKeyJson({ ...row, revokedAt: now }),
      });
    });
    this.directory.invalidateKey(keyId);
  }

  /**
   * A new webhook secret, answered once. The previous ones keep signing (one v1 each) for
   * `graceSeconds`, so the tenant can deploy the new secret without dropping events.
   */
  async rotateWebhookSecret(tenantId: string, graceSeconds: number, ctx: WriteContext) {
    const id = newId('whk');
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const sealed = await this.box.seal(secret, webhookSecretPurpose(tenantId, id));
    const now = this.clock.now();
    const previousExpiresAt = now + graceSeconds * 1000;
    await this.db.tx(async (em) => {
      if (!(await this.tenants.countById(tenantId, em))) throw AppError.notFound('tenant');
      await this.keys.expireWebhookSecrets(em, tenantId, previousExpiresAt);
      await this.keys.insertWebhookSecret(em, { id, tenantId, secret: sealed, createdAt: now, expiresAt: null, revokedAt: null });
      await this.audit.record(em, ctx, {
        action: 'tenant.webhook_secret_rotate',
        target: `tenant:${tenantId}`,
        after: { webhook_secret_id: id, previous_expires_at: rfc3339(previousExpiresAt) },
      });
    });
    this.directory.invalidateTenant(tenantId);
    return { id, webhook_secret: secret, created_at: rfc3339(now), previous_expires_at: rfc3339(previousExpiresAt) };
  }
}
