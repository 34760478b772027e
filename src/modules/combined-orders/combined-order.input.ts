import { z } from 'zod';
import { OUT_TRADE_NO } from '../payments';

/** combine_out_trade_no: 6-32 of digits, letters and _-|*@ (spec wave3 §3.6). */
export const COMBINE_OUT_TRADE_NO = /^[0-9A-Za-z_\-|*@]{6,32}$/;
/** WeChat Pay takes at most 50 sub-orders; a 合单 of one is an ordinary order. */
export const MAX_SUB_ORDERS = 50;

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !/[`\u0000-\u001f\u007f-\u009f\u{10000}-\u{10FFFF}]/u.test(s), {
      message: 'must not contain a backtick, control characters or 4-byte characters such as emoji',
    });

const subOrder = z.strictObject({
  tenant_id: z.string().min(1).max(64),
  out_trade_no: z.string().regex(OUT_TRADE_NO, 'must be 6-32 of letters, digits and _-|*'),
  description: text(127).pipe(z.string().min(1, 'must not be empty')),
  amount: z.strictObject({
    total: z.number().int('must be an integer number of fen').min(1, 'must be at least 1 fen').max(2_147_483_647),
    currency: z.literal('CNY').default('CNY'),
  }),
  attach: text(128).optional(),
  profit_sharing: z.boolean().optional(),
});

/** POST /platform/v1/combined-orders (API.md "Combined orders"). */
export const createCombinedOrderBody = z
  .strictObject({
    combine_out_trade_no: z.string().regex(COMBINE_OUT_TRADE_NO, 'must be 6-32 of letters, digits and _-|*@'),
    trade_type: z.enum(['JSAPI', 'NATIVE', 'H5', 'APP']).default('JSAPI'),
    payer: z.strictObject({ openid: z.string().min(1).max(128).describe("the buyer's openid under the provider's sp_appid") }).optional(),
    scene_info: z
      .strictObject({
        payer_client_ip: z.string().min(1).max(45),
        h5_info: z
          .strictObject({
            type: z.enum(['Wap', 'iOS', 'Android']),
            app_name: z.string().max(64).optional(),
            app_url: z.string().max(128).optional(),
            bundle_id: z.string().max(128).optional(),
            package_name: z.string().max(128).optional(),
          })
          .optional(),
      })
      .optional(),
    sub_orders: z
      .array(subOrder)
      .min(2, 'must hold at least 2 sub-orders (one is an ordinary order: POST /v1/orders)')
      .max(MAX_SUB_ORDERS, `must hold at most ${MAX_SUB_ORDERS} sub-orders (WeChat Pay's limit)`),
  })
  .superRefine((b, ctx) => {
    if (b.trade_type === 'JSAPI' && !b.payer)
      ctx.addIssue({ code: 'custom', path: ['payer'], message: "is required for JSAPI: {openid} under the provider's sp_appid" });
    if (b.trade_type !== 'JSAPI' && b.payer)
      ctx.addIssue({ code: 'custom', path: ['payer'], message: `must be left out for ${b.trade_type}` });
    if (b.trade_type === 'H5' && !b.scene_info?.h5_info)
      ctx.addIssue({ code: 'custom', path: ['scene_info'], message: 'is required for H5: {payer_client_ip, h5_info: {type}}' });
    const numbers = new Set<string>();
    const tenants = new Set<string>();
    b.sub_orders.forEach((s, i) => {
      if (numbers.has(s.out_trade_no))
        ctx.addIssue({
          code: 'custom',
          path: ['sub_orders', i, 'out_trade_no'],
          message: `repeats ${s.out_trade_no}: each sub-order needs its own`,
        });
      if (tenants.has(s.tenant_id))
        ctx.addIssue({ code: 'custom', path: ['sub_orders', i, 'tenant_id'], message: `repeats ${s.tenant_id}: one sub-order per tenant` });
      numbers.add(s.out_trade_no);
      tenants.add(s.tenant_id);
    });
  });

export type CreateCombinedOrderInput = z.infer<typeof createCombinedOrderBody>;

export const combineParams = z.object({
  combine_out_trade_no: z.string().regex(COMBINE_OUT_TRADE_NO, 'must be 6-32 of letters, digits and _-|*@'),
});
export const syncQuery = z.object({ sync: z.enum(['true', 'false']).optional() });
