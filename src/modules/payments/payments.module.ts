import { instanceCachingFactory } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Clock } from '../common/clock';
import type { Config } from '../config/schema';
import type { Logger } from '../common/logger';
import type { LockService } from '../common/kv/kv';
import { IdempotencyService } from '../idempotency/idempotency';
import { IdempotencyRepository } from '../idempotency/idempotency-repository';
import { OrderService } from './order-service';
import { OrderRepository } from './order-repository';
import { transactionNotificationHandler } from './transaction-notifications';
import type { WxpayClient } from '../wxpay/client-port';
import { ordersRouter } from './orders.routes';
import { adminOrdersRouter } from './admin-orders.routes';
import { idempotencyPurgeJob, orderReconcilerJob } from './order-jobs';

/** Orders: the tenant API, the operator listing, the reconciler and auto-close. */
export const ordersFeature: Feature = {
  name: 'orders',
  register(c) {
    c.registerSingleton(IdempotencyRepository);
    c.register(TOKENS.Idempotency, {
      useFactory: instanceCachingFactory(
        (cc) =>
          new IdempotencyService(cc.resolve(IdempotencyRepository), cc.resolve<LockService>(TOKENS.Locks), cc.resolve<Clock>(TOKENS.Clock)),
      ),
    });
    c.registerSingleton(OrderRepository);
    c.registerSingleton(OrderService);
    c.register(TOKENS.NotificationHandler, {
      useFactory: instanceCachingFactory((cc) =>
        transactionNotificationHandler(cc.resolve(OrderRepository), cc.resolve(OrderService), cc.resolve<WxpayClient>(TOKENS.Wxpay)),
      ),
    });
  },
  routers: (c) => [ordersRouter(c), adminOrdersRouter(c)],
  jobs: (c) => [
    orderReconcilerJob(
      c.resolve(OrderRepository),
      c.resolve(OrderService),
      c.resolve<Config>(TOKENS.Config),
      c.resolve<Clock>(TOKENS.Clock),
      c.resolve<Logger>(TOKENS.Logger),
    ),
    idempotencyPurgeJob(c.resolve<IdempotencyService>(TOKENS.Idempotency)),
  ],
};
