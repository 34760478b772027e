/**
 * Onboarding calls (特约商户进件, spec addendum §1): media upload, applyment submit and query,
 * settlement account query / modify / modify-application query.
 */
import { createHash } from 'node:crypto';
import type { ServiceProviderCredentials } from '../credentials';
import type { WxpayClient } from '../client-port';

const seg = encodeURIComponent;

/** An applyment as both query endpoints answer it (spec addendum §1.5). */
export interface ApplymentStatus {
  business_code: string;
  applyment_id: number;
  sub_mchid?: string;
  sign_url?: string;
  applyment_state: string;
  applyment_state_msg?: string;
  audit_detail?: Array<{ field: string; field_name: string; reject_reason: string }>;
}

/** Uploads one image; the signature covers the meta JSON `{"filename","sha256"}` (keys in that order). */
export async function uploadMedia(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  file: { filename: string; contentType: string; bytes: Buffer },
): Promise<{ media_id: string; sha256: string }> {
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const meta = JSON.stringify({ filename: file.filename, sha256 });
  const res = await client.call<{ media_id: string }>(sp, {
    method: 'POST',
    path: '/v3/merchant/media/upload',
    multipart: { meta, filename: file.filename, contentType: file.contentType, file: file.bytes },
  });
  return { media_id: res.data.media_id, sha256 };
}

/** Submits an applyment (sensitive fields already encrypted; `serial` names their key). WeChat Pay keys it by business_code. */
export async function submitApplyment(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  body: Record<string, unknown>,
  serial: string,
): Promise<{ applyment_id: number }> {
  const res = await client.call<{ applyment_id: number }>(sp, {
    method: 'POST',
    path: '/v3/applyment4sub/applyment/',
    body,
    headers: { 'Wechatpay-Serial': serial },
  });
  return res.data;
}

/** The applyment's state by our business_code (works before we know the applyment_id). */
export async function queryApplymentByBusinessCode(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  businessCode: string,
): Promise<ApplymentStatus> {
  return (await client.call<ApplymentStatus>(sp, { method: 'GET', path: `/v3/applyment4sub/applyment/business_code/${seg(businessCode)}` }))
    .data;
}

/** The sub-merchant's settlement account (masked by WeChat Pay). */
export async function querySettlement(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  subMchid: string,
): Promise<Record<string, unknown>> {
  return (
    await client.call<Record<string, unknown>>(sp, { method: 'GET', path: `/v3/apply4sub/sub_merchants/${seg(subMchid)}/settlement` })
  ).data;
}

/** Applies to change the settlement account (受理模式: answers an application_no to poll). */
export async function modifySettlement(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  subMchid: string,
  body: Record<string, unknown>,
  serial: string,
): Promise<{ application_no: string }> {
  const res = await client.call<{ application_no: string }>(sp, {
    method: 'POST',
    path: `/v3/apply4sub/sub_merchants/${seg(subMchid)}/modify-settlement`,
    body,
    headers: { 'Wechatpay-Serial': serial },
  });
  return res.data;
}

/** One settlement modification application. */
export async function querySettlementApplication(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  subMchid: string,
  applicationNo: string,
): Promise<Record<string, unknown>> {
  const path = `/v3/apply4sub/sub_merchants/${seg(subMchid)}/application/${seg(applicationNo)}`;
  return (await client.call<Record<string, unknown>>(sp, { method: 'GET', path })).data;
}
