import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Config } from '../../platform/config/schema';
import type { Logger } from '../../platform/logging/logger';
import { actOnEach, followUpJob } from '../../platform/jobs/follow-up';
import { CombinedOrderRepository } from './combined-order.repository';
import { CombinedOrderEntity, PlatformKeyEntity } from './combined-order.entity';
import { PlatformKeyRepository } from './platform-key.repository';
import { PlatformKeysService } from './platform-keys.service';
import { CombinedOrdersService } from './combined-orders.service';
import { CombineNotificationInbox } from './combine-notifications';
import { combineNotifyRouter, combinedOrdersRouter, platformKeysRouter } from './combined-orders.routes';

/**
 * Combined orders (合单) across sub-merchants: platform keys (per service provider), /platform/v1
 * combined orders placed upstream as one combine order, and WeChat Pay's one combine notification.
 * Each sub-order is an ordinary order of payments, which applies every state change to it. Its job
 * closes expired unpaid combined orders (at WeChat Pay, then locally).
 */
export const combinedOrdersModule: AppModule = {
  name: 'combined-orders',
  entities: [PlatformKeyEntity, CombinedOrderEntity],
  register(c) {
    c.registerSingleton(PlatformKeyRepository);
    c.registerSingleton(CombinedOrderRepository);
    c.registerSingleton(PlatformKeysService);
    c.registerSingleton(CombinedOrdersService);
    c.registerSingleton(CombineNotificationInbox);
  },
  routers: (c) => [platformKeysRouter(c), combinedOrdersRouter(c), combineNotifyRouter(c)],
  jobs: (c) => {
    const service = c.resolve(CombinedOrdersService);
    const logger = c.resolve<Logger>(TOKENS.Logger);
    // Every node runs it: only the one whose claim lands closes a given combined order.
    return [
      followUpJob('combined-orders.auto-close', c.resolve<Config>(TOKENS.Config).jobs.intervalMs, async () =>
        actOnEach(await service.claimExpired(), (head) => service.closeIfUnpaid(head), {
          logger,
          what: 'closing an expired combined order',
          idOf: (head) => ({ sp_mchid: head.spMchid, combine_out_trade_no: head.combineOutTradeNo }),
        }),
      ),
    ];
  },
};
