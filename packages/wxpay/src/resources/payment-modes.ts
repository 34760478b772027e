/**
 * The partner payment modes beyond JSAPI (spec wave2 §6, wave3 §3): Native (code_url), H5 (h5_url),
 * APP (prepay_id for the OpenSDK), 付款码 (codepay) and its reverse.
 */
import type { ServiceProviderCredentials } from '../credentials';
import type { WxpayClient } from '../client-port';
import type { PartnerJsapiOrderRequest, PartnerTransaction, PrepayResponse } from './types';

const seg = encodeURIComponent;

/** The JSAPI body without payer: what Native, H5 and APP orders send. */
export type PartnerOrderWithoutPayer = Omit<PartnerJsapiOrderRequest, 'payer' | 'scene_info'>;

/** H5's required scene_info (payer_client_ip and h5_info). */
export interface H5SceneInfo {
  payer_client_ip: string;
  device_id?: string;
  h5_info: { type: string; app_name?: string; app_url?: string; bundle_id?: string; package_name?: string };
}

/** POST /v3/pay/partner/transactions/native. */
export type PartnerNativeOrderRequest = PartnerOrderWithoutPayer & { scene_info?: { payer_client_ip: string; device_id?: string } };
/** POST /v3/pay/partner/transactions/h5. */
export type PartnerH5OrderRequest = PartnerOrderWithoutPayer & { scene_info: H5SceneInfo };
/** POST /v3/pay/partner/transactions/app. */
export type PartnerAppOrderRequest = PartnerOrderWithoutPayer;

/** POST /v3/pay/partner/transactions/codepay: no notify_url, no time_expire; the buyer's auth_code and the store are required. */
export interface PartnerCodepayRequest {
  sp_appid: string;
  sp_mchid: string;
  sub_appid?: string;
  sub_mchid: string;
  description: string;
  out_trade_no: string;
  attach?: string;
  amount: { total: number; currency?: 'CNY' };
  payer: { auth_code: string };
  scene_info: { store_info: { out_id: string }; device_id?: string; device_ip?: string };
  settle_info?: { profit_sharing?: boolean };
}

/** A codepay answer: 200 with the Transaction, or 202 with only `{"trade_state": "USERPAYING"}`. */
export type CodepayResult = { status: 200; transaction: PartnerTransaction } | { status: 202; trade_state: 'USERPAYING' };

/** Creates a Native order: the code_url is a QR code's content, valid 2 h. Deduplicated by out_trade_no. */
export async function createNativeOrder(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  body: PartnerNativeOrderRequest,
): Promise<{ code_url: string }> {
  return (
    await client.call<{ code_url: string }>(sp, { method: 'POST', path: '/v3/pay/partner/transactions/native', body, idempotent: true })
  ).data;
}

/** Creates an H5 order, or with the identical body asks for a fresh h5_url (each is valid 5 minutes). */
export async function createH5Order(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  body: PartnerH5OrderRequest,
): Promise<{ h5_url: string }> {
  return (await client.call<{ h5_url: string }>(sp, { method: 'POST', path: '/v3/pay/partner/transactions/h5', body, idempotent: true }))
    .data;
}

/** Creates an APP order: its prepay_id goes into the OpenSDK PayReq. */
export async function createAppOrder(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  body: PartnerAppOrderRequest,
): Promise<PrepayResponse> {
  return (await client.call<PrepayResponse>(sp, { method: 'POST', path: '/v3/pay/partner/transactions/app', body, idempotent: true })).data;
}

/**
 * Charges a buyer's 付款码. Never retried by the client: a timeout or 5xx leaves the outcome unknown,
 * and the caller must query before anything else (the charge may have gone through).
 */
export async function createCodepayOrder(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  body: PartnerCodepayRequest,
): Promise<CodepayResult> {
  const res = await client.call<PartnerTransaction | { trade_state: 'USERPAYING' }>(sp, {
    method: 'POST',
    path: '/v3/pay/partner/transactions/codepay',
    body,
  });
  if (res.status === 202) return { status: 202, trade_state: 'USERPAYING' };
  return { status: 200, transaction: res.data as PartnerTransaction };
}

/** Reverses (撤销) a 付款码 order: unpaid, WeChat Pay closes it; paid, it refunds it in full. Re-entrant upstream. */
export async function reverseOrder(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  subMchid: string,
  outTradeNo: string,
  subAppid?: string,
): Promise<void> {
  const path = `/v3/pay/partner/transactions/out-trade-no/${seg(outTradeNo)}/reverse`;
  const body = { sp_appid: sp.spAppid, sp_mchid: sp.spMchid, ...(subAppid ? { sub_appid: subAppid } : {}), sub_mchid: subMchid };
  await client.call(sp, { method: 'POST', path, body, idempotent: true });
}
