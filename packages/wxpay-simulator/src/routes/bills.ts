import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { ApiRoutes } from '../http';
import type { SimCore } from '../core';
import { WxError } from '../errors';
import { beijingDate, fundFlowBillCsv, subFundFlowBillCsv, tradeBill, type BillFaults } from '../bills';
import { rsaOaepEncrypt } from '@partnerpay/wxpay';
import { check, str } from '../validate';

/** Download links live 30 s (the stricter of the two documented values, spec §9.4). */
export const DOWNLOAD_TTL_MS = 30_000;
const BILL_DAYS = 92;

const tradeQuery = z.object({
  bill_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '格式应为yyyy-MM-DD'),
  sub_mchid: str(12).optional(),
  bill_type: z.enum(['ALL', 'SUCCESS', 'REFUND']).optional(),
  tar_type: z.literal('GZIP').optional(),
});
const fundQuery = z.object({
  bill_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '格式应为yyyy-MM-DD'),
  account_type: z.enum(['BASIC', 'OPERATION', 'FEES']).optional(),
  tar_type: z.literal('GZIP').optional(),
});
const subFundQuery = z.object({
  sub_mchid: str(12),
  bill_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '格式应为yyyy-MM-DD'),
  account_type: z.enum(['BASIC', 'OPERATION', 'FEES', 'DEPOSIT']),
  algorithm: z.enum(['AEAD_AES_256_GCM', 'SM4_GCM']),
  tar_type: z.literal('GZIP').optional(),
});
const downloadQuery = z.object({ token: str(128) });
const noStatement = () => new WxError(400, 'NO_STATEMENT_EXIST', '请求的账单文件不存在 (no bill: nothing happened that day)');

interface Download {
  sp_mchid: string;
  bytes: Buffer;
  gzip: boolean;
  expiresAt: number;
}

