import type { SecretBox } from '../../platform/secrets/secret-box';
import type { DevMode } from './tenant-directory';
import { spSecretPurpose } from './credentials-provider';
import type { TenantRepository } from './tenant.repository';
import type { ServiceProviderRepository } from './service-provider.repository';

/** The AES-GCM purpose of an app binding's sealed AppSecret (binds the ciphertext to its tenant and AppID). */
export const appSecretPurpose = (tenantId: string, appid: string) => `app_binding:${tenantId}:${appid}:app_secret`;

/** The login secret of one AppID of one tenant, or why there is none. */
export type LoginSecret = { secret: string; devMode: DevMode } | { secret: undefined; devMode: DevMode | undefined };

/**
 * Reads the AppSecret partnerpay logs buyers in with (jscode2session): the binding's own for the
 * tenant's apps, the provider's sp_app_secret for a centralized binding. Read per call, never cached
 * in clear; a rotation takes effect at once.
 */
export class LoginSecrets {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly providers: ServiceProviderRepository,
    private readonly box: SecretBox,
  ) {}

  /** The provider's own mini-program AppSecret (sp_app_secret, for centralized bindings), or undefined. */
  async forProvider(spMchid: string): Promise<string | undefined> {
    const sp = await this.providers.find(spMchid);
    return sp?.spAppSecret ? this.box.open(sp.spAppSecret, spSecretPurpose(spMchid, 'sp_app_secret')) : undefined;
  }

  async forApp(tenantId: string, spMchid: string, appid: string): Promise<LoginSecret> {
    const binding = await this.tenants.findApp(tenantId, appid);
    if (!binding) return { secret: undefined, devMode: undefined };
    if (binding.devMode === 'centralized') {
      const sp = await this.providers.find(spMchid);
      if (!sp?.spAppSecret) return { secret: undefined, devMode: 'centralized' };
      return { secret: await this.box.open(sp.spAppSecret, spSecretPurpose(spMchid, 'sp_app_secret')), devMode: 'centralized' };
    }
    if (!binding.appSecret) return { secret: undefined, devMode: binding.devMode };
    return { secret: await this.box.open(binding.appSecret, appSecretPurpose(tenantId, appid)), devMode: binding.devMode };
  }
}
