import { instanceCachingFactory } from 'tsyringe';
import type { WxpayClient } from '@partnerpay/wxpay';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import type { Logger } from '../../platform/logging/logger';
import { ProviderCredentials } from '../tenancy';
import { PaymentOrderEntity } from './order.entity';
import { RefundEntity } from './refund.entity';
import { OrderService } from './order.service';
import { OrderRepository } from './order.repository';
import { FundsLedger } from './funds';
import { transactionNotificationHandler } from './transaction-notifications';
import { ordersRouter } from './orders.routes';
import { adminOrdersRouter } from './admin-orders.routes';
import { orderReconcilerJob } from './order.jobs';
import { MicropayService } from './micropay.service';
import { micropayFollowJob } from './micropay.jobs';
import { RefundService } from './refund.service';
import { RefundRepository } from './refund.repository';
import { refundsRouter } from './refunds.routes';
import { refundNotificationHandler } from './refund-notifications';

/**
 * Payments: orders (the tenant API, the operator listing, the reconciler and auto-close), refunds
 * (tenant API, operator listing, REFUND.* notifications, a reconciler for refunds still PROCESSING)
 * and the funds ledger both they and profit sharing ask what is left on a payment.
 */
export const paymentsModule: AppModule = {
  name: 'payments',
  entities: [PaymentOrderEntity, RefundEntity],
  register(c) {
    c.registerSingleton(OrderRepository);
    c.registerSingleton(FundsLedger);
    c.registerSingleton(OrderService);
    c.registerSingleton(MicropayService);
    c.register(TOKENS.NotificationHandler, {
      useFactory: instanceCachingFactory((cc) =>
        transactionNotificationHandler(cc.resolve(OrderRepository), cc.resolve(OrderService), cc.resolve<WxpayClient>(TOKENS.Wxpay)),
      ),
    });
    c.registerSingleton(RefundRepository);
    c.registerSingleton(RefundService);
    c.register(TOKENS.NotificationHandler, {
      useFactory: instanceCachingFactory((cc) => refundNotificationHandler(cc.resolve(RefundRepository), cc.resolve(RefundService))),
    });
  },
  routers: (c) => [ordersRouter(c), adminOrdersRouter(c), refundsRouter(c)],
  jobs: (c) => {
    const config = c.resolve<Config>(TOKENS.Config);
    const clock = c.resolve<Clock>(TOKENS.Clock);
    const logger = c.resolve<Logger>(TOKENS.Logger);
    const providers = c.resolve(ProviderCredentials);
    const repo = c.resolve(RefundRepository);
    const refunds = c.resolve(RefundService);
    return [
      orderReconcilerJob(c.resolve(OrderRepository), c.resolve(OrderService), providers, config, clock, logger),
      micropayFollowJob(c.resolve(OrderRepository), c.resolve(MicropayService), config, clock, logger),
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
              await refunds.sync(await providers.require(refund.spMchid), refund);
            } catch (err) {
              logger.warn({ err, refund_id: refund.id }, 'reconciling a refund failed; retried on a later run');
            }
          }
        },
      },
    ];
  },
};
