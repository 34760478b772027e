import { instanceCachingFactory } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import { TenantRepository } from '../tenancy/tenant-repository';
import { ServiceProviderRepository } from '../tenancy/service-provider-repository';
import type { CredentialsProvider } from '../wxpay/credentials';
import { SecondaryClearingGuard } from './clearing-guard';
import { complianceRouter } from './compliance.routes';

/** The 二清 guard (TOKENS.ClearingGuard) and its admin explanations. */
export const complianceFeature: Feature = {
  name: 'compliance',
  register(c) {
    c.register(TOKENS.ClearingGuard, {
      useFactory: instanceCachingFactory(
        (d) =>
          new SecondaryClearingGuard(
            d.resolve(TenantRepository),
            d.resolve(ServiceProviderRepository),
            d.resolve<CredentialsProvider>(TOKENS.Credentials),
          ),
      ),
    });
  },
  routers: (c) => [complianceRouter(c)],
};
