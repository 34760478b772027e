import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { Config } from '../../platform/config/schema';
import { AuditLog } from '../operators';
import { SecretBox } from '../../platform/secrets/secret-box';
import { SecondaryClearingGuard } from './clearing-guard';
import { AppBindingEntity, ServiceProviderEntity, TenantEntity, TenantSecretKeyEntity, WebhookSecretEntity } from './tenancy.entity';
import { ProviderCredentials } from './provider-credentials.service';
import { CachedCredentialsProvider } from './credentials-provider';
import { DbTenantDirectory } from './db-tenant-directory';
import { ServiceProvidersService } from './service-providers.service';
import { TenantsService } from './tenants.service';
import { TenantKeysService } from './tenant-keys.service';
import { LoginSecrets } from './login-secrets';
import { TenancyEvents } from './tenancy-events';
import { TenantRepository } from './tenant.repository';
import { TenantKeyRepository } from './tenant-key.repository';
import { ServiceProviderRepository } from './service-provider.repository';
import { serviceProvidersRouter } from './service-providers.routes';
import { tenantsRouter } from './tenants.routes';

const db = (d: DependencyContainer) => d.resolve<Database>(TOKENS.Db);
const clock = (d: DependencyContainer) => d.resolve<Clock>(TOKENS.Clock);
const guard = (d: DependencyContainer) => d.resolve<SecondaryClearingGuard>(TOKENS.ClearingGuard);

/**
 * Service providers, tenants, their AppIDs and keys, and the secrets envelope. Binds
 * TOKENS.Credentials (CachedCredentialsProvider) and TOKENS.Tenants (DbTenantDirectory).
 */
export const tenancyModule: AppModule = {
  name: 'tenancy',
  entities: [ServiceProviderEntity, TenantEntity, AppBindingEntity, TenantSecretKeyEntity, WebhookSecretEntity],
  register(c) {
    c.registerSingleton(ServiceProviderRepository);
    c.registerSingleton(TenantRepository);
    c.registerSingleton(TenantKeyRepository);
    c.register(CachedCredentialsProvider, {
      useFactory: instanceCachingFactory((d) => new CachedCredentialsProvider(d.resolve(ServiceProviderRepository), d.resolve(SecretBox))),
    });
    c.register(TOKENS.Credentials, { useFactory: (d) => d.resolve(CachedCredentialsProvider) });
    c.registerSingleton(ProviderCredentials);
    c.register(TenancyEvents, { useFactory: instanceCachingFactory((d) => new TenancyEvents(d.resolve<Logger>(TOKENS.Logger))) });
    // The 二清 guard: tenancy and the modules above it ask it before anything that could move money the wrong way.
    c.register(TOKENS.ClearingGuard, {
      useFactory: instanceCachingFactory(
        (d) => new SecondaryClearingGuard(d.resolve(TenantRepository), d.resolve(ServiceProviderRepository), d.resolve(TOKENS.Credentials)),
      ),
    });
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
            d.resolve(TenancyEvents),
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
            d.resolve(TenancyEvents),
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
