import { instanceCachingFactory } from 'tsyringe';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import { AuditLogEntity } from './audit.entity';
import { AuditLog } from './audit-log';
import { AuditRepository } from './audit.repository';
import { auditRouter } from './audit.routes';
import { OperatorEntity } from './operator.entity';
import { OperatorsService } from './operators.service';
import { OperatorRepository } from './operator.repository';
import { operatorsRouter } from './operators.routes';

/**
 * Operators of the admin API (the bootstrap token plus `op_...` tokens made through the API) and
 * the append-only audit log of what they did (AuditLog, bound by its class; GET /admin/v1/audit-log).
 */
export const operatorsModule: AppModule = {
  name: 'operators',
  entities: [OperatorEntity, AuditLogEntity],
  register(c) {
    c.registerSingleton(AuditRepository);
    c.register(AuditLog, {
      useFactory: instanceCachingFactory((d) => new AuditLog(d.resolve(AuditRepository), d.resolve<Clock>(TOKENS.Clock))),
    });
    c.registerSingleton(OperatorRepository);
    c.register(OperatorsService, {
      useFactory: instanceCachingFactory(
        (d) =>
          new OperatorsService(
            d.resolve(OperatorRepository),
            d.resolve<Database>(TOKENS.Db),
            d.resolve<Clock>(TOKENS.Clock),
            d.resolve(AuditLog),
            d.resolve<Config>(TOKENS.Config).security.adminToken,
          ),
      ),
    });
  },
  routers: (c) => [auditRouter(c), operatorsRouter(c)],
};
