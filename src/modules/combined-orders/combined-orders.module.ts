import type { AppModule } from '../../platform/module';
import { CombinedOrderEntity, PlatformKeyEntity } from './combined-order.entity';
import { PlatformKeyRepository } from './platform-key.repository';
import { PlatformKeysService } from './platform-keys.service';
import { CombinedOrdersService } from './combined-orders.service';
import { CombineNotificationInbox } from './combine-notifications';
import { combineNotifyRouter, combinedOrdersRouter, platformKeysRouter } from './combined-orders.routes';

/**
 * Combined orders (合单) across sub-merchants: platform keys (per service provider), /platform/v1
 * combined orders placed upstream as one combine order, and WeChat Pay's one combine notification.
 * Each sub-order is an ordinary order of payments, which applies every state change to it.
 */
export const combinedOrdersModule: AppModule = {
  name: 'combined-orders',
  entities: [PlatformKeyEntity, CombinedOrderEntity],
  register(c) {
    c.registerSingleton(PlatformKeyRepository);
    c.registerSingleton(PlatformKeysService);
    c.registerSingleton(CombinedOrdersService);
    c.registerSingleton(CombineNotificationInbox);
  },
  routers: (c) => [platformKeysRouter(c), combinedOrdersRouter(c), combineNotifyRouter(c)],
};
