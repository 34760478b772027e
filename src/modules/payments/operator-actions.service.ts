import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import type { Database } from '../../platform/db/database';
import { AuditLog, type WriteContext } from '../operators';
import type { TenantDirectory, TenantView } from '../tenancy';
import type { PaymentOrderRow } from './order.entity';
import { OrderService } from './order.service';
import { RefundService } from './refund.service';
import type { RefundRow } from './refund.entity';
import { refundView } from './refund.view';

/** What an operator sends to refund an order: the tenant's refund body without the order's keys. */
export interface OperatorRefundInput {
  out_refund_no: string;
  amount: { refund: number; currency: 'CNY' };
  reason?: string;
}

/** An operator acting on a payment: who, for the audit log. */
export interface OperatorActor extends WriteContext {
  name: string;
}

/**
 * Operators closing and refunding any tenant's orders (POST /admin/v1/orders/{id}/close|refunds).
 * They go through the very services the tenant's own calls use, so the same rules hold (refundable
 * remainder, a year's window, ORDER_PAID, out_refund_no reuse); the audit entry names the operator.
 * The entry is written after the action, in its own transaction: the action itself spans a WeChat Pay
 * call and cannot share one. Only a change is audited: a repeated close or refund changes nothing.
 */
@injectable()
export class OperatorPaymentActions {
  constructor(
    @inject(OrderService) private readonly orders: OrderService,
    @inject(RefundService) private readonly refunds: RefundService,
    @inject(TOKENS.Tenants) private readonly tenants: TenantDirectory,
    @inject(AuditLog) private readonly audit: AuditLog,
    @inject(TOKENS.Db) private readonly db: Database,
  ) {}

  /** Closes an unpaid order of any tenant; a closed order answers as is, a paid one 409 ORDER_PAID. */
  async close(orderId: string, who: OperatorActor): Promise<PaymentOrderRow> {
    const { order, tenant } = await this.orderAndTenant(orderId);
    const closed = await this.orders.close(tenant, order.outTradeNo);
    if (order.tradeState === 'NOTPAY' && closed.tradeState === 'CLOSED')
      await this.db.tx((em) =>
        this.audit.record(em, who, {
          action: 'order.close',
          target: `order:${order.id}`,
          before: { trade_state: order.tradeState },
          after: { operator: who.name, tenant_id: tenant.id, out_trade_no: order.outTradeNo, trade_state: closed.tradeState },
        }),
      );
    return closed;
  }

  /** Refunds (part of) a paid order of any tenant; the same out_refund_no and body answers the same refund. */
  async refund(orderId: string, input: OperatorRefundInput, who: OperatorActor): Promise<{ created: boolean; refund: RefundRow }> {
    const { order, tenant } = await this.orderAndTenant(orderId);
    const out = await this.refunds.create(tenant, { ...input, out_trade_no: order.outTradeNo });
    if (out.created)
      await this.db.tx((em) =>
        this.audit.record(em, who, {
          action: 'order.refund',
          target: `order:${order.id}`,
          after: { operator: who.name, tenant_id: tenant.id, ...refundView(out.refund) },
        }),
      );
    return out;
  }

  private async orderAndTenant(orderId: string): Promise<{ order: PaymentOrderRow; tenant: TenantView }> {
    const order = await this.orders.byId(orderId);
    const tenant = await this.tenants.byId(order.tenantId);
    if (!tenant) throw AppError.notFound(`order ${orderId}`);
    return { order, tenant };
  }
}
