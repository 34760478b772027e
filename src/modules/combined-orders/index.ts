/** Combined orders' public face: the module (platform keys, /platform/v1 combined orders, the combine notification). */
export { combinedOrdersModule } from './combined-orders.module';
