import { randomBytes } from 'node:crypto';
import type { Orm } from '../common/db/orm';
import type { Clock } from '../common/clock';
import { rfc3339 } from '../common/clock';
import { newId } from '../common/ids';
import { AppError } from '../common/errors';
import type { AuditLog, WriteContext } from '../audit/audit-log';
import type { SecretBox } from '../secrets/secret-box';
import { TenantSchema, TenantSecretKeySchema, WebhookSecretSchema, type TenantSecretKeyRow } from './tenancy.entities';
import { webhookSecretPurpose, type DbTenantDirectory } from './db-tenant-directory';
import { secretKeyJson } from './tenant-json';
import { newSecretKey } from './tenants.service';

/** How long a rotated-out webhook secret keeps signing events unless the operator says otherwise. */
export const DEFAULT_WEBHOOK_GRACE_SECONDS = 24 * 3600;

/** A tenant's secret keys (`sk_...`) and webhook secrets (`whsec_...`). */
export class TenantKeysService {
  constructor(
    private readonly orm: Orm,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly audit: AuditLog,
    private readonly directory: DbTenantDirectory,
  ) {}

  /** The tenant's keys, live first then newest first (prefix and times only). */
  async list(tenantId: string) {
    const em = this.orm.em.fork();
    if (!(await em.count(TenantSchema, { id: tenantId }))) throw AppError.notFound('tenant');
    const rows = await em.find(TenantSecretKeySchema, { tenant_id: tenantId }, { orderBy: { created_at: 'desc', id: 'desc' } });
    return {
      data: [...rows.filter((r) => r.revoked_at === null), ...rows.filter((r) => r.revoked_at !== null)].map(secretKeyJson),
      next_cursor: null,
    };
  }

  /** A new key; the old ones stay valid until revoked. The key is in this answer only. */
  async create(tenantId: string, ctx: WriteContext) {
    const sk = newSecretKey();
    const row: TenantSecretKeyRow = {
      id: newId('key'),
      tenant_id: tenantId,
      prefix: sk.prefix,
      hash: sk.hash,
      created_at: this.clock.now(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.orm.em.fork().transactional(async (em) => {
      if (!(await em.count(TenantSchema, { id: tenantId }))) throw AppError.notFound('tenant');
      await em.insert(TenantSecretKeySchema, row);
      await this.audit.record(em, ctx, { action: 'tenant.secret_key_create', target: `tenant:${tenantId}`, after: secretKeyJson(row) });
    });
    return { ...secretKeyJson(row), secret_key: sk.key };
  }

  /** Revokes a key at once in this process (within seconds in the others). */
  async revoke(tenantId: string, keyId: string, ctx: WriteContext): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const row = await em.findOne(TenantSecretKeySchema, { id: keyId, tenant_id: tenantId, revoked_at: null });
      if (!row) throw AppError.notFound('secret key');
      const now = this.clock.now();
      await em.nativeUpdate(TenantSecretKeySchema, { id: keyId, revoked_at: null }, { revoked_at: now });
      await this.audit.record(em, ctx, {
        action: 'tenant.secret_key_revoke',
        target: `tenant:${tenantId}`,
        before: secretKeyJson(row),
        after: secretKeyJson({ ...row, revoked_at: now }),
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
    await this.orm.em.fork().transactional(async (em) => {
      if (!(await em.count(TenantSchema, { id: tenantId }))) throw AppError.notFound('tenant');
      await em.nativeUpdate(
        WebhookSecretSchema,
        { tenant_id: tenantId, revoked_at: null, $or: [{ expires_at: null }, { expires_at: { $gt: previousExpiresAt } }] },
        { expires_at: previousExpiresAt },
      );
      await em.insert(WebhookSecretSchema, {
        id,
        tenant_id: tenantId,
        secret: sealed,
        created_at: now,
        expires_at: null,
        revoked_at: null,
      });
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