/** Trade and fund-flow bill applications and the download they point to (spec §9). */
export function registerBillRoutes(api: ApiRoutes, core: SimCore, faults: () => BillFaults = () => ({})): void {
  const downloads = new Map<string, Download>();

  const checkDate = (date: string) => {
    const t = Date.parse(`${date}T00:00:00+08:00`);
    const today = beijingDate(core.wall.now());
    // Deviation, on purpose: WeChat Pay publishes a day's bill the next morning; the simulator also serves today's so far.
    if (Number.isNaN(t) || date > today || core.wall.now() - t > BILL_DAYS * 86_400_000)
      throw WxError.param('bill_date', '账单日期须为三个月内且不晚于今天', 'query', date);
  };

  const link = (sp_mchid: string, bytes: Buffer, gzip: boolean, selfUrl: string) => {
    const token = randomBytes(24).toString('base64url');
    downloads.set(token, { sp_mchid, bytes, gzip, expiresAt: core.wall.now() + DOWNLOAD_TTL_MS });
    for (const [k, d] of downloads) if (d.expiresAt < core.wall.now()) downloads.delete(k);
    return `${selfUrl}/v3/billdownload/file?token=${token}`;
  };
  const offer = (sp_mchid: string, csv: string, gzip: boolean, selfUrl: string, f: BillFaults = {}) => {
    const raw = Buffer.from(csv, 'utf8');
    let bytes = gzip ? gzipSync(raw) : raw;
    if (f.truncate) bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
    // hash_value is the SHA1 of the uncompressed bill (原始账单(gzip需要解压缩)的摘要值).
    const hash = createHash('sha1').update(raw).digest('hex');
    return {
      status: 200,
      body: {
        hash_type: 'SHA1',
        hash_value: f.corrupt_hash ? createHash('sha1').update(hash).digest('hex') : hash,
        download_url: link(sp_mchid, bytes, gzip, selfUrl),
      },
    };
  };
  const notReady = (f: BillFaults) => {
    if (!f.not_ready) return;
    f.not_ready--;
    throw new WxError(400, 'STATEMENT_CREATING', '账单生成中 (the bill is being generated; try again later)');
  };

  api.route('get', '/v3/bill/tradebill', ({ provider, query, selfUrl }) => {
    const q = check(tradeQuery, query, 'query');
    checkDate(q.bill_date);
    if (q.sub_mchid && !core.state.sub(provider.sp_mchid, q.sub_mchid)) throw WxError.mchNotExists();
    const mine = (x: { sp_mchid: string; sub_mchid: string }) =>
      x.sp_mchid === provider.sp_mchid && (!q.sub_mchid || x.sub_mchid === q.sub_mchid);
    const f = faults();
    notReady(f);
    const bill = tradeBill(q.bill_type ?? 'ALL', q.bill_date, core.state.allOrders().filter(mine), core.state.allRefunds().filter(mine), f);
    if (bill.rows === 0) throw noStatement();
    return offer(provider.sp_mchid, bill.csv, q.tar_type === 'GZIP', selfUrl, f);
  });

  api.route('get', '/v3/bill/fundflowbill', ({ provider, query, selfUrl }) => {
    const q = check(fundQuery, query, 'query');
    checkDate(q.bill_date);
    return offer(provider.sp_mchid, fundFlowBillCsv(), q.tar_type === 'GZIP', selfUrl);
  });

  // One sub-merchant's fund flow, encrypted for the provider (spec addendum §3.2): a random AES-256
  // key, RSA-OAEP (SHA-1) under the provider's merchant public key; the file AES-256-GCM, ciphertext ‖ tag.
  api.route('get', '/v3/bill/sub-merchant-fundflowbill', ({ provider, query, selfUrl }) => {
    const q = check(subFundQuery, query, 'query');
    checkDate(q.bill_date);
    if (!core.state.sub(provider.sp_mchid, q.sub_mchid)) throw WxError.mchNotExists();
    if (q.algorithm !== 'AEAD_AES_256_GCM') throw WxError.param('algorithm', '仅支持AEAD_AES_256_GCM', 'query');
    notReady(faults());
    const mine = (x: { sp_mchid: string; sub_mchid: string }) => x.sp_mchid === provider.sp_mchid && x.sub_mchid === q.sub_mchid;
    const bill =
      q.account_type === 'BASIC'
        ? subFundFlowBillCsv(q.bill_date, core.state.allOrders().filter(mine), core.state.allRefunds().filter(mine))
        : { csv: '', rows: 0 };
    if (bill.rows === 0) throw noStatement();
    const raw = Buffer.from(bill.csv, 'utf8');
    const key = randomBytes(24).toString('base64url'); // 32 ASCII bytes
    const nonce = randomBytes(9).toString('base64url'); // 12 ASCII bytes
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(nonce, 'utf8'));
    const plain = q.tar_type === 'GZIP' ? gzipSync(raw) : raw;
    const bytes = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    const hash = createHash('sha1').update(raw).digest('hex');
    return {
      status: 200,
      body: {
        download_bill_count: 1,
        download_bill_list: [
          {
            bill_sequence: 1,
            download_url: link(provider.sp_mchid, bytes, false, selfUrl),
            encrypt_key: rsaOaepEncrypt(key, provider.merchantKey),
            hash_type: 'SHA1',
            hash_value: faults().corrupt_hash ? createHash('sha1').update(hash).digest('hex') : hash,
            nonce,
          },
        ],
      },
    };
  });

  api.route('get', '/v3/billdownload/file', ({ provider, query }) => {
    const q = check(downloadQuery, query, 'query');
    const d = downloads.get(q.token);
    if (!d || d.sp_mchid !== provider.sp_mchid || d.expiresAt < core.wall.now())
      throw WxError.invalid('下载链接已失效或不存在 (download_url expired: apply for the bill again)');
    // The download is not signed by WeChat Pay: the client checks hash_value instead.
    return { status: 200, raw: d.bytes, contentType: d.gzip ? 'application/x-gzip' : 'application/octet-stream' };
  });
}
