import { instanceCachingFactory } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Clock } from '../common/clock';
import type { Config } from '../config/schema';
import type { Logger } from '../common/logger';
import { OrderService } from '../orders/order-service';
import { RefundService } from './refund-service';
import { refundsRouter } from './refunds.routes';
import { refundNotificationHandler } from './refund-notifications';
import { RefundRepository } from './refund-repository';

/** Refunds: tenant API, operator listing, REFUND.* notifications, and a reconciler for refunds still PROCESSING. */
export const refundsFeature: Feature = {
  name: 'refunds',
  register(c) {
    c.registerSingleton(RefundRepository);
    c.registerSingleton(RefundService);
    c.register(TOKENS.NotificationHandler, {
      useFactory: instanceCachingFactory((cc) => refundNotificationHandler(cc.resolve(RefundRepository), cc.resolve(RefundService))),
    });
  },
  routers: (c) => [refundsRouter(c)],
  jobs: (c) => {
    const repo = c.resolve(RefundRepository);
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
          for (const refund of await repo.findProcessingDue(now - quiet, now - quiet, 50)) {
            try {
              // Every node runs this job: only the one whose claim lands asks WeChat Pay (and resubmits, if need be).
              if (!(await repo.claimForReconcile(refund, clock.now()))) continue;
              await refunds.sync(await orders.provider(refund.spMchid), refund);
            } catch (err) {
              logger.warn({ err, refund_id: refund.id }, 'reconciling a refund failed; retried on a later run');
            }
          }
        },
      },
    ];
  },
};
