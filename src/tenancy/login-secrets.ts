import type { Orm } from '../common/db/orm';
import type { SecretBox } from '../secrets/secret-box';
import type { DevMode } from './tenant-directory';
import { spSecretPurpose } from './credentials-provider';
import { AppBindingSchema, ServiceProviderSchema } from './tenancy.entities';

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
    private readonly orm: Orm,
    private readonly box: SecretBox,
  ) {}

  async forApp(tenantId: string, spMchid: string, appid: string): Promise<LoginSecret> {
    const em = this.orm.em.fork();
    const binding = await em.findOne(AppBindingSchema, { tenant_id: tenantId, appid });
    if (!binding) return { secret: undefined, devMode: undefined };
    if (binding.dev_mode === 'centralized') {
      const sp = await em.findOne(ServiceProviderSchema, { sp_mchid: spMchid }, { fields: ['sp_app_secret'] });
      if (!sp?.sp_app_secret) return { secret: undefined, devMode: 'centralized' };
      return { secret: await this.box.open(sp.sp_app_secret, spSecretPurpose(spMchid, 'sp_app_secret')), devMode: 'centralized' };
    }
    if (!binding.app_secret) return { secret: undefined, devMode: binding.dev_mode };
    return { secret: await this.box.open(binding.app_secret, appSecretPurpose(tenantId, appid)), devMode: binding.dev_mode };
  }
}
