import type { Orm } from '../common/db/orm';
import type { Clock } from '../common/clock';
import { rfc3339 } from '../common/clock';
import { AppError } from '../common/errors';
import type { Page } from '../common/http/paging';
import { decodeCursor, encodeCursor } from '../common/http/paging';
import type { AuditLog, WriteContext } from '../audit/audit-log';
import type { SecretBox } from '../secrets/secret-box';
import type { SecondaryClearingGuard } from '../compliance/clearing-guard';
import type { CachedCredentialsProvider } from './credentials-provider';
import { spSecretPurpose } from './credentials-provider';
import { AppBindingSchema, ServiceProviderSchema, TenantSchema, type ServiceProviderRow } from './tenancy.entities';
import type { ServiceProviderInput } from './tenancy.schemas';

/** The API shape of a service provider: never its private key or APIv3 key. */
export function serviceProviderJson(r: ServiceProviderRow) {
  return {
    sp_mchid: r.sp_mchid,
    sp_appid: r.sp_appid,
    name: r.name,
    merchant_serial_no: r.merchant_serial_no,
    verification: r.wechatpay_public_key_id
      ? { mode: 'public_key' as const, wechatpay_public_key_id: r.wechatpay_public_key_id }
      : { mode: 'certificate' as const },
    sp_app_secret_set: r.sp_app_secret !== null,
    created_at: rfc3339(r.created_at),
    updated_at: rfc3339(r.updated_at),
  };
}

/** Service providers (服务商): create-or-replace, read, list. */
export class ServiceProvidersService {
  constructor(
    private readonly orm: Orm,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly audit: AuditLog,
    private readonly guard: SecondaryClearingGuard,
    private readonly credentials: CachedCredentialsProvider,
  ) {}

  /** Creates or replaces `spMchid`'s credentials; `created` tells which. */
  async put(spMchid: string, input: ServiceProviderInput, ctx: WriteContext): Promise<{ created: boolean; provider: ServiceProviderRow }> {
    // Sealed before the transaction: SecretBox uses its own connection.
    const [sealedKey, sealedApiV3, sealedAppSecret] = await Promise.all([
      this.box.seal(input.merchant_private_key, spSecretPurpose(spMchid, 'merchant_private_key')),
      this.box.seal(input.apiv3_key, spSecretPurpose(spMchid, 'apiv3_key')),
      input.sp_app_secret ? this.box.seal(input.sp_app_secret, spSecretPurpose(spMchid, 'sp_app_secret')) : undefined,
    ]);
    const result = await this.orm.em.fork().transactional(async (em) => {
      await this.guard.checkProvider(spMchid, em, input.sp_appid);
      const before = await em.findOne(ServiceProviderSchema, { sp_mchid: spMchid });
      const now = this.clock.now();
      if (before && before.sp_appid !== input.sp_appid) {
        const tenants = await em.find(TenantSchema, { sp_mchid: spMchid }, { fields: ['id'] });
        const centralized = tenants.length
          ? await em.count(AppBindingSchema, { tenant_id: { $in: tenants.map((t) => t.id) }, dev_mode: 'centralized' })
          : 0;
        if (centralized)
          throw new AppError(
            'CONFLICT',
            `sp_appid cannot change while ${centralized} centralized app binding(s) use ${before.sp_appid}; remove them first`,
            { fields: [{ field: 'sp_appid', issue: 'in use by centralized bindings' }] },
          );
      }
      const row: ServiceProviderRow = {
        sp_mchid: spMchid,
        sp_appid: input.sp_appid,
        name: input.name,
        merchant_serial_no: input.merchant_serial_no.toUpperCase(),
        merchant_private_key: sealedKey,
        apiv3_key: sealedApiV3,
        wechatpay_public_key_id: input.wechatpay_public_key_id ?? null,
        wechatpay_public_key: input.wechatpay_public_key ?? null,
        // Omitted keeps the current one (a replace need not re-enter it); null removes it.
        sp_app_secret: input.sp_app_secret === undefined ? (before?.sp_app_secret ?? null) : (sealedAppSecret ?? null),
        created_at: before?.created_at ?? now,
        // Strictly increasing, so other processes' credential caches always notice the change.
        updated_at: before && now <= before.updated_at ? before.updated_at + 1 : now,
      };
      if (before) await em.nativeUpdate(ServiceProviderSchema, { sp_mchid: spMchid }, row);
      else await em.insert(ServiceProviderSchema, row);
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
    return result;
  }

  async get(spMchid: string): Promise<ServiceProviderRow> {
    const row = await this.orm.em.fork().findOne(ServiceProviderSchema, { sp_mchid: spMchid });
    if (!row) throw AppError.notFound('service provider');
    return row;
  }

  /** Providers by sp_mchid ascending. */
  async list(limit: number, cursor?: string): Promise<Page<ReturnType<typeof serviceProviderJson>>> {
    const after = cursor ? decodeCursor(cursor).id : undefined;
    const rows = await this.orm.em
      .fork()
      .find(ServiceProviderSchema, after ? { sp_mchid: { $gt: after } } : {}, { orderBy: { sp_mchid: 'asc' }, limit: limit + 1 });
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    return { data: data.map(serviceProviderJson), next_cursor: rows.length > limit && last ? encodeCursor(0, last.sp_mchid) : null };
  }
}
