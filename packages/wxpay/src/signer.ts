import { authorizationHeader, nonce as newNonce, requestMessage, signSha256Rsa } from './crypto';
import type { ServiceProviderCredentials } from './credentials';

/**
 * The Authorization header for one request: `WECHATPAY2-SHA256-RSA2048 mchid="<sp_mchid>",...` over
 * `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`, where PATH?QUERY and BODY are the exact bytes sent.
 * In partner mode the mchid is always the service provider's, never the sub-merchant's (spec §0).
 */
export function signRequest(
  sp: ServiceProviderCredentials,
  method: string,
  pathWithQuery: string,
  body: string,
  timestampSeconds: number,
  nonceStr = newNonce(),
): string {
  const timestamp = String(timestampSeconds);
  const signature = signSha256Rsa(requestMessage(method, pathWithQuery, timestamp, nonceStr, body), sp.merchantPrivateKey);
  return authorizationHeader({ mchid: sp.spMchid, nonce_str: nonceStr, timestamp, serial_no: sp.merchantSerialNo, signature });
}
