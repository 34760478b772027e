import { instanceCachingFactory } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import { NotificationGate } from './notification-gate';
import { NotificationRepository } from './notification-repository';
import type { NotificationHandler } from './notification-handler';
import { notifyRouter, adminNotificationsRouter } from './notifications.routes';
import { notificationRetentionJob } from './notification-retention';
import type { Config } from '../config/schema';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { Metrics } from '../observability/metrics';

/**
 * Inbound WeChat Pay notifications. Features that own a kind (orders: transactions; refunds:
 * refunds) register a NotificationHandler under TOKENS.NotificationHandler; this feature must come
 * after them in FEATURES.
 */
export const notificationsFeature: Feature = {
  name: 'notifications',
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
