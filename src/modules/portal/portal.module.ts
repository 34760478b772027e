import type { AppModule } from '../../platform/module';
import { PortalSessionEntity, TenantUserEntity } from './portal.entity';
import { PortalRepository } from './portal.repository';
import { PortalUsersService } from './portal-users.service';
import { portalUsersRouter } from './portal-users.routes';
import { portalSessionRouter } from './portal-session.routes';
import { portalPaymentsRouter } from './portal-payments.routes';
import { portalAccountRouter } from './portal-account.routes';
import { portalComplaintsRouter } from './portal-complaints.routes';
import { portalEventsRouter } from './portal-events.routes';
import { portalOwnerRouter } from './portal-owner.routes';

/**
 * The sub-merchant portal's back end: tenant users invited by operators, password (scrypt) and
 * optional TOTP sign-in with per-account lock-out, cookie sessions with CSRF tokens, and the
 * tenant-scoped API under /portal/v1 the portal pages read.
 */
export const portalModule: AppModule = {
  name: 'portal',
  entities: [TenantUserEntity, PortalSessionEntity],
  register(c) {
    c.registerSingleton(PortalRepository);
    c.registerSingleton(PortalUsersService);
  },
  routers: (c) => [
    portalUsersRouter(c),
    portalSessionRouter(c),
    portalPaymentsRouter(c),
    portalAccountRouter(c),
    portalComplaintsRouter(c),
    portalEventsRouter(c),
    portalOwnerRouter(c),
  ],
};
