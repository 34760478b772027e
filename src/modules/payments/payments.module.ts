import { instanceCachingFactory } from 'tsyringe';
import type { WxpayClient } from '@partnerpay/wxpay';
import { actOnEach, followUpJob } from '../../platform/jobs/follow-up';
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
import { MicropayFollower, micropayFollowJob } from './micropay.follower';
import { RefundService } from './refund.service';
import { RefundRepository } from './refund.repository';
import { refundsRouter } from './refunds.routes';
import { refundNotificationHandler } from './refund-notifications';
import { OperatorPaymentActions } from './operator-actions.service';
import { operatorActionsRouter } from './operator-actions.routes';

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
    c.registerSingleton(MicropayFollower);
    c.register(TOKENS.NotificationHandler, {
      useFactory: instanceCachingFactory((cc) =>
        transactionNotificationHandler(cc.resolve(OrderRepository), cc.resolve(OrderService), cc.resolve<WxpayClient>(TOKENS.Wxpay)),
      ),
    });
    c.registerSingleton(RefundRepository);
    c.registerSingleton(RefundService);
    c.registerSingleton(OperatorPaymentActions);
    c.register(TOKENS.NotificationHandler, {
      useFactory: instanceCachingFactory((cc) => refundNotificationHandler(cc.resolve(RefundRepository), cc.resolve(RefundService))),
    });
  },
  routers: (c) => [ordersRouter(c), adminOrdersRouter(c), refundsRouter(c), operatorActionsRouter(c)],
  jobs: (c) => {
    const config = c.resolve<Config>(TOKENS.Config);
    const clock = c.resolve<Clock>(TOKENS.Clock);
    const logger = c.resolve<Logger>(TOKENS.Logger);
    const providers = c.resolve(ProviderCredentials);
    const repo = c.resolve(RefundRepository);
    const refunds = c.resolve(RefundService);
    return [
      orderReconcilerJob(c.resolve(OrderRepository), c.resolve(OrderService), providers, config, clock, logger),
      followUpJob('refunds.reconcile', config.jobs.intervalMs, async () => {
        const quiet = config.orders.reconcileAfterSeconds * 1000;
        // Every node runs this job: only the one whose claim lands asks WeChat Pay (and resubmits, if need be).
        const due = await repo.claimProcessingDue(clock.now(), quiet, 50);
        await actOnEach(due, async (refund) => refunds.sync(await providers.require(refund.spMchid), refund), {
          logger,
          what: 'reconciling a refund',
          idOf: (refund) => ({ refund_id: refund.id }),
        });
      }),
      micropayFollowJob(c.resolve(MicropayFollower), config),
    ];
  },
};
