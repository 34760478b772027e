import { createHash, randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import { rfc3339, type Clock } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { AuditLog, type WriteContext } from '../operators';
import type { CredentialsProvider } from '@partnerpay/wxpay';
import { PlatformKeyRepository } from './platform-key.repository';
import type { PlatformKeyRow } from './combined-order.entity';

/** A key's use is recorded at most once a minute. */
const TOUCH_EVERY_MS = 60_000;

/** SHA-256 (hex) of a platform key: what is stored and looked up. */
export function platformKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A platform key as lists show it (never the key itself). */
export function platformKeyJson(r: PlatformKeyRow) {
  return {
    id: r.id,
    sp_mchid: r.spMchid,
    name: r.name ?? null,
    prefix: r.prefix,
    created_at: rfc3339(r.createdAt),
    last_used_at: r.lastUsedAt != null ? rfc3339(r.lastUsedAt) : null,
    revoked_at: r.revokedAt != null ? rfc3339(r.revokedAt) : null,
  };
}

/** Platform keys (`pk_...`): minted per service provider by operators, shown once, stored hashed, revocable, audited. */
@injectable()
export class PlatformKeysService {
  constructor(
    @inject(PlatformKeyRepository) private readonly repo: PlatformKeyRepository,
    @inject(TOKENS.Credentials) private readonly providers: CredentialsProvider,
    @inject(AuditLog) private readonly audit: AuditLog,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** A new key for the provider; the key is in this answer only. */
  async create(spMchid: string, name: string | undefined, ctx: WriteContext) {
    await this.requireProvider(spMchid);
    const key = `pk_${randomBytes(32).toString('base64url')}`;
    const row: PlatformKeyRow = {
      id: newId('pkey'),
      spMchid,
      name: name ?? null,
      prefix: key.slice(0, 11),
      hash: platformKeyHash(key),
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.repo.db.tx(async (em) => {
      await this.repo.insert(em, row);
      await this.audit.record(em, ctx, {
        action: 'platform_key.create',
        target: `service_provider:${spMchid}`,
        after: platformKeyJson(row),
      });
    });
    return { ...platformKeyJson(row), platform_key: key };
  }

  /** The provider's keys: live first, then newest first. */
  async list(spMchid: string) {
    await this.requireProvider(spMchid);
    const rows = await this.repo.list(spMchid);
    return { data: [...rows.filter((r) => r.revokedAt == null), ...rows.filter((r) => r.revokedAt != null)].map(platformKeyJson) };
  }

  /** Revokes a key: from the next request on it is 401 (keys are looked up on every request, never cached). */
  async revoke(spMchid: string, id: string, ctx: WriteContext): Promise<void> {
    await this.repo.db.tx(async (em) => {
      const row = await this.repo.findLive(spMchid, id, em);
      const now = this.clock.now();
      if (!row || !(await this.repo.revoke(em, id, now))) throw AppError.notFound('platform key');
      await this.audit.record(em, ctx, {
        action: 'platform_key.revoke',
        target: `service_provider:${spMchid}`,
        before: platformKeyJson(row),
        after: platformKeyJson({ ...row, revokedAt: now }),
      });
    });
  }

  /** The live key behind `key`, or undefined; records its use. */
  async authenticate(key: string): Promise<PlatformKeyRow | undefined> {
    if (!/^pk_[A-Za-z0-9_-]{43}$/.test(key)) return undefined;
    const row = await this.repo.findLiveByHash(platformKeyHash(key));
    if (row) {
      const now = this.clock.now();
      await this.repo.touch(row.id, now, now - TOUCH_EVERY_MS);
    }
    return row;
  }

  private async requireProvider(spMchid: string): Promise<void> {
    if (!(await this.providers.get(spMchid))) throw AppError.notFound(`service provider ${spMchid}`);
  }
}
