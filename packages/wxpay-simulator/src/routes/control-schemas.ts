import { z } from 'zod';
import { ControlError } from '../errors';

const id = (what: string) => z.string({ error: `${what} is required (a string)` }).min(1, `${what} must not be empty`);
const mchid = (what: string) =>
  z.string({ error: `${what} is required (a mchid)` }).regex(/^\d{6,20}$/, `${what} must be a mchid (digits)`);
const optionalMchid = (what: string) => mchid(what).optional();
const appid = z.string({ error: 'an AppID is required' }).regex(/^wx[0-9a-z]{16}$/, 'must be an AppID (wx and 16 letters or digits)');
const nonNegativeInt = z.number().int().min(0);

/** An order: by prepay_id, or by sub_mchid and out_trade_no (and sp_mchid when several providers share them). */
const orderSelector = z
  .object({
    prepay_id: id('prepay_id').optional(),
    sp_mchid: optionalMchid('sp_mchid'),
    sub_mchid: mchid('sub_mchid').optional(),
    out_trade_no: id('out_trade_no').optional(),
  })
  .refine((b) => b.prepay_id || (b.sub_mchid && b.out_trade_no), {
    message: 'give prepay_id, or sub_mchid and out_trade_no (and sp_mchid when several providers share them)',
    path: ['prepay_id'],
  });

/** The control API's request bodies, by route. */
export const controlBodies = {
  serviceProvider: z.object({
    sp_mchid: mchid('sp_mchid'),
    sp_appid: appid,
    merchant_serial_no: z
      .string()
      .regex(/^[0-9A-Fa-f]{8,40}$/, 'must be the certificate serial in hex')
      .optional(),
    merchant_public_key: z.string({ error: 'merchant_public_key is required (a PEM public key or certificate)' }).includes('-----BEGIN', {
      message: 'must be a PEM public key or certificate',
    }),
    apiv3_key: z.string({ error: 'apiv3_key is required' }).refine((k) => Buffer.byteLength(k, 'utf8') === 32, 'must be 32 bytes'),
    verification: z.enum(['public_key', 'certificate']).optional(),
  }),
  subMerchant: z.object({ sp_mchid: mchid('sp_mchid'), sub_mchid: mchid('sub_mchid'), appids: z.array(appid).optional() }),
  app: z.object({ appid, secret: id('secret') }),
  loginCode: z.object({
    appid,
    openid: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'must be 6-64 of letters, digits, _ and -'),
    unionid: z.string().optional(),
    errcode: z.number().int().optional(),
  }),
  pay: orderSelector.and(z.object({ outcome: z.enum(['SUCCESS', 'PAYERROR']).optional() })),
  expire: orderSelector,
  /** 合单: pay the combine order; the sub-orders named in `fail` fail (PAYERROR), the others succeed. */
  payCombine: z
    .object({
      combine_out_trade_no: id('combine_out_trade_no').optional(),
      prepay_id: id('prepay_id').optional(),
      sp_mchid: optionalMchid('sp_mchid'),
      fail: z.array(id('fail[]')).optional(),
    })
    .refine((b) => b.combine_out_trade_no || b.prepay_id, {
      message: 'give combine_out_trade_no (and sp_mchid when several providers share it) or the prepay_id the buyer pays',
      path: ['combine_out_trade_no'],
    }),
  finishRefund: z.object({
    out_refund_no: id('out_refund_no'),
    sub_mchid: mchid('sub_mchid'),
    sp_mchid: optionalMchid('sp_mchid'),
    status: z.enum(['SUCCESS', 'CLOSED', 'ABNORMAL']),
  }),
  finishSplit: z.object({
    out_order_no: id('out_order_no'),
    sp_mchid: optionalMchid('sp_mchid'),
    closed: z.record(z.string(), z.string()).optional(),
  }),
  finishReturn: z.object({
    out_return_no: id('out_return_no'),
    sp_mchid: optionalMchid('sp_mchid'),
    result: z.enum(['SUCCESS', 'FAILED']),
    fail_reason: z.string().optional(),
  }),
  probe: z.object({ url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }), sp_mchid: optionalMchid('sp_mchid') }),
  settings: z.object({ refund_auto_finish_ms: nonNegativeInt.nullable().optional() }),
  advance: z.object({ ms: z.number({ error: 'ms is required (a number of simulator milliseconds)' }).finite().min(0) }),
  finishSettlement: z.object({ result: z.enum(['AUDIT_SUCCESS', 'AUDIT_FAIL']), reason: z.string().optional() }),
};

/** Thrown for a control body that breaks its schema: 400 PARAM_ERROR naming the field (`field`, a JSON pointer). */
export class ControlParamError extends ControlError {
  constructor(
    readonly field: string,
    issue: string,
  ) {
    super(400, 'PARAM_ERROR', `${field}: ${issue}`);
  }
}

/** Checks `body` against `schema`; throws ControlParamError on the first problem. */
export function checked<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = `/${issue.path.map(String).join('/')}`;
  return fail(field, issue.message);
}

function fail(field: string, message: string): never {
  throw new ControlParamError(field, message);
}
