import type { ServiceProviderCredentials } from '../wxpay/credentials';
import type { WxpayClient } from '../wxpay/client-port';

/** The partner Transaction WeChat Pay answers to queries and sends in TRANSACTION.SUCCESS (spec §5, §7). */
export interface WxTransaction {
  sp_appid?: string;
  sp_mchid: string;
  sub_appid?: string;
  sub_mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state: string;
  trade_state_desc?: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { sp_openid?: string; sub_openid?: string };
  amount?: { total?: number; payer_total?: number; currency?: string; payer_currency?: string };
}

/** The partner JSAPI order body (spec §3.1); the platform fills sp/sub fields from the tenant. */
export interface JsapiOrderBody {
  sp_appid: string;
  sp_mchid: string;
  sub_appid?: string;
  sub_mchid: string;
  description: string;
  out_trade_no: string;
  time_expire?: string;
  attach?: string;
  notify_url: string;
  amount: { total: number; currency: 'CNY' };
  payer: { sp_openid?: string; sub_openid?: string };
}

/** Places the partner JSAPI order; WeChat Pay deduplicates by out_trade_no, so retrying is safe. */
export async function createJsapiOrder(client: WxpayClient, sp: ServiceProviderCredentials, body: JsapiOrderBody): Promise<{ prepay_id: string }> {
  return (await client.call<{ prepay_id: string }>(sp, { method: 'POST', path: '/v3/pay/partner/transactions/jsapi', body, idempotent: true })).data;
}

/** Queries an order by out_trade_no (the only way for unpaid orders). */
export async function queryByOutTradeNo(client: WxpayClient, sp: ServiceProviderCredentials, subMchid: string, outTradeNo: string): Promise<WxTransaction> {
  return (
    await client.call<WxTransaction>(sp, {
      method: 'GET',
      path: `/v3/pay/partner/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}`,
      query: { sp_mchid: sp.spMchid, sub_mchid: subMchid },
    })
  ).data;
}

/** Closes an unpaid order (204); re-entrant at WeChat Pay. */
export async function closeUpstream(client: WxpayClient, sp: ServiceProviderCredentials, subMchid: string, outTradeNo: string): Promise<void> {
  await client.call(sp, {
    method: 'POST',
    path: `/v3/pay/partner/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`,
    body: { sp_mchid: sp.spMchid, sub_mchid: subMchid },
    idempotent: true,
  });
}
