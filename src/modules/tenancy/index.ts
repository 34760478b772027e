/** Tenancy's public face: service providers, tenants, their keys, the tenant directory and the 二清 guard. */
export { tenancyModule } from './tenancy.module';
export { ProviderCredentials } from './provider-credentials.service';
export { TenantsService } from './tenants.service';
export { TenantKeysService } from './tenant-keys.service';
export { secretKeySchema, webhookRotateBody, webhookSecretSchema } from './tenant-keys.schemas';
export { ServiceProvidersService } from './service-providers.service';
export { LoginSecrets } from './login-secrets';
export { TenancyEvents, type TenancyChange, type TenancyListener } from './tenancy-events';
export { assertAppAuthorized } from './app-authorization';
export { syncTenants, TenantsSyncError, type SyncResult } from './tenants-sync';
export { tenantAuth, tenantOf } from './tenant-auth';
export type { AppBinding, TenantDirectory, TenantView } from './tenant-directory';
export type { TenantJson } from './tenant.view';
export { mchid, tenantCreateBody, tenantId, webhookUrl, type Receiver } from './tenancy.schemas';
export { TENANT } from './tenancy.entity';
export { SecondaryClearingGuard, refuse } from './clearing-guard';
export { complianceCatalogue } from './clearing-rules';
export { checkSettlementOwner, sameSubject, type SettlementAccount, type SettlementSubject } from './settlement-owner';
