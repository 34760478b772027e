import { createPublicKey } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { CredentialsProvider, ServiceProviderCredentials } from '@partnerpay/wxpay';
import { ServiceProvidersService, TenantsService, type TenantJson } from '../../modules/tenancy';
import type { MerchantSource, ServiceProviderRegistration, SubMerchantRegistration } from '@partnerpay/wxpay-simulator';

/** A provider as WeChat Pay would have it on file: the merchant certificate's public key, serial and APIv3 key. */
function providerRegistration(sp: ServiceProviderCredentials): ServiceProviderRegistration {
  return {
    sp_mchid: sp.spMchid,
    sp_appid: sp.spAppid,
    merchant_serial_no: sp.merchantSerialNo,
    merchant_public_key: createPublicKey(sp.merchantPrivateKey).export({ type: 'spki', format: 'pem' }).toString(),
    apiv3_key: sp.apiV3Key.toString('utf8'),
    verification: sp.verification.mode,
  };
}

/** A tenant as a sub-merchant with its bound sub_appids (centralized apps are the provider's sp_appid, not bound). */
function subMerchantRegistration(t: Pick<TenantJson, 'sp_mchid' | 'sub_mchid' | 'apps'>): SubMerchantRegistration {
  return { sp_mchid: t.sp_mchid, sub_mchid: t.sub_mchid, appids: t.apps.filter((a) => a.dev_mode !== 'centralized').map((a) => a.appid) };
}

/**
 * The demo's embedded simulator learns partnerpay's own providers and tenants, through the tenancy
 * services (never their tables): everything at start, then whoever calls, so a tenant created by
 * the admin API pays at once and again after a restart, without /simulator/control/sub-merchants.
 */
export function tenancyMerchantSource(c: DependencyContainer): MerchantSource {
  const credentials = c.resolve<CredentialsProvider>(TOKENS.Credentials);
  const providers = c.resolve(ServiceProvidersService);
  const tenants = c.resolve(TenantsService);
  return {
    async all() {
      const out: Awaited<ReturnType<MerchantSource['all']>> = { providers: [], subMerchants: [] };
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await providers.list(100, cursor);
        for (const p of page.data) {
          const sp = await credentials.get(p.sp_mchid);
          if (sp) out.providers.push(providerRegistration(sp));
        }
        cursor = page.next_cursor ?? undefined;
      }
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await tenants.list({ limit: 100, cursor });
        out.subMerchants.push(...page.data.map(subMerchantRegistration));
        cursor = page.next_cursor ?? undefined;
      }
      return out;
    },
    async provider(spMchid) {
      const sp = await credentials.get(spMchid);
      return sp ? providerRegistration(sp) : undefined;
    },
    async subMerchant(spMchid, subMchid) {
      const t = (await tenants.list({ limit: 1, sp_mchid: spMchid, sub_mchid: subMchid })).data[0];
      return t ? subMerchantRegistration(t) : undefined;
    },
  };
}
