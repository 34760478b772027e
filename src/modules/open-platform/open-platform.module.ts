import { instanceCachingFactory, instancePerContainerCachingFactory, type DependencyContainer } from 'tsyringe';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Config } from '../../platform/config/schema';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { Database } from '../../platform/db/database';
import type { LockService } from '../../platform/kv/kv';
import { SecretBox } from '../../platform/secrets/secret-box';
import { Metrics } from '../../platform/metrics/metrics';
import { wechatApiBaseUrl, wechatMpBaseUrl } from '../../platform/config/wechat-urls';
import { TenantsService } from '../tenancy';
import { AuditLog } from '../operators';
import { OpenPlatformAuthorizationEntity, OpenPlatformEntity, OpenPlatformLinkEntity } from './open-platform.entity';
import { OpenPlatformRepository } from './open-platform.repository';
import { AuthorizationRepository } from './authorization.repository';
import { ComponentApi } from './component-api';
import { ComponentTokens } from './component-token';
import { AuthorizationsService } from './authorizations.service';
import { OpenPlatformsService } from './open-platforms.service';
import { PushReceiver } from './push-receiver';
import { ComponentLogin } from './component-login';
import { openPlatformsRouter } from './open-platforms.routes';
import { openPlatformCallbacksRouter } from './open-platform-callbacks.routes';
import { openPlatformJobs } from './open-platform.jobs';

const config = (d: DependencyContainer) => d.resolve<Config>(TOKENS.Config);
const clock = (d: DependencyContainer) => d.resolve<Clock>(TOKENS.Clock);
const logger = (d: DependencyContainer) => d.resolve<Logger>(TOKENS.Logger).child({ component: 'open-platform' });
const metrics = (d: DependencyContainer) => (d.isRegistered(Metrics, true) ? d.resolve(Metrics) : undefined);

/**
 * Mini-programs built on the ISV's open platform (第三方平台): accounts, pushes, the shared
 * component_access_token, authorisations, and login for checkout (ComponentLogin). Comes after
 * tenancy, operators and events in src/app/modules.ts, before checkout.
 */
export const openPlatformModule: AppModule = {
  name: 'open-platform',
  entities: [OpenPlatformEntity, OpenPlatformAuthorizationEntity, OpenPlatformLinkEntity],
  register(c) {
    c.registerSingleton(OpenPlatformRepository);
    c.registerSingleton(AuthorizationRepository);
    c.register(ComponentApi, {
      useFactory: instancePerContainerCachingFactory(
        (d) => new ComponentApi({ ...config(d).wechatApi, baseUrl: wechatApiBaseUrl(config(d)) }, logger(d)),
      ),
    });
    c.register(ComponentTokens, {
      useFactory: instanceCachingFactory(
        (d) =>
          new ComponentTokens(
            d.resolve(OpenPlatformRepository),
            d.resolve(ComponentApi),
            d.resolve(SecretBox),
            d.resolve<LockService>(TOKENS.Locks),
            clock(d),
            logger(d),
            metrics(d),
          ),
      ),
    });
    c.register(AuthorizationsService, {
      useFactory: instanceCachingFactory(
        (d) =>
          new AuthorizationsService(
            d.resolve<Database>(TOKENS.Db),
            d.resolve(AuthorizationRepository),
            d.resolve(OpenPlatformRepository),
            d.resolve(ComponentTokens),
            d.resolve(ComponentApi),
            d.resolve(SecretBox),
            d.resolve<LockService>(TOKENS.Locks),
            d.resolve(TenantsService),
            d.resolve(AuditLog),
            clock(d),
            logger(d),
            { publicBaseUrl: config(d).server.publicBaseUrl, mpBaseUrl: wechatMpBaseUrl(config(d)) },
          ),
      ),
    });
    c.register(OpenPlatformsService, {
      useFactory: instanceCachingFactory(
        (d) =>
          new OpenPlatformsService(
            d.resolve<Database>(TOKENS.Db),
            d.resolve(OpenPlatformRepository),
            d.resolve(ComponentTokens),
            d.resolve(SecretBox),
            d.resolve(AuditLog),
            clock(d),
            config(d).server.publicBaseUrl,
          ),
      ),
    });
    c.register(PushReceiver, {
      useFactory: instanceCachingFactory(
        (d) =>
          new PushReceiver(
            d.resolve(OpenPlatformRepository),
            d.resolve(AuthorizationsService),
            d.resolve(SecretBox),
            clock(d),
            logger(d),
            metrics(d),
          ),
      ),
    });
    c.register(ComponentLogin, {
      useFactory: instanceCachingFactory(
        (d) => new ComponentLogin(d.resolve(AuthorizationRepository), d.resolve(ComponentTokens), d.resolve(ComponentApi)),
      ),
    });
  },
  routers: (c) => [openPlatformsRouter(c), openPlatformCallbacksRouter(c)],
  jobs: (c) =>
    openPlatformJobs({
      accounts: c.resolve(OpenPlatformRepository),
      authorizations: c.resolve(AuthorizationRepository),
      tokens: c.resolve(ComponentTokens),
      clock: clock(c),
      logger: logger(c),
    }),
  async onStart(c) {
    const m = metrics(c);
    const repo = c.resolve(OpenPlatformRepository);
    // Read on scrape: a handful of rows (an ISV has one or a few open platforms).
    m?.setOpenPlatformSource(async () => {
      const now = clock(c).now();
      return (await repo.all()).map((r) => ({
        componentAppid: r.componentAppid,
        ticketAgeSeconds: Math.max(0, (now - (r.ticketReceivedAt ?? r.createdAt)) / 1000),
        tokenExpiresInSeconds: r.accessTokenExpiresAt == null ? null : (r.accessTokenExpiresAt - now) / 1000,
      }));
    });
  },
  async onStop(c) {
    await c.resolve(ComponentApi).close();
  },
};
