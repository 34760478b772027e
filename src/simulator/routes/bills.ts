import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { ApiRoutes } from '../http';
import type { SimCore } from '../core';
import { WxError } from '../errors';
import { beijingDate, fundFlowBillCsv, tradeBillCsv } from '../bills';
import { check, str } from '../validate';

/** Download links live 30 s (the stricter of the two documented values, spec §9.4). */
export const DOWNLOAD_TTL_MS = 30_000;
const BILL_DAYS = 92;

const tradeQuery = z.object({
  bill_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be yyyy-MM-dd'),
  sub_mchid: str(12).optional(),
  bill_type: z.enum(['ALL', 'SUCCESS', 'REFUND']).optional(),
  tar_type: z.literal('GZIP').optional(),
});
const fundQuery = z.object({
  bill_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be yyyy-MM-dd'),
  account_type: z.enum(['BASIC', 'OPERATION', 'FEES']).optional(),
  tar_type: z.literal('GZIP').optional(),
});
const downloadQuery = z.object({ token: str(128) });

interface Download {
  sp_mchid: string;
  bytes: Buffer;
  gzip: boolean;
  expiresAt: number;
}

/** Trade and fund-flow bill applications and the download they point to (spec §9). */
export function registerBillRoutes(api: ApiRoutes, core: SimCore): void {
  const downloads = new Map<string, Download>();

  const checkDate = (date: string) => {
    const t = Date.parse(`${date}T00:00:00+08:00`);
    const today = beijingDate(core.wall.now());
    // Deviation, on purpose: WeChat Pay publishes a day's bill the next morning; the simulator also serves today's so far.
    if (Number.isNaN(t) || date > today || core.wall.now() - t > BILL_DAYS * 86_400_000)
      throw WxError.param('bill_date', 'must be a date within the last 3 months, not in the future', 'query', date);
  };

  const offer = (sp_mchid: string, csv: string, gzip: boolean, selfUrl: string) => {
    const raw = Buffer.from(csv, 'utf8');
    const token = randomBytes(24).toString('base64url');
    downloads.set(token, { sp_mchid, bytes: gzip ? gzipSync(raw) : raw, gzip, expiresAt: core.wall.now() + DOWNLOAD_TTL_MS });
    for (const [k, d] of downloads) if (d.expiresAt < core.wall.now()) downloads.delete(k);
    // hash_value is the SHA1 of the uncompressed bill (原始账单(gzip需要解压缩)的摘要值).
    return {
      status: 200,
      body: {
        hash_type: 'SHA1',
        hash_value: createHash('sha1').update(raw).digest('hex'),
        download_url: `${selfUrl}/v3/billdownload/file?token=${token}`,
      },
    };
  };

  api.route('get', '/v3/bill/tradebill', ({ provider, query, selfUrl }) => {
    const q = check(tradeQuery, query, 'query');
    checkDate(q.bill_date);
    if (q.sub_mchid && !core.state.sub(provider.sp_mchid, q.sub_mchid)) throw WxError.mchNotExists();
    const mine = (x: { sp_mchid: string; sub_mchid: string }) =>
      x.sp_mchid === provider.sp_mchid && (!q.sub_mchid || x.sub_mchid === q.sub_mchid);
    const csv = tradeBillCsv(q.bill_type ?? 'ALL', q.bill_date, core.state.allOrders().filter(mine), core.state.allRefunds().filter(mine));
    return offer(provider.sp_mchid, csv, q.tar_type === 'GZIP', selfUrl);
  });

  api.route('get', '/v3/bill/fundflowbill', ({ provider, query, selfUrl }) => {
    const q = check(fundQuery, query, 'query');
    checkDate(q.bill_date);
    return offer(provider.sp_mchid, fundFlowBillCsv(), q.tar_type === 'GZIP', selfUrl);
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
