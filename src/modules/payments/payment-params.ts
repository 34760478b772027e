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
