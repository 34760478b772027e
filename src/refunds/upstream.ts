import type { ServiceProviderCredentials } from '../wxpay/credentials';
import type { WxpayClient } from '../wxpay/client-port';

/** WeChat Pay's Refund object (spec §8.1), and the decrypted REFUND.* notification (§8.4, `refund_status`). */
export interface WxRefund {
  refund_id?: string;
  out_refund_no: string;
  transaction_id?: string;
  out_trade_no?: string;
  sp_mchid?: string;
  sub_mchid?: string;
  status?: string;
  refund_status?: string;
  success_time?: string;
  user_received_account?: string;
  amount?: { total?: number; refund?: number; payer_total?: number; payer_refund?: number; currency?: string };
}

/** The partner refund body: sub_mchid plus the usual fields. */
export interface CreateRefundBody {
  sub_mchid: string;
  transaction_id?: string;
  out_trade_no?: string;
  out_refund_no: string;
  reason?: string;
  notify_url: string;
  amount: { refund: number; total: number; currency: 'CNY' };
}

/** Asks for a refund; WeChat Pay deduplicates by out_refund_no, so a retry with the same one is safe. */
export async function createRefund(client: WxpayClient, sp: ServiceProviderCredentials, body: CreateRefundBody): Promise<WxRefund> {
  return (await client.call<WxRefund>(sp, { method: 'POST', path: '/v3/refund/domestic/refunds', body, idempotent: true })).data;
}

/** Queries a refund by out_refund_no. */
export async function queryRefund(client: WxpayClient, sp: ServiceProviderCredentials, subMchid: string, outRefundNo: string): Promise<WxRefund> {
  return (await client.call<WxRefund>(sp, { method: 'GET', path: `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`, query: { sub_mchid: subMchid } })).data;
}
