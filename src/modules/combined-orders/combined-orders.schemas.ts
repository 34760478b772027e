import { z } from 'zod';
import { modePaymentSchema, orderSchema } from '../payments';

const time = z.string().describe('RFC 3339, +08:00');

/** A combined order as /platform/v1 shows it: its sub-orders are each their tenant's order view. */
export const combinedOrderSchema = z
  .object({
    id: z.string().describe('cmb_...'),
    combine_out_trade_no: z.string().max(32),
    trade_type: z.enum(['JSAPI', 'NATIVE', 'H5', 'APP']),
    state: z
      .enum(['NOTPAY', 'SUCCESS', 'CLOSED', 'PARTIAL'])
      .describe('from the sub-orders: all paid SUCCESS, all closed CLOSED, any unpaid NOTPAY, else PARTIAL (they ended differently)'),
    sub_orders: z.array(orderSchema.omit({ client_secret: true }).extend({ tenant_id: z.string() })),
    created_at: time,
    expires_at: time,
  })
  .meta({ id: 'CombinedOrder', description: 'A combined order (合单) across sub-merchants of one service provider' });

export const combinedOrderAnswer = z.object({ combined_order: combinedOrderSchema }).meta({ id: 'CombinedOrderAnswer' });
export const combinedOrderPaymentAnswer = z
  .object({ combined_order: combinedOrderSchema, payment: modePaymentSchema.nullable() })
  .meta({ id: 'CombinedOrderPaymentAnswer', description: "A combined order and what the buyer's client needs to pay it" });

/** A platform key as lists show it. */
export const platformKeySchema = z
  .object({
    id: z.string().describe('pkey_...'),
    sp_mchid: z.string(),
    name: z.string().nullable(),
    prefix: z.string().describe('the first characters of the key, to tell keys apart'),
    created_at: time,
    last_used_at: time.nullable(),
    revoked_at: time.nullable(),
  })
  .meta({ id: 'PlatformKey', description: "A service provider's platform key (the key itself is shown once, at creation)" });

export const createdPlatformKeySchema = platformKeySchema
  .extend({ platform_key: z.string().describe('pk_...: shown only in this answer') })
  .meta({ id: 'CreatedPlatformKey' });
export const platformKeyList = z.object({ data: z.array(platformKeySchema) }).meta({ id: 'PlatformKeyList' });
