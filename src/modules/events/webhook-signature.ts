import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 hex over `${t}.${body}`: the v1 value of our `Partnerpay-Signature` header to tenants. */
export function webhookSignatureV1(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/** Builds `t=<unix>,v1=<hex>[,v1=<hex>]`, one v1 per active secret (several during a rotation). */
export function webhookSignatureHeader(secrets: string[], timestamp: number, rawBody: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${webhookSignatureV1(s, timestamp, rawBody)}`)].join(',');
}

/** Constant-time check of a `Partnerpay-Signature` header, as a tenant would do it; true when any v1 matches within the tolerance. */
export function verifyWebhookSignature(
  header: string,
  secret: string,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = header.split(',').map((p) => p.split('=', 2) as [string, string]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignatureV1(secret, t, rawBody), 'hex');
  return parts.some(([k, v]) => {
    if (k !== 'v1' || !/^[0-9a-f]{64}$/.test(v ?? '')) return false;
    return timingSafeEqual(Buffer.from(v, 'hex'), expected);
  });
}
