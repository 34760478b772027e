import type { Database } from '../../platform/db/database';
import { rfc3339, type Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors/errors';
import { decodeCursor, encodeCursor, type Page } from '../../platform/http/paging';
import type { AuditLog, WriteContext } from '../operators';
import type { SecretBox } from '../../platform/secrets/secret-box';
import type { SecondaryClearingGuard } from './clearing-guard';
import { spSecretPurpose, type CachedCredentialsProvider } from './credentials-provider';
import type { ServiceProviderRow } from './tenancy.entity';
import type { ServiceProviderRepository } from './service-provider.repository';
import type { TenantRepository } from './tenant.repository';
import type { ServiceProviderInput } from './tenancy.schemas';
import type { TenancyEvents } from './tenancy-events';

/** The API shape of a service provider: never its private key or APIv3 key. */
export function serviceProviderJson(r: ServiceProviderRow) {
  return {
    sp_mchid: r.spMchid,
    sp_appid: r.spAppid,
    name: r.name,
    merchant_serial_no: r.merchantSerialNo,
    verification: r.wechatpayPublicKeyId
      ? { mode: 'public_key' as const, wechatpay_public_key_id: r.wechatpayPublicKeyId }
      : { mode: 'certificate' as const },
    sp_app_secret_set: r.spAppSecret != null,
    created_at: rfc3339(r.createdAt),
    updated_at: rfc3339(r.updatedAt),
  };
}

/** Service providers (服务商): create-or-replace, read, list. */
export class ServiceProvidersService {
  constructor(
    private readonly db: Database,
    private readonly providers: ServiceProviderRepository,
    private readonly tenants: TenantRepository,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly audit: AuditLog,
    private readonly guard: SecondaryClearingGuard,
    private readonly credentials: CachedCredentialsProvider,
    private readonly events?: TenancyEvents,
  ) {}

  /** Creates or replaces `spMchid`'s credentials; `created` tells which. */
  async put(spMchid: string, input: ServiceProviderInput, ctx: WriteContext): Promise<{ created: boolean; provider: ServiceProviderRow }> {
    // Sealed before the transaction: SecretBox uses its own connection.
    const [sealedKey, sealedApiV3, sealedAppSecret] = await Promise.all([
      this.box.seal(input.merchant_private_key, spSecretPurpose(spMchid, 'merchant_private_key')),
      this.box.seal(input.apiv3_key, spSecretPurpose(spMchid, 'apiv3_key')),
      input.sp_app_secret ? this.box.seal(input.sp_app_secret, spSecretPurpose(spMchid, 'sp_app_secret')) : undefined,
    ]);
    const result = await this.db.tx(async (em) => {
      await this.guard.checkProvider(spMchid, em, input.sp_appid);
      const before = await this.providers.find(spMchid, em);
      const now = this.clock.now();
      if (before && before.spAppid !== input.sp_appid) {
        const centralized = await this.tenants.countCentralizedOfProvider(spMchid, em);
        if (centralized)
          throw new AppError(
            'CONFLICT',
            `sp_appid cannot change while ${centralized} centralized app binding(s) use ${before.spAppid}; remove them first`,
            { fields: [{ field: 'sp_appid', issue: 'in use by centralized bindings' }] },
          );
      }
      const row: ServiceProviderRow = {
        spMchid,
        spAppid: input.sp_appid,
        name: input.name,
        merchantSerialNo: input.merchant_serial_no.toUpperCase(),
        merchantPrivateKey: sealedKey,
        apiv3Key: sealedApiV3,
        wechatpayPublicKeyId: input.wechatpay_public_key_id ?? null,
        wechatpayPublicKey: input.wechatpay_public_key ?? null,
        // Omitted keeps the current one (a replace need not re-enter it); null removes it.
        spAppSecret: input.sp_app_secret === undefined ? (before?.spAppSecret ?? null) : (sealedAppSecret ?? null),
        createdAt: before?.createdAt ?? now,
        // Strictly increasing, so other processes' credential caches always notice the change.
        updatedAt: before && now <= before.updatedAt ? before.updatedAt + 1 : now,
      };
      if (before) await this.providers.replace(em, row);
      else await this.providers.insert(em, row);
      await this.audit.record(em, ctx, {
        action: 'service_provider.put',
        target: `service_provider:${spMchid}`,
        before: before ? serviceProviderJson(before) : undefined,
        after: serviceProviderJson(row),
      });
      return { created: !before, provider: row };
    });
    this.credentials.invalidate(spMchid);
    this.guard.invalidateProviders();
    await this.events?.emit({ kind: 'provider', sp_mchid: spMchid });
    return result;
  }

  async get(spMchid: string): Promise<ServiceProviderRow> {
    const row = await this.providers.find(spMchid);
    if (!row) throw AppError.notFound('service provider');
    return row;
  }

  /** Providers by sp_mchid ascending. */
  async list(limit: number, cursor?: string): Promise<Page<ReturnType<typeof serviceProviderJson>>> {
    const after = cursor ? decodeCursor(cursor).id : undefined;
    const rows = await this.providers.list(limit + 1, after);
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    return { data: data.map(serviceProviderJson), next_cursor: rows.length > limit && last ? encodeCursor(0, last.spMchid) : null };
  }
}
