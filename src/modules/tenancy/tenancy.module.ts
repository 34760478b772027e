import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Database } from '../common/db/database';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { Config } from '../config/schema';
import { AuditLog } from '../audit/audit-log';
import { DataKeyRepository } from '../secrets/data-key-repository';
import { SecretBox } from '../secrets/secret-box';
import { masterKeyring } from '../secrets/master-keys';
import type { SecondaryClearingGuard } from '../compliance/clearing-guard';
import { CachedCredentialsProvider } from './credentials-provider';
import { DbTenantDirectory } from './db-tenant-directory';
import { ServiceProvidersService } from './service-providers.service';
import { TenantsService } from './tenants.service';
import { TenantKeysService } from './tenant-keys.service';
import { LoginSecrets } from './login-secrets';
import { TenantRepository } from './tenant-repository';
import { TenantKeyRepository } from './tenant-key-repository';
import { ServiceProviderRepository } from './service-provider-repository';
import { serviceProvidersRouter } from './http/service-providers.routes';
import { tenantsRouter } from './http/tenants.routes';

const db = (d: DependencyContainer) => d.resolve<Database>(TOKENS.Db);
const clock = (d: DependencyContainer) => d.resolve<Clock>(TOKENS.Clock);
const guard = (d: DependencyContainer) => d.resolve<SecondaryClearingGuard>(TOKENS.ClearingGuard);

/**
 * Service providers, tenants, their AppIDs and keys, and the secrets envelope. Binds
 * TOKENS.Credentials (CachedCredentialsProvider) and TOKENS.Tenants (DbTenantDirectory).
 */
export const tenancyFeature: Feature = {
  name: 'tenancy',
  register(c) {
    c.registerSingleton(DataKeyRepository);
    c.registerSingleton(ServiceProviderRepository);
    c.registerSingleton(TenantRepository);
    c.registerSingleton(TenantKeyRepository);
    c.register(SecretBox, {
      useFactory: instanceCachingFactory((d) => {
        const s = d.resolve<Config>(TOKENS.Config).security;
        return new SecretBox(d.resolve(DataKeyRepository), masterKeyring(s.masterKey, s.previousMasterKeys), clock(d));
      }),
    });
    c.register(CachedCredentialsProvider, {
      useFactory: instanceCachingFactory((d) => new CachedCredentialsProvider(d.resolve(ServiceProviderRepository), d.resolve(SecretBox))),
    });
    c.register(TOKENS.Credentials, { useFactory: (d) => d.resolve(CachedCredentialsProvider) });
    c.register(DbTenantDirectory, {
      useFactory: instanceCachingFactory(
        (d) =>
          new DbTenantDirectory(
            d.resolve(TenantRepository),
            d.resolve(TenantKeyRepository),
            d.resolve(SecretBox),
            clock(d),
            d.resolve<Logger>(TOKENS.Logger),
          ),
      ),
    });
    c.register(TOKENS.Tenants, { useFactory: (d) => d.resolve(DbTenantDirectory) });
    c.register(ServiceProvidersService, {
      useFactory: instanceCachingFactory(
        (d) =>
          new ServiceProvidersService(
            db(d),
            d.resolve(ServiceProviderRepository),
            d.resolve(TenantRepository),
            clock(d),
            d.resolve(SecretBox),
            d.resolve(AuditLog),
            guard(d),
            d.resolve(CachedCredentialsProvider),
          ),
      ),
    });
    c.register(TenantsService, {
      useFactory: instanceCachingFactory(
        (d) =>
          new TenantsService(
            db(d),
            d.resolve(TenantRepository),
            d.resolve(TenantKeyRepository),
            d.resolve(ServiceProviderRepository),
            clock(d),
            d.resolve<Config>(TOKENS.Config),
            d.resolve(SecretBox),
            d.resolve(AuditLog),
            guard(d),
            d.resolve(DbTenantDirectory),
          ),
      ),
    });
    c.register(LoginSecrets, {
      useFactory: instanceCachingFactory(
        (d) => new LoginSecrets(d.resolve(TenantRepository), d.resolve(ServiceProviderRepository), d.resolve(SecretBox)),
      ),
    });
    c.register(TenantKeysService, {
      useFactory: instanceCachingFactory(
        (d) =>
          new TenantKeysService(
            db(d),
            d.resolve(TenantRepository),
            d.resolve(TenantKeyRepository),
            clock(d),
            d.resolve(SecretBox),
            d.resolve(AuditLog),
            d.resolve(DbTenantDirectory),
          ),
      ),
    });
  },
  routers: (c) => [serviceProvidersRouter(c), tenantsRouter(c)],
};
