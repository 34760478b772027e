import { z } from 'zod';
import { OUT_TRADE_NO } from './order.input';

/** WeChat Pay's out_refund_no rule (spec §8.1): up to 64 of digits, letters and _-|*@. */
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

export const createRefundBody = z
  .strictObject({
    out_trade_no: z.string().regex(OUT_TRADE_NO, 'must be 6-32 characters of digits, letters and _-|*').optional(),
    transaction_id: z
      .string()
      .regex(/^\d{1,32}$/, 'must be the digits of a WeChat Pay transaction_id')
      .optional(),
    out_refund_no: z.string().regex(OUT_REFUND_NO, 'must be 1-64 characters of digits, letters and _-|*@'),
    amount: z.strictObject({
      refund: z.number().int('must be an integer number of fen').min(1, 'must be at least 1 fen'),
      currency: z.literal('CNY', 'must be CNY').default('CNY'),
    }),
    reason: z
      .string()
      .max(80, 'must be at most 80 characters')
      .refine((s) => !/[\u{10000}-\u{10FFFF}]/u.test(s), 'must not contain emoji')
      .optional(),
  })
  .refine((b) => Boolean(b.out_trade_no) !== Boolean(b.transaction_id), {
    message: 'give exactly one of out_trade_no and transaction_id',
    path: ['out_trade_no'],
  });
export type CreateRefundInput = z.infer<typeof createRefundBody>;

export const outRefundNoParams = z.object({
  out_refund_no: z.string().regex(OUT_REFUND_NO, 'must be 1-64 characters of digits, letters and _-|*@'),
});
