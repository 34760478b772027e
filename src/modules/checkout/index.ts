/** Checkout's public face. */
export { checkoutModule } from './checkout.module';
