/** Thin typed calls to WeChat Pay's 服务商分账 endpoints (addendum §2.2). */
import type { ServiceProviderCredentials } from '../credentials';
import type { WxpayClient } from '../client-port';

const seg = encodeURIComponent;

export interface WxSplitReceiver {
  type: string;
  account: string;
  amount: number;
  description: string;
  result?: 'PENDING' | 'SUCCESS' | 'CLOSED';
  fail_reason?: string;
  detail_id?: string;
  create_time?: string;
  finish_time?: string;
}

/** OrdersEntity: a split or unfreeze as WeChat Pay answers and queries it. */
export interface WxSplitOrder {
  sub_mchid: string;
  transaction_id: string;
  out_order_no: string;
  order_id: string;
  state: 'PROCESSING' | 'FINISHED';
  receivers?: WxSplitReceiver[];
}

/** ReturnOrdersEntity. */
export interface WxReturnOrder {
  sub_mchid: string;
  order_id: string;
  out_order_no: string;
  out_return_no: string;
  return_id: string;
  return_mchid: string;
  amount: number;
  result: 'PROCESSING' | 'SUCCESS' | 'FAILED';
  fail_reason?: string;
  finish_time?: string;
}

export interface AddReceiverRequest {
  sub_mchid: string;
  appid: string;
  sub_appid?: string;
  type: string;
  account: string;
  /** RSA-OAEP ciphertext (send Wechatpay-Serial with it). */
  name?: string;
  relation_type: string;
  custom_relation?: string;
}

/** Adds a receiver for a sub-merchant (idempotent at WeChat Pay); `headers` carries Wechatpay-Serial for the encrypted name. */
export async function addReceiver(
  c: WxpayClient,
  sp: ServiceProviderCredentials,
  body: AddReceiverRequest,
  headers: Record<string, string>,
) {
  return (await c.call(sp, { method: 'POST', path: '/v3/profitsharing/receivers/add', body, headers, idempotent: true })).data;
}

/** Removes a receiver relationship. */
export async function deleteReceiver(
  c: WxpayClient,
  sp: ServiceProviderCredentials,
  body: { sub_mchid: string; appid: string; sub_appid?: string; type: string; account: string },
) {
  return (await c.call(sp, { method: 'POST', path: '/v3/profitsharing/receivers/delete', body })).data;
}

/** Requests a split; WeChat Pay treats one out_order_no as one request, so a retry with the same body is safe. */
export async function createSplit(c: WxpayClient, sp: ServiceProviderCredentials, body: unknown, headers: Record<string, string>) {
  return (await c.call<WxSplitOrder>(sp, { method: 'POST', path: '/v3/profitsharing/orders', body, headers, idempotent: true })).data;
}

/** Queries a split or unfreeze (both query parameters are required in partner mode). */
export async function querySplit(
  c: WxpayClient,
  sp: ServiceProviderCredentials,
  subMchid: string,
  transactionId: string,
  outOrderNo: string,
) {
  const path = `/v3/profitsharing/orders/${seg(outOrderNo)}`;
  return (await c.call<WxSplitOrder>(sp, { method: 'GET', path, query: { sub_mchid: subMchid, transaction_id: transactionId } })).data;
}

/** Releases the unsplit remainder to the sub-merchant (a new out_order_no each time). */
export async function unfreezeSplit(
  c: WxpayClient,
  sp: ServiceProviderCredentials,
  body: { sub_mchid: string; transaction_id: string; out_order_no: string; description: string },
) {
  return (await c.call<WxSplitOrder>(sp, { method: 'POST', path: '/v3/profitsharing/orders/unfreeze', body, idempotent: true })).data;
}

/** Requests a return (回退) from a merchant receiver. */
export async function createReturn(
  c: WxpayClient,
  sp: ServiceProviderCredentials,
  body: { sub_mchid: string; out_order_no: string; out_return_no: string; return_mchid: string; amount: number; description: string },
) {
  return (await c.call<WxReturnOrder>(sp, { method: 'POST', path: '/v3/profitsharing/return-orders', body, idempotent: true })).data;
}

/** Queries a return. */
export async function queryReturn(
  c: WxpayClient,
  sp: ServiceProviderCredentials,
  subMchid: string,
  outOrderNo: string,
  outReturnNo: string,
) {
  const path = `/v3/profitsharing/return-orders/${seg(outReturnNo)}`;
  return (await c.call<WxReturnOrder>(sp, { method: 'GET', path, query: { sub_mchid: subMchid, out_order_no: outOrderNo } })).data;
}

/** The ratio (万分比) the sub-merchant authorised the service provider to split. */
export async function merchantConfig(c: WxpayClient, sp: ServiceProviderCredentials, subMchid: string) {
  return (
    await c.call<{ sub_mchid: string; max_ratio: number }>(sp, {
      method: 'GET',
      path: `/v3/profitsharing/merchant-configs/${seg(subMchid)}`,
    })
  ).data;
}
