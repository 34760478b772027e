import { z } from 'zod';
import { webhookEnvelope } from '../events';

const time = z.string().describe('RFC 3339, +08:00');
const fen = z.number().int().describe('integer fen');

/** One receiver line of a split as WeChat Pay reports it. */
const splitReceiverSchema = z.object({
  type: z.string().describe('MERCHANT_ID or PERSONAL_OPENID'),
  account: z.string(),
  amount: fen,
  description: z.string(),
  result: z.enum(['PENDING', 'SUCCESS', 'CLOSED']),
  fail_reason: z.string().nullable(),
  detail_id: z.string().nullable(),
  finish_time: z.string().nullable(),
  unfreeze: z.literal(true).optional().describe('the row WeChat Pay adds for the paying sub-merchant itself (解冻给分账方)'),
});

/** A split or an unfreeze (分账 / 解冻剩余资金), as the tenant API and the profit_sharing.finished event show it. */
export const profitSharingOrderSchema = z
  .object({
    out_order_no: z.string().max(64),
    out_trade_no: z.string().max(32),
    order_id: z.string().nullable().describe("WeChat Pay's order_id, once it accepted the request"),
    transaction_id: z.string(),
    type: z.enum(['split', 'unfreeze']),
    state: z.enum(['PROCESSING', 'FINISHED']),
    amount: fen.describe('the total split (0 for an unfreeze)'),
    unfreeze_unsplit: z.boolean(),
    receivers: z.array(splitReceiverSchema),
    created_at: time,
    finished_at: time.nullable(),
  })
  .meta({ id: 'ProfitSharingOrder', description: 'A profit-sharing split (分账) or unfreeze of one payment' });

/** A return (分账回退), as the tenant API and the profit_sharing.returned event show it. */
export const profitSharingReturnSchema = z
  .object({
    out_return_no: z.string().max(64),
    out_order_no: z.string().max(64),
    return_id: z.string().nullable(),
    return_mchid: z.string().describe('the receiver that gives the money back'),
    amount: fen,
    description: z.string(),
    result: z.enum(['PROCESSING', 'SUCCESS', 'FAILED']),
    fail_reason: z.string().nullable(),
    created_at: time,
    finished_at: time.nullable(),
  })
  .meta({ id: 'ProfitSharingReturn', description: 'A return of split money (分账回退) from a receiver' });

/** `{ profit_sharing_order }` */
export const profitSharingOrderAnswer = z
  .object({ profit_sharing_order: profitSharingOrderSchema })
  .meta({ id: 'ProfitSharingOrderAnswer', description: 'A split or unfreeze' });
/** `{ profit_sharing_return }` */
export const profitSharingReturnAnswer = z
  .object({ profit_sharing_return: profitSharingReturnSchema })
  .meta({ id: 'ProfitSharingReturnAnswer', description: 'A return' });

/** A receiver as operators see it: approved for the tenant and, when added here, registered at WeChat Pay. */
export const receiverSchema = z
  .object({
    type: z.string(),
    account: z.string(),
    relation_type: z.string().nullable(),
    custom_relation: z.string().nullable(),
    name: z.string().nullable().describe('masked (张*)'),
    registered_at_wechat_pay: z.boolean(),
    created_at: time.nullable(),
  })
  .meta({ id: 'ProfitSharingReceiver', description: "One of a tenant's profit-sharing receivers" });

/** The events this module sends, for the document's `webhooks`. */
export const PROFIT_SHARING_WEBHOOKS = [
  {
    name: 'profit_sharing.finished',
    summary: 'A split or unfreeze finished at WeChat Pay (each receiver line has its result)',
    payload: webhookEnvelope('profit_sharing.finished', 'ProfitSharingFinishedEvent', profitSharingOrderSchema),
  },
  {
    name: 'profit_sharing.returned',
    summary: 'A return reached its final result (SUCCESS or FAILED)',
    payload: webhookEnvelope('profit_sharing.returned', 'ProfitSharingReturnedEvent', profitSharingReturnSchema),
  },
];
