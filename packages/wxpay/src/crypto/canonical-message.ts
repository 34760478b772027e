/**
 * The exact byte strings WeChat Pay APIv3 signs. Pure functions: no keys, no I/O, no config.
 * Every line ends with "\n", the last one included (spec §1.1, §1.3, §4).
 */

/** Request message. requestMessage('GET', '/v3/certificates', 1554208460, 'N', '') → "GET\n/v3/certificates\n1554208460\nN\n\n" */
export function requestMessage(method: string, pathWithQuery: string, timestamp: number | string, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** Response / notification message. responseMessage('1722850421', 'n', '{}') → "1722850421\nn\n{}\n" */
export function responseMessage(timestamp: number | string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/**
 * wx.requestPayment message. paySignMessage('wx24..', '1554208460', 'N', 'prepay_id=wx20..') →
 * "wx24..\n1554208460\nN\nprepay_id=wx20..\n"
 */
export function paySignMessage(appId: string, timeStamp: string, nonceStr: string, pkg: string): string {
  return `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`;
}

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

export interface AuthorizationParams {
  mchid: string;
  nonce_str: string;
  timestamp: string;
  serial_no: string;
  signature: string;
}

/** Authorization header value: `WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="1",serial_no="S",signature="sig"`. */
export function authorizationHeader(p: AuthorizationParams): string {
  return (
    `${AUTH_SCHEME} mchid="${p.mchid}",nonce_str="${p.nonce_str}",timestamp="${p.timestamp}",` +
    `serial_no="${p.serial_no}",signature="${p.signature}"`
  );
}

/** Parses an Authorization header (pairs in any order); undefined when the scheme or a pair is missing. */
export function parseAuthorizationHeader(value: string | undefined): AuthorizationParams | undefined {
  if (!value || !value.startsWith(AUTH_SCHEME + ' ')) return undefined;
  const pairs: Record<string, string> = {};
  // Values are quoted and never contain a quote, so a simple scan is exact.
  for (const m of value.slice(AUTH_SCHEME.length + 1).matchAll(/(\w+)="([^"]*)"/g)) pairs[m[1]] = m[2];
  const { mchid, nonce_str, timestamp, serial_no, signature } = pairs;
  if (!mchid || !nonce_str || !timestamp || !serial_no || !signature) return undefined;
  return { mchid, nonce_str, timestamp, serial_no, signature };
}
