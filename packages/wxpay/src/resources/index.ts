/**
 * Thin typed calls to the partner endpoints. The tenant travels with each call: `sp` (the service
 * provider's credentials) and sub_mchid; the client holds no tenant state.
 */
import { Readable } from 'node:stream';
import type { ServiceProviderCredentials } from '../credentials';
import type { WxpayClient, WxpayDownload, WxpayDownloadStream } from '../client-port';
import type {
  BillResponse,
  CertificatesResponse,
  CreateRefundRequest,
  FundflowBillRequest,
  PartnerJsapiOrderRequest,
  PartnerTransaction,
  PrepayResponse,
  Refund,
  SubMerchantFundflowBillRequest,
  SubMerchantFundflowBillResponse,
  TradeBillRequest,
} from './types';

export * from './types';
export * from './payment-modes';

const seg = encodeURIComponent;

/** Creates a JSAPI / mini-program order; WeChat Pay deduplicates by out_trade_no, so it is retried like a GET. */
export async function createJsapiOrder(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  body: PartnerJsapiOrderRequest,
): Promise<PrepayResponse> {
  return (await client.call<PrepayResponse>(sp, { method: 'POST', path: '/v3/pay/partner/transactions/jsapi', body, idempotent: true }))
    .data;
}

/** Queries an order by our out_trade_no (the only way while it is unpaid). */
export async function queryOrderByOutTradeNo(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  subMchid: string,
  outTradeNo: string,
): Promise<PartnerTransaction> {
  const path = `/v3/pay/partner/transactions/out-trade-no/${seg(outTradeNo)}`;
  return (await client.call<PartnerTransaction>(sp, { method: 'GET', path, query: { sp_mchid: sp.spMchid, sub_mchid: subMchid } })).data;
}

/** Queries a paid order by WeChat Pay's transaction_id. */
export async function queryOrderByTransactionId(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  subMchid: string,
  transactionId: string,
): Promise<PartnerTransaction> {
  const path = `/v3/pay/partner/transactions/id/${seg(transactionId)}`;
  return (await client.call<PartnerTransaction>(sp, { method: 'GET', path, query: { sp_mchid: sp.spMchid, sub_mchid: subMchid } })).data;
}

/** Closes an unpaid order (204). Re-entrant upstream, hence idempotent. A paid order answers ORDER_PAID. */
export async function closeOrder(client: WxpayClient, sp: ServiceProviderCredentials, subMchid: string, outTradeNo: string): Promise<void> {
  const path = `/v3/pay/partner/transactions/out-trade-no/${seg(outTradeNo)}/close`;
  await client.call(sp, { method: 'POST', path, body: { sp_mchid: sp.spMchid, sub_mchid: subMchid }, idempotent: true });
}

/** Applies for a refund; WeChat Pay refunds one out_refund_no once, so retrying with the same body is safe. */
export async function createRefund(client: WxpayClient, sp: ServiceProviderCredentials, body: CreateRefundRequest): Promise<Refund> {
  return (await client.call<Refund>(sp, { method: 'POST', path: '/v3/refund/domestic/refunds', body, idempotent: true })).data;
}

/** Queries a refund by our out_refund_no. */
export async function queryRefund(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  subMchid: string,
  outRefundNo: string,
): Promise<Refund> {
  const path = `/v3/refund/domestic/refunds/${seg(outRefundNo)}`;
  return (await client.call<Refund>(sp, { method: 'GET', path, query: { sub_mchid: subMchid } })).data;
}

/** The encrypted platform certificate list (PlatformKeys decrypts and keeps them; this is for tools). */
export async function downloadCertificates(client: WxpayClient, sp: ServiceProviderCredentials): Promise<CertificatesResponse> {
  return (await client.call<CertificatesResponse>(sp, { method: 'GET', path: '/v3/certificates' })).data;
}

/** Applies for a trade bill (all sub-merchants when sub_mchid is omitted). */
export async function applyTradeBill(client: WxpayClient, sp: ServiceProviderCredentials, q: TradeBillRequest): Promise<BillResponse> {
  return (
    await client.call<BillResponse>(sp, {
      method: 'GET',
      path: '/v3/bill/tradebill',
      query: { bill_date: q.bill_date, sub_mchid: q.sub_mchid, bill_type: q.bill_type, tar_type: q.tar_type },
    })
  ).data;
}

/** Applies for the SP's own fund-flow bill. */
export async function applyFundflowBill(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  q: FundflowBillRequest,
): Promise<BillResponse> {
  return (
    await client.call<BillResponse>(sp, {
      method: 'GET',
      path: '/v3/bill/fundflowbill',
      query: { bill_date: q.bill_date, account_type: q.account_type, tar_type: q.tar_type },
    })
  ).data;
}

/** Applies for one sub-merchant's fund-flow bill (the files are encrypted: partnerpay decrypts them in src/modules/bills/fundflow.ts). */
export async function applySubMerchantFundflowBill(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  q: SubMerchantFundflowBillRequest,
): Promise<SubMerchantFundflowBillResponse> {
  const query = {
    sub_mchid: q.sub_mchid,
    bill_date: q.bill_date,
    account_type: q.account_type,
    algorithm: q.algorithm,
    tar_type: q.tar_type,
  };
  return (await client.call<SubMerchantFundflowBillResponse>(sp, { method: 'GET', path: '/v3/bill/sub-merchant-fundflowbill', query }))
    .data;
}

/**
 * Downloads a bill file from its download_url as a stream (the client's own stream when it has one;
 * a fake with only `download` has its Buffer wrapped). The answer is unsigned: hash what flows through.
 */
export async function downloadBillStream(
  client: WxpayClient,
  sp: ServiceProviderCredentials,
  downloadUrl: string,
): Promise<WxpayDownloadStream> {
  if (client.downloadStream) return client.downloadStream(sp, downloadUrl);
  const file = await downloadBill(client, sp, downloadUrl);
  return { ...file, body: Readable.from([file.body]) };
}

/** Downloads a bill file from its download_url. The answer is unsigned: check it with billHashMatches(body, hash_type, hash_value). */
export async function downloadBill(client: WxpayClient, sp: ServiceProviderCredentials, downloadUrl: string): Promise<WxpayDownload> {
  if (!client.download) throw new Error('this WxpayClient cannot download bills');
  return client.download(sp, downloadUrl);
}
