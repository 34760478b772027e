import { z } from 'zod';

/** WeChat Pay's out_trade_no rule (spec §3.1): 6-32 of digits, letters and _-|*. */
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
/** amount.total is a signed 32-bit integer at WeChat Pay (fen). */
export const MAX_TOTAL_FEN = 2_147_483_647;

// WeChat Pay accepts UTF-8 of 1-3 bytes per character only: no emoji or other 4-byte characters (spec §14).
const noFourByteChars = (s: string) => !/[\u{10000}-\u{10FFFF}]/u.test(s);
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

const rfc3339 = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/,
    'must be RFC 3339 with an offset, e.g. 2026-11-26T10:34:56+08:00',
  );

export const createOrderBody = z.strictObject({
  appid: z.string().regex(/^wx[0-9a-z]{16}$/, 'must be an AppID: wx followed by 16 lowercase letters or digits'),
  out_trade_no: z.string().regex(OUT_TRADE_NO, 'must be 6-32 characters of digits, letters and _-|*'),
  description: z
    .string()
    .min(1, 'must not be empty')
    .max(127, 'must be at most 127 characters')
    .refine(noFourByteChars, 'must not contain emoji or other 4-byte characters (WeChat Pay refuses them)'),
  amount: z.strictObject({
    total: z
      .number()
      .int('must be an integer number of fen')
      .min(1, 'must be at least 1 fen')
      .max(MAX_TOTAL_FEN, `must be at most ${MAX_TOTAL_FEN} fen`),
    currency: z.literal('CNY', 'must be CNY').default('CNY'),
  }),
  payer: z.strictObject({ openid: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters') }),
  time_expire: rfc3339.optional(),
  attach: z
    .string()
    .refine((s) => utf8Bytes(s) <= 128, 'must be at most 128 bytes of UTF-8')
    .refine(noFourByteChars, 'must not contain emoji or other 4-byte characters')
    .optional(),
  /** settle_info.profit_sharing: freeze the funds for profit sharing (分账). */
  profit_sharing: z.boolean().optional(),
});
export type CreateOrderInput = z.infer<typeof createOrderBody>;

export const outTradeNoParams = z.object({
  out_trade_no: z.string().regex(OUT_TRADE_NO, 'must be 6-32 characters of digits, letters and _-|*'),
});
export const syncQuery = z.object({ sync: z.enum(['true', 'false']).optional() });
