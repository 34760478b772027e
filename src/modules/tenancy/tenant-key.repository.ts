import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { TENANT_SECRET_KEY as K, WEBHOOK_SECRET as W, type TenantSecretKeyRow, type WebhookSecretRow } from './tenancy.entity';

/** The only SQL for a tenant's credentials: secret keys (tenant_secret_key) and webhook secrets (webhook_secret). */
@injectable()
export class TenantKeyRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** Writes a new secret key in the caller's transaction. */
  insertSecretKey(em: Em, row: TenantSecretKeyRow): Promise<void> {
    return K.insert(em, row);
  }

  /** The tenant's secret keys, newest first. */
  secretKeys(tenantId: string): Promise<TenantSecretKeyRow[]> {
    return K.findBy(this.db.read(), { tenantId }, 'order by created_at desc, id desc');
  }

  /** The tenant's live (not revoked) key by id. */
  findLiveSecretKey(tenantId: string, id: string, em: Em = this.db.read()): Promise<TenantSecretKeyRow | undefined> {
    return K.findBy(em, { id, tenantId, revokedAt: null }).then((r) => r[0]);
  }

  /** The live key with this hash (hex): what authentication looks up. */
  findLiveByHash(hash: string): Promise<TenantSecretKeyRow | undefined> {
    return K.findBy(this.db.read(), { hash, revokedAt: null }).then((r) => r[0]);
  }

  /** Revokes a live key (guarded: false when it was revoked meanwhile). */
  async revokeSecretKey(em: Em, id: string, now: number): Promise<boolean> {
    return (await K.update(em, { revokedAt: now }, { id, revokedAt: null })) === 1;
  }

  /** Records a key's use at `now` unless one was recorded since `notBefore` (so authentication stays mostly a read). */
  async touchSecretKey(id: string, now: number, notBefore: number): Promise<void> {
    const sql = `update ${K.name} set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)`;
    await this.db.read().execute(sql, [now, id, notBefore], 'run');
  }

  /** Writes a new webhook secret in the caller's transaction. */
  insertWebhookSecret(em: Em, row: WebhookSecretRow): Promise<void> {
    return W.insert(em, row);
  }

  /** The tenant's webhook secrets still signing at `now`, newest first. */
  liveWebhookSecrets(tenantId: string, now: number): Promise<WebhookSecretRow[]> {
    const where = 'tenant_id = ? and revoked_at is null and (expires_at is null or expires_at > ?)';
    return W.select(this.db.read(), where, [tenantId, now], 'order by created_at desc, id desc');
  }

  /** Makes every live webhook secret of the tenant expire at `at` at the latest (a rotation's grace period). */
  async expireWebhookSecrets(em: Em, tenantId: string, at: number): Promise<void> {
    const sql = `update ${W.name} set expires_at = ? where tenant_id = ? and revoked_at is null and (expires_at is null or expires_at > ?)`;
    await em.execute(sql, [at, tenantId, at], 'run');
  }
}
