import { instanceCachingFactory } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Orm } from '../common/db/orm';
import type { Clock } from '../common/clock';
import type { Config } from '../config/schema';
import { AuditLog } from '../audit/audit-log';
import { OperatorsService } from './operators.service';
import { operatorsRouter } from './operators.routes';

/** Operators of the admin API: the bootstrap token plus `op_...` tokens made through the API. */
export const operatorsFeature: Feature = {
  name: 'operators',
  register(c) {
    c.register(OperatorsService, {
      useFactory: instanceCachingFactory(
        (d) =>
          new OperatorsService(
            d.resolve<Orm>(TOKENS.Orm),
            d.resolve<Clock>(TOKENS.Clock),
            d.resolve(AuditLog),
            d.resolve<Config>(TOKENS.Config).security.adminToken,
          ),
      ),
    });
  },
  routers: (c) => [operatorsRouter(c)],
};
