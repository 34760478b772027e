import type { AppModule } from '../../platform/module';
import type { Config } from '../../platform/config/schema';
import { TOKENS } from '../../platform/tokens';
import { ReconciliationRepository } from './reconciliation.repository';
import { BillFileEntity, BillRowEntity, DiscrepancyEntity, ReconciliationEntity } from './bills.entity';
import { ReconciliationService } from './reconciliation.service';
import { adminBillsRouter } from './bills.routes';
import { tenantBillsRouter } from './tenant-bills.routes';

/** Bills and reconciliation: the daily run per provider, operators' and tenants' views, fund-flow bills. */
export const billsModule: AppModule = {
  name: 'bills',
  entities: [ReconciliationEntity, BillRowEntity, DiscrepancyEntity, BillFileEntity],
  register(c) {
    c.registerSingleton(ReconciliationRepository);
    c.registerSingleton(ReconciliationService);
  },
  routers: (c) => [adminBillsRouter(c), tenantBillsRouter(c)],
  jobs: (c) => {
    const service = c.resolve(ReconciliationService);
    return [
      {
        name: 'bills.daily',
        intervalMs: Math.max(c.resolve<Config>(TOKENS.Config).jobs.intervalMs, 30_000),
        async run() {
          await service.ensureDaily();
          await service.processDue();
          await service.purgeStaged();
        },
      },
    ];
  },
};
