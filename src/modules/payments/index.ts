/** Payments' public face: orders, refunds and the funds ledger (what is left on a payment). */
export { paymentsModule } from './payments.module';
export type { PaymentOrderRow } from './order.entity';
export { OrderService } from './order.service';
export { OrderRepository } from './order.repository';
export { RefundService } from './refund.service';
export { RefundRepository } from './refund.repository';
export { FundsLedger, type Funds } from './funds';
export { CLIENT_SECRET, ClientSecrets } from './client-secret';
export { appPayReq, paymentParams, type PaymentParams } from './payment-params';
export { OUT_TRADE_NO } from './order.input';
export { orderView } from './order.view';
export { refundView } from './refund.view';
export { createRefundBody } from './refund.input';
export { orderSchema, modePaymentSchema, PAYMENT_WEBHOOKS, refundSchema, orderAnswer, refundAnswer, pageOf } from './payments.schemas';
