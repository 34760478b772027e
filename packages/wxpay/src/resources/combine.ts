import type { WxpayClient } from '../client-port';
import type { ServiceProviderCredentials } from '../credentials';

const seg = encodeURIComponent;

/** One sub-order of a 合单 (spec wave3 §3.6): an ordinary order of its sub-merchant, placed by the provider. */
export interface CombineSubOrderRequest {
  /** The provider's mchid (子单发起方). */
  mchid: string;
  sub_mchid: string;
  sub_appid?: string;
  attach: string;
  amount: { total_amount: number; currency: 'CNY' };
  out_trade_no: string;
  description: string;
  settle_info?: { profit_sharing?: boolean };
}

/** POST /v3/combine-transactions/{jsapi|app|h5|native} (spec wave2 §6): combine_mchid is the provider's mchid. */
export interface CombineOrderRequest {
  combine_appid: string;
  combine_mchid: string;
  combine_out_trade_no: string;
  scene_info?: { payer_client_ip: string; device_id?: string; h5_info?: Record<string, string> };
  sub_orders: CombineSubOrderRequest[];
  combine_payer_info?: { openid: string };
  time_expire?: string;
  notify_url: string;
}

/** A sub-order as the combine query and notification carry it. */
export interface CombineSubTransaction {
  mchid: string;
  trade_type?: string;
  trade_state: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  transaction_id?: string;
  out_trade_no: string;
  sub_mchid: string;
  sub_appid?: string;
  amount?: { total_amount: number; currency?: string; payer_amount?: number; payer_currency?: string };
}

/** The combine query's answer and the combine notification's resource (spec wave3 §3.6). */
export interface CombineTransaction {
  combine_appid: string;
  combine_mchid: string;
  combine_out_trade_no: string;
  scene_info?: { device_id?: string };
  sub_orders: CombineSubTransaction[];
  combine_payer_info?: { openid?: string };
}

/** The 合单 modes and their endpoint: H5 is `h5`, its transactions say MWEB. */
export type CombineMode = 'JSAPI' | 'APP' | 'NATIVE' | 'H5';

/** What placing a 合单 answers, by mode: JSAPI and APP a prepay_id, NATIVE a code_url, H5 an h5_url. */
export type CombinePrepay = { prepay_id?: string; code_url?: string; h5_url?: string };

/** Places a 合单 (deduplicated by combine_out_trade_no and the identical body): prepay_id, code_url or h5_url. */
export async function createCombineOrder(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  mode: CombineMode,
  body: CombineOrderRequest,
): Promise<CombinePrepay> {
  const path = `/v3/combine-transactions/${mode.toLowerCase()}`;
  return (await client.call<CombinePrepay>(sp, { method: 'POST', path, body, idempotent: true })).data;
}

/** GET /v3/combine-transactions/out-trade-no/{combine_out_trade_no}: every sub-order's state. */
export async function queryCombineOrder(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  combineOutTradeNo: string,
): Promise<CombineTransaction> {
  const path = `/v3/combine-transactions/out-trade-no/${seg(combineOutTradeNo)}`;
  return (await client.call<CombineTransaction>(sp, { method: 'GET', path })).data;
}

/** Closes every sub-order of a 合单 (204): WeChat Pay wants exactly the sub-orders placed. Re-entrant. */
export async function closeCombineOrder(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  combineOutTradeNo: string,
  subOrders: Array<{ mchid: string; sub_mchid: string; out_trade_no: string; sub_appid?: string }>,
): Promise<void> {
  const path = `/v3/combine-transactions/out-trade-no/${seg(combineOutTradeNo)}/close`;
  await client.call(sp, { method: 'POST', path, body: { combine_appid: sp.spAppid, sub_orders: subOrders }, idempotent: true });
}
