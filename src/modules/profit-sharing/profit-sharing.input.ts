import { z } from 'zod';
import { OUT_TRADE_NO } from '../payments';

/** out_order_no / out_return_no: 1-64 of digits, letters and _-|*@ (addendum §2.4). */
export const OUT_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const outNo = z.string().regex(OUT_NO, 'must be 1-64 characters of digits, letters and _-|*@');
const noFourByte = (s: string) => !/[\u{10000}-\u{10FFFF}]/u.test(s);
const description = z
  .string()
  .min(1, 'must not be empty')
  .max(80, 'must be at most 80 characters')
  .refine(noFourByte, 'must not contain emoji or other 4-byte characters');
export const receiverType = z.enum(['MERCHANT_ID', 'PERSONAL_OPENID', 'PERSONAL_SUB_OPENID']);
const fen = z.number().int('must be an integer number of fen').min(1, 'must be at least 1 fen').max(2_147_483_647);

/** At most 50 receivers per split request, each at most once (addendum §2.9). */
export const MAX_RECEIVERS = 50;

export const createSplitBody = z
  .strictObject({
    out_trade_no: z.string().regex(OUT_TRADE_NO, 'must be 6-32 characters of digits, letters and _-|*'),
    out_order_no: outNo,
    receivers: z
      .array(z.strictObject({ type: receiverType, account: z.string().min(1).max(64), amount: fen, description }))
      .min(1, 'must name at least one receiver')
      .max(MAX_RECEIVERS, `must name at most ${MAX_RECEIVERS} receivers`),
    unfreeze_unsplit: z.boolean().default(false),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.receivers.forEach((r, i) => {
      const k = `${r.type}:${r.account}`;
      if (seen.has(k))
        ctx.addIssue({
          code: 'custom',
          path: ['receivers', i, 'account'],
          message: 'duplicate receiver: each receiver at most once per split',
        });
      seen.add(k);
    });
  });
export type CreateSplitInput = z.infer<typeof createSplitBody>;

export const unfreezeBody = z.strictObject({
  out_trade_no: z.string().regex(OUT_TRADE_NO, 'must be 6-32 characters of digits, letters and _-|*'),
  out_order_no: outNo,
  description: description.default('解冻全部剩余资金'),
});
export type UnfreezeInput = z.infer<typeof unfreezeBody>;

export const createReturnBody = z.strictObject({
  out_order_no: outNo,
  out_return_no: outNo,
  return_mchid: z.string().regex(/^\d{6,32}$/, 'must be the mchid of a merchant receiver of the split'),
  amount: fen,
  description,
});
export type CreateReturnInput = z.infer<typeof createReturnBody>;

export const addReceiverBody = z.strictObject({
  type: receiverType,
  account: z.string().min(1).max(64),
  name: z.string().min(1).max(256).optional(),
  relation_type: z.enum([
    'SERVICE_PROVIDER',
    'STORE',
    'STAFF',
    'STORE_OWNER',
    'PARTNER',
    'HEADQUARTER',
    'BRAND',
    'DISTRIBUTOR',
    'USER',
    'SUPPLIER',
    'CUSTOM',
  ]),
  custom_relation: z.string().min(1).max(10).optional(),
});
export type AddReceiverInput = z.infer<typeof addReceiverBody>;

export const outOrderNoParams = z.object({ out_order_no: outNo });
export const outReturnNoParams = z.object({ out_return_no: outNo });
