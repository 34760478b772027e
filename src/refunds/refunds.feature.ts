import { instanceCachingFactory } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Clock } from '../common/clock';
import type { Config } from '../config/schema';
import type { Logger } from '../common/logger';
import type { Orm } from '../common/db/orm';
import { reader } from '../common/db/sql';
import { OrderService } from '../orders/order-service';
import { RefundService } from './refund-service';
import { refundsRouter } from './refunds.routes';
import { refundNotificationHandler } from './refund-notifications';
import { findProcessingDue } from './refund-repository';

/** Refunds: tenant API, operator listing, REFUND.* notifications, and a reconciler for refunds still PROCESSING. */
export const refundsFeature: Feature = {
  name: 'refunds',
  register(c) {
    c.registerSingleton(RefundService);
    c.register(TOKENS.NotificationHandler, {
      useFactory: instanceCachingFactory((cc) => refundNotificationHandler(cc.resolve<Orm>(TOKENS.Orm), cc.resolve(RefundService))),
    });
  },
  routers: (c) => [refundsRouter(c)],
  jobs: (c) => {
    const orm = c.resolve<Orm>(TOKENS.Orm);
    const refunds = c.resolve(RefundService);
    const orders = c.resolve(OrderService);
    const config = c.resolve<Config>(TOKENS.Config);
    const clock = c.resolve<Clock>(TOKENS.Clock);
    const logger = c.resolve<Logger>(TOKENS.Logger);
    return [
      {
        name: 'refunds.reconcile',
        intervalMs: config.jobs.intervalMs,
        async run() {
          const now = clock.now();
          const quiet = config.orders.reconcileAfterSeconds * 1000;
          for (const refund of await findProcessingDue(reader(orm), now - quiet, now - quiet, 50)) {
            try {
              await refunds.sync(await orders.provider(refund.sp_mchid), refund);
            } catch (err) {
              logger.warn({ err, refund_id: refund.id }, 'reconciling a refund failed; retried on a later run');
            }
          }
        },
      },
    ];
  },
};
