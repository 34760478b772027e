import { z } from 'zod';

/** WeChat Pay's out_trade_no rule (spec §3.1): 6-32 of digits, letters and _-|*. */
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
/** amount.total is a signed 32-bit integer at WeChat Pay (fen). */
export const MAX_TOTAL_FEN = 2_147_483_647;

// WeChat Pay accepts UTF-8 of 1-3 bytes per character only: no emoji or other 4-byte characters (spec §14).
const noFourByteChars = (s: string) => !/[\u{10000}-\u{10FFFF}]/u.test(s);
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');
/**
 * Text that WeChat Pay writes into its trade bill (description → 商品名称, attach → 商户数据包) must not
 * hold a backtick, the bill's value marker, nor control characters (tab, line breaks, NUL): either
 * would break the bill's layout for the provider's reconciliation.
 */
export const billSafeText = (s: string) => !/[`\u0000-\u001f\u007f-\u009f]/.test(s);
const BILL_SAFE = 'must not contain a backtick (`) or control characters such as tab or line breaks (WeChat Pay bills cannot carry them)';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?([+-](\d{2}):(\d{2})|Z)$/;

/** True when the RFC 3339 text names a real instant: 2027-02-30 or 25:00 would otherwise be rolled over by Date.parse. */
export function isRealDateTime(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const offsetOk = m[8] === 'Z' || (Number(m[9]) <= 14 && Number(m[10]) <= 59);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h <= 23 && mi <= 59 && sec <= 59 && offsetOk;
}

const rfc3339 = z.string().superRefine((s, ctx) => {
  if (!RFC3339.test(s)) ctx.addIssue({ code: 'custom', message: 'must be RFC 3339 with an offset, e.g. 2026-11-26T10:34:56+08:00' });
  else if (!isRealDateTime(s)) ctx.addIssue({ code: 'custom', message: 'must be a real date and time (no February 30th, no hour 24)' });
});

export const createOrderBody = z.strictObject({
  appid: z.string().regex(/^wx[0-9a-z]{16}$/, 'must be an AppID: wx followed by 16 lowercase letters or digits'),
  out_trade_no: z.string().regex(OUT_TRADE_NO, 'must be 6-32 characters of digits, letters and _-|*'),
  description: z
    .string()
    .min(1, 'must not be empty')
    .max(127, 'must be at most 127 characters')
    .refine(noFourByteChars, 'must not contain emoji or other 4-byte characters (WeChat Pay refuses them)')
    .refine(billSafeText, BILL_SAFE),
  amount: z.strictObject({
    total: z
      .number()
      .int('must be an integer number of fen')
      .min(1, 'must be at least 1 fen')
      .max(MAX_TOTAL_FEN, `must be at most ${MAX_TOTAL_FEN} fen`),
    currency: z.literal('CNY', 'must be CNY').default('CNY'),
  }),
  // Without payer the order awaits its buyer: the mini-program pays it with the order's client_secret (/mp/v1).
  payer: z.strictObject({ openid: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters') }).optional(),
  time_expire: rfc3339.optional(),
  attach: z
    .string()
    .refine((s) => utf8Bytes(s) <= 128, 'must be at most 128 bytes of UTF-8')
    .refine(noFourByteChars, 'must not contain emoji or other 4-byte characters')
    .refine(billSafeText, BILL_SAFE)
    .optional(),
  /** settle_info.profit_sharing: freeze the funds for profit sharing (分账). */
  profit_sharing: z.boolean().optional(),
});
export type CreateOrderInput = z.infer<typeof createOrderBody>;

export const outTradeNoParams = z.object({
  out_trade_no: z.string().regex(OUT_TRADE_NO, 'must be 6-32 characters of digits, letters and _-|*'),
});
export const syncQuery = z.object({ sync: z.enum(['true', 'false']).optional() });
