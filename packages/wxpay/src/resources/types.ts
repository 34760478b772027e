/**
 * Request and response shapes of the partner (服务商) endpoints partnerpay calls, named after WeChat
 * Pay's own fields (spec §2.1, §3, §5, §6, §8, §9). Amounts are integer fen.
 */
import type { EncryptedResource } from '../crypto';

export interface Amount {
  total: number;
  currency?: 'CNY';
}

/** POST /v3/pay/partner/transactions/jsapi (mini-program and JSAPI share it). */
export interface PartnerJsapiOrderRequest {
  sp_appid: string;
  sp_mchid: string;
  sub_appid?: string;
  sub_mchid: string;
  description: string;
  out_trade_no: string;
  /** RFC 3339, e.g. 2018-06-08T10:34:56+08:00. */
  time_expire?: string;
  attach?: string;
  notify_url: string;
  goods_tag?: string;
  settle_info?: { profit_sharing?: boolean };
  support_fapiao?: boolean;
  amount: Amount;
  /** One of sp_openid (payer in the SP's app) or sub_openid (payer in the sub-merchant's app, needs sub_appid). */
  payer: { sp_openid?: string; sub_openid?: string };
  detail?: {
    cost_price?: number;
    invoice_id?: string;
    goods_detail?: Array<{
      merchant_goods_id: string;
      wechatpay_goods_id?: string;
      goods_name?: string;
      quantity: number;
      unit_price: number;
    }>;
  };
  scene_info?: {
    payer_client_ip: string;
    device_id?: string;
    store_info?: { id: string; name?: string; area_code?: string; address?: string };
  };
}

export interface PrepayResponse {
  prepay_id: string;
}

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR' | 'ACCEPT';

/** The partner Transaction: query answers and decrypted TRANSACTION.SUCCESS notifications. */
export interface PartnerTransaction {
  sp_appid: string;
  sp_mchid: string;
  sub_appid?: string;
  sub_mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: 'JSAPI' | 'NATIVE' | 'APP' | 'MICROPAY' | 'MWEB' | 'FACEPAY';
  trade_state: TradeState;
  trade_state_desc?: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { sp_openid?: string; sub_openid?: string };
  amount?: { total?: number; payer_total?: number; currency?: string; payer_currency?: string };
  scene_info?: { device_id?: string };
  promotion_detail?: Array<{
    coupon_id: string;
    name?: string;
    scope?: 'GLOBAL' | 'SINGLE';
    type?: 'CASH' | 'NOCASH';
    amount: number;
    stock_id?: string;
    wechatpay_contribute?: number;
    merchant_contribute?: number;
    other_contribute?: number;
    currency?: string;
    goods_detail?: Array<{ goods_id: string; quantity: number; unit_price: number; discount_amount: number; goods_remark?: string }>;
  }>;
}

/** POST /v3/refund/domestic/refunds (partner: with sub_mchid). One of transaction_id / out_trade_no. */
export interface CreateRefundRequest {
  sub_mchid: string;
  transaction_id?: string;
  out_trade_no?: string;
  out_refund_no: string;
  reason?: string;
  notify_url?: string;
  funds_account?: 'AVAILABLE' | 'UNSETTLED';
  amount: { refund: number; total: number; currency: 'CNY'; from?: Array<{ account: 'AVAILABLE' | 'UNAVAILABLE'; amount: number }> };
  goods_detail?: Array<{
    merchant_goods_id: string;
    wechatpay_goods_id?: string;
    goods_name?: string;
    unit_price: number;
    refund_amount: number;
    refund_quantity: number;
  }>;
}

export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

export interface Refund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel?: 'ORIGINAL' | 'BALANCE' | 'OTHER_BALANCE' | 'OTHER_BANKCARD';
  user_received_account?: string;
  success_time?: string;
  create_time?: string;
  status: RefundStatus;
  funds_account?: string;
  amount: {
    total: number;
    refund: number;
    from?: Array<{ account: string; amount: number }>;
    payer_total?: number;
    payer_refund?: number;
    settlement_refund?: number;
    settlement_total?: number;
    discount_refund?: number;
    currency?: string;
    refund_fee?: number;
  };
  promotion_detail?: Array<{
    promotion_id: string;
    scope?: string;
    type?: string;
    amount: number;
    refund_amount: number;
    goods_detail?: unknown[];
  }>;
}

/** GET /v3/certificates. */
export interface CertificatesResponse {
  data: Array<{ serial_no: string; effective_time: string; expire_time: string; encrypt_certificate: EncryptedResource }>;
}

/** GET /v3/bill/tradebill query. Omit sub_mchid to get every sub-merchant of the SP. */
export interface TradeBillRequest {
  bill_date: string;
  sub_mchid?: string;
  bill_type?: 'ALL' | 'SUCCESS' | 'REFUND';
  tar_type?: 'GZIP';
}

/** GET /v3/bill/fundflowbill query: the SP's own accounts only (no sub_mchid for ordinary SPs). */
export interface FundflowBillRequest {
  bill_date: string;
  account_type?: 'BASIC' | 'OPERATION' | 'FEES';
  tar_type?: 'GZIP';
}

/** A bill application's answer; download_url is valid for minutes (30 s on older pages): download at once. */
export interface BillResponse {
  hash_type: 'SHA1' | string;
  hash_value: string;
  download_url: string;
}

/** GET /v3/bill/sub-merchant-fundflowbill query: one sub-merchant's fund flow, encrypted for the SP. */
export interface SubMerchantFundflowBillRequest {
  sub_mchid: string;
  bill_date: string;
  account_type: 'BASIC' | 'OPERATION' | 'FEES';
  algorithm: 'AEAD_AES_256_GCM';
  tar_type?: 'GZIP';
}

/** Its answer: the file's parts in bill_sequence order, each encrypted with its own key (RSA-OAEP for the SP's key). */
export interface SubMerchantFundflowBillResponse {
  download_bill_count: number;
  download_bill_list: Array<{
    bill_sequence: number;
    download_url: string;
    encrypt_key: string;
    hash_type: string;
    hash_value: string;
    nonce: string;
  }>;
}
