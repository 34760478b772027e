/**
 * Consumer complaints 2.0 calls for service providers (spec addendum §4): list, detail, negotiation
 * history, reply, complete, refund decision, reply-image upload, the provider's notification URL.
 * Answers are kept as WeChat Pay sends them (fields added later included): callers read what they know.
 */
import { createHash } from 'node:crypto';
import type { ServiceProviderCredentials } from '../credentials';
import type { WxpayClient } from '../client-port';

const seg = encodeURIComponent;
const BASE = '/v3/merchant-service/complaints-v2';

/** One complaint as list and detail answer it (detail adds payer_openid); unknown fields are kept. */
export interface WxComplaint {
  complaint_id: string;
  complaint_time: string;
  complaint_detail?: string;
  complaint_state: string;
  complainted_mchid: string;
  /** RSA-OAEP ciphertext under the provider's merchant certificate: decrypt with its private key. */
  payer_phone?: string;
  payer_openid?: string;
  complaint_order_info?: Array<{ transaction_id: string; out_trade_no: string; amount: number }>;
  [field: string]: unknown;
}

/** A page of complaints or history entries. */
export interface WxComplaintPage<T> {
  data: T[];
  limit: number;
  offset: number;
  total_count: number;
}

/** Lists the provider's complaints filed between two Beijing dates (span ≤ 30 days), optionally of one sub-merchant. */
export async function listComplaints(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  q: { begin_date: string; end_date: string; limit?: number; offset?: number; complainted_mchid?: string },
): Promise<WxComplaintPage<WxComplaint>> {
  const query = {
    limit: String(q.limit ?? 50),
    offset: String(q.offset ?? 0),
    begin_date: q.begin_date,
    end_date: q.end_date,
    complainted_mchid: q.complainted_mchid,
  };
  return (await client.call<WxComplaintPage<WxComplaint>>(sp, { method: 'GET', path: BASE, query })).data;
}

/** One complaint's detail. */
export async function getComplaint(client: WxpayClient, sp: ServiceProviderCredentials, complaintId: string): Promise<WxComplaint> {
  return (await client.call<WxComplaint>(sp, { method: 'GET', path: `${BASE}/${seg(complaintId)}` })).data;
}

/** One page of a complaint's negotiation history (the path's "historys" is WeChat Pay's spelling). */
export async function getComplaintHistory(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  complaintId: string,
  page: { limit?: number; offset?: number } = {},
): Promise<WxComplaintPage<Record<string, unknown>>> {
  const path = `${BASE}/${seg(complaintId)}/negotiation-historys`;
  const query = { limit: String(page.limit ?? 100), offset: String(page.offset ?? 0) };
  return (await client.call<WxComplaintPage<Record<string, unknown>>>(sp, { method: 'GET', path, query })).data;
}

/** Replies to the buyer (204); the body must not repeat complaint_id. */
export async function respondToComplaint(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  complaintId: string,
  body: { complainted_mchid: string; response_content: string; response_images?: string[] },
): Promise<void> {
  await client.call(sp, { method: 'POST', path: `${BASE}/${seg(complaintId)}/response`, body });
}

/** Marks the complaint handled (204). */
export async function completeComplaint(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  complaintId: string,
  complaintedMchid: string,
): Promise<void> {
  await client.call(sp, { method: 'POST', path: `${BASE}/${seg(complaintId)}/complete`, body: { complainted_mchid: complaintedMchid } });
}

/** Approves (the merchant then refunds itself) or rejects the buyer's refund request (204). */
export async function updateComplaintRefundProgress(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  complaintId: string,
  body: {
    complainted_mchid: string;
    action: 'APPROVE' | 'REJECT';
    launch_refund_day?: number;
    reject_reason?: string;
    reject_media_list?: string[];
    remark?: string;
  },
): Promise<void> {
  await client.call(sp, { method: 'POST', path: `${BASE}/${seg(complaintId)}/update-refund-progress`, body });
}

/** Uploads one reply image (JPG/BMP/PNG, ≤ 2 MB); the signature covers the meta JSON. */
export async function uploadComplaintImage(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  file: { filename: string; contentType: string; bytes: Buffer },
): Promise<{ media_id: string }> {
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const meta = JSON.stringify({ filename: file.filename, sha256 });
  const res = await client.call<{ media_id: string }>(sp, {
    method: 'POST',
    path: '/v3/merchant-service/images/upload',
    multipart: { meta, filename: file.filename, contentType: file.contentType, file: file.bytes },
  });
  return { media_id: res.data.media_id };
}

/** The provider's complaint notification URL: create (POST), read (GET), replace (PUT) or delete (DELETE, 204). */
export async function complaintNotificationUrl(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  method: 'POST' | 'GET' | 'PUT' | 'DELETE',
  url?: string,
): Promise<{ mchid: string; url: string } | undefined> {
  const path = '/v3/merchant-service/complaint-notifications';
  const res = await client.call<{ mchid: string; url: string }>(sp, { method, path, ...(url === undefined ? {} : { body: { url } }) });
  return method === 'DELETE' ? undefined : res.data;
}
