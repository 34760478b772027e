import type { KeyObject } from 'node:crypto';
import { nonce, paySignMessage, signSha256Rsa } from '@partnerpay/wxpay';

/** Exactly what the mini-program passes to `wx.requestPayment` (spec §4). */
export interface PaymentParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/**
 * Signs fresh `wx.requestPayment` parameters with the service provider's merchant key. `appId` must
 * be the app the payer is in: the tenant's sub_appid, or the ISV's sp_appid for centralized apps.
 */
export function paymentParams(appId: string, prepayId: string, merchantKey: KeyObject, nowMs: number): PaymentParams {
  const timeStamp = String(Math.floor(nowMs / 1000));
  const nonceStr = nonce(32);
  const pkg = `prepay_id=${prepayId}`;
  return {
    appId,
    timeStamp,
    nonceStr,
    package: pkg,
    signType: 'RSA',
    paySign: signSha256Rsa(paySignMessage(appId, timeStamp, nonceStr, pkg), merchantKey),
  };
}

/** The OpenSDK `PayReq` an app passes to WeChat (spec wave2 §6): signed over appId, timeStamp, nonceStr and prepayId. */
export interface AppPayReq {
  appid: string;
  /** The sub-merchant's mchid (v2 partner doc; UNCONFIRMED for v3). */
  partnerid: string;
  prepayid: string;
  package: 'Sign=WXPay';
  noncestr: string;
  timestamp: string;
  sign: string;
}

/** Signs fresh APP payment parameters for `appId` (the mobile app the buyer pays in) with the provider's merchant key. */
export function appPayReq(appId: string, subMchid: string, prepayId: string, merchantKey: KeyObject, nowMs: number): AppPayReq {
  const timestamp = String(Math.floor(nowMs / 1000));
  const noncestr = nonce(32);
  return {
    appid: appId,
    partnerid: subMchid,
    prepayid: prepayId,
    package: 'Sign=WXPay',
    noncestr,
    timestamp,
    sign: signSha256Rsa(paySignMessage(appId, timestamp, noncestr, prepayId), merchantKey),
  };
}
