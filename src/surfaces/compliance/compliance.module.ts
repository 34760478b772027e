import type { AppModule } from '../../platform/module';
import { complianceRouter } from './compliance.routes';

/**
 * The 二清 explanations for operators: the rules (tenancy's guard) with each tenant's splits
 * against its cap (profit sharing), so neither module has to know the other.
 */
export const complianceModule: AppModule = {
  name: 'compliance',
  routers: (c) => [complianceRouter(c)],
};
