import { instanceCachingFactory } from 'tsyringe';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import { NotificationGate } from './notification-gate';
import { NotificationRepository } from './notification.repository';
import { SpNotificationReader } from './sp-notification-reader';
import { NotificationEntity } from './notification.entity';
import type { NotificationHandler } from './notification-handler';
import { notifyRouter, adminNotificationsRouter } from './notifications.routes';
import { notificationRetentionJob } from './notification-retention';
import type { Config } from '../../platform/config/schema';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import { Metrics } from '../../platform/metrics/metrics';

/**
 * Inbound WeChat Pay notifications. Modules that own a kind (payments: transactions and refunds)
 * register a NotificationHandler under TOKENS.NotificationHandler; this module must come after
 * them in src/app/modules.ts.
 */
export const notificationsModule: AppModule = {
  name: 'notifications',
  entities: [NotificationEntity],
  register(c) {
    c.registerSingleton(NotificationRepository);
    c.register(TOKENS.NotificationGate, {
      useFactory: instanceCachingFactory(
        (cc) =>
          new NotificationGate(
            cc.resolve(NotificationRepository),
            cc.resolve(TOKENS.Tenants),
            cc.resolve(TOKENS.Credentials),
            cc.resolve(TOKENS.PlatformKeys),
            cc.resolve(TOKENS.Kv),
            cc.resolve(TOKENS.Clock),
            cc.resolve(TOKENS.Logger),
            cc.isRegistered(TOKENS.NotificationHandler, true) ? cc.resolveAll<NotificationHandler>(TOKENS.NotificationHandler) : [],
            cc.isRegistered(Metrics, true) ? cc.resolve(Metrics) : undefined,
            {
              limiter: cc.resolve(TOKENS.RateLimiter),
              perMinute: cc.resolve<Config>(TOKENS.Config).notifications.refusedSamplesPerMinute,
            },
          ),
      ),
    });
    c.register(SpNotificationReader, {
      useFactory: instanceCachingFactory(
        (cc) =>
          new SpNotificationReader(
            cc.resolve(NotificationRepository),
            cc.resolve(TOKENS.Credentials),
            cc.resolve(TOKENS.PlatformKeys),
            cc.resolve(TOKENS.Clock),
            cc.resolve(TOKENS.Logger),
            cc.isRegistered(Metrics, true) ? cc.resolve(Metrics) : undefined,
            {
              limiter: cc.resolve(TOKENS.RateLimiter),
              perMinute: cc.resolve<Config>(TOKENS.Config).notifications.refusedSamplesPerMinute,
            },
          ),
      ),
    });
  },
  routers: (c) => [notifyRouter(c), adminNotificationsRouter(c)],
  jobs: (c) => [
    notificationRetentionJob(
      c.resolve(NotificationRepository),
      c.resolve<Config>(TOKENS.Config).notifications.retentionDays,
      c.resolve<Clock>(TOKENS.Clock),
      c.resolve<Logger>(TOKENS.Logger),
    ),
  ],
};
