import { instanceCachingFactory } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Clock } from '../common/clock';
import { AuditLog } from './audit-log';
import { AuditRepository } from './audit-repository';
import { auditRouter } from './audit.routes';

/** The append-only audit log (AuditLog, bound by its class) and GET /admin/v1/audit-log. */
export const auditFeature: Feature = {
  name: 'audit',
  register(c) {
    c.registerSingleton(AuditRepository);
    c.register(AuditLog, {
      useFactory: instanceCachingFactory((d) => new AuditLog(d.resolve(AuditRepository), d.resolve<Clock>(TOKENS.Clock))),
    });
  },
  routers: (c) => [auditRouter(c)],
};
