import { instanceCachingFactory } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Database } from '../common/db/database';
import type { Clock } from '../common/clock';
import type { Config } from '../config/schema';
import { AuditLog } from '../audit/audit-log';
import { OperatorsService } from './operators.service';
import { OperatorRepository } from './operator-repository';
import { operatorsRouter } from './operators.routes';

/** Operators of the admin API: the bootstrap token plus `op_...` tokens made through the API. */
export const operatorsFeature: Feature = {
  name: 'operators',
  register(c) {
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
  routers: (c) => [operatorsRouter(c)],
};
