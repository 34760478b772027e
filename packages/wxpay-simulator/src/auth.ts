import { randomBytes } from 'node:crypto';
import {
  nonce as newNonce,
  parseAuthorizationHeader,
  requestMessage,
  responseMessage,
  signSha256Rsa,
  verifySha256Rsa,
  AUTH_SCHEME,
  SIGNTEST_PREFIX,
} from '@partnerpay/wxpay';
import type { PlatformIdentity } from './keys';
import type { ServiceProvider, SimState } from './state';
import { WxError } from './errors';

/** WeChat Pay's window for request timestamps (the SDKs use the same 300 s for responses). */
export const REQUEST_SKEW_SECONDS = 300;

/** What to do to a signature (fault injection). */
export interface SignTamper {
  /** Sign, then corrupt the signature (a valid Base64 string that does not verify). */
  badSignature?: boolean;
  /** Shift Wechatpay-Timestamp by this many seconds. */
  skewSeconds?: number;
  /** Send a `WECHATPAY/SIGNTEST/...` probe signature instead (spec §1.4). */
  signtest?: boolean;
}

/** The serial a provider sees on responses and notifications: the public key id or the certificate serial, by its verification mode. */
export function serialFor(identity: PlatformIdentity, provider?: ServiceProvider): string {
  return provider?.verification === 'certificate' ? identity.certificateSerial : identity.publicKeyId;
}

/** The Wechatpay-* headers over `ts\nnonce\nbody\n`, signed with the platform private key. */
export function wechatpayHeaders(
  identity: Pick<PlatformIdentity, 'privateKey'>,
  serial: string,
  body: string,
  nowSeconds: number,
  tamper: SignTamper = {},
): Record<string, string> {
  const timestamp = String(nowSeconds + (tamper.skewSeconds ?? 0));
  const nonce = newNonce(32);
  let signature = signSha256Rsa(responseMessage(timestamp, nonce, body), identity.privateKey);
  if (tamper.badSignature) {
    const sig = Buffer.from(signature, 'base64');
    sig[10] ^= 0xff;
    signature = sig.toString('base64');
  }
  if (tamper.signtest) signature = `${SIGNTEST_PREFIX}${randomBytes(24).toString('base64')}`;
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': serial,
    'Wechatpay-Signature': signature,
    'Wechatpay-Signature-Type': AUTH_SCHEME,
  };
}

export interface IncomingSigned {
  method: string;
  /** Candidate canonical URLs, best first: the URL as received, then the URL below the mount path. */
  urls: string[];
  authorization?: string;
  body: string;
}

/**
 * Verifies a request's Authorization like WeChat Pay: the mchid must be a known service provider, the
 * serial its merchant certificate serial exactly (upper-case hex, as WeChat Pay insists), the timestamp within
 * 5 minutes, and the signature valid over the canonical message with the registered merchant public key.
 * Every failure is 401 SIGN_ERROR.
 */
export function verifyRequest(state: SimState, req: IncomingSigned, nowSeconds: number): ServiceProvider {
  const auth = parseAuthorizationHeader(req.authorization);
  if (!auth) throw WxError.sign('Authorization头缺失或格式错误 (WECHATPAY2-SHA256-RSA2048 mchid,nonce_str,timestamp,serial_no,signature)');
  const provider = state.providers.get(auth.mchid);
  if (!provider) throw WxError.sign(`商户号${auth.mchid}不存在或未配置`);
  // Compared as sent: WeChat Pay refuses a lower-case serial_no (the certificate's serial is upper-case hex).
  if (auth.serial_no !== provider.merchant_serial_no) throw WxError.sign('商户证书序列号有误。');
  if (!/^\d{10}$/.test(auth.timestamp) || Math.abs(nowSeconds - Number(auth.timestamp)) > REQUEST_SKEW_SECONDS) {
    throw WxError.sign('请求时间戳与服务器时间相差过大，请检查后再试');
  }
  const ok = req.urls.some((url) =>
    verifySha256Rsa(requestMessage(req.method, url, auth.timestamp, auth.nonce_str, req.body), auth.signature, provider.merchantKey),
  );
  if (!ok) throw WxError.sign('签名错误，请检查后再试');
  return provider;
}
