import type { KeyObject } from 'node:crypto';
import { responseMessage } from './canonical-message';
import { verifySha256Rsa } from './rsa';

/** The signature headers WeChat Pay puts on every response and notification (lower-cased names). */
export interface WechatpayHeaders {
  timestamp?: string;
  nonce?: string;
  serial?: string;
  signature?: string;
}

/** Picks the signature headers out of a lower-cased header map (node's IncomingHttpHeaders, undici's headers). */
export function pickWechatpayHeaders(headers: Record<string, string | string[] | undefined>): WechatpayHeaders {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    timestamp: one('wechatpay-timestamp'),
    nonce: one('wechatpay-nonce'),
    serial: one('wechatpay-serial'),
    signature: one('wechatpay-signature'),
  };
}

export type VerifyFailure = 'missing_headers' | 'stale_timestamp' | 'signtest_probe' | 'unknown_serial' | 'bad_signature';
export type VerifyResult = { ok: true; serial: string } | { ok: false; reason: VerifyFailure; serial?: string };

/** WeChat Pay deliberately sends wrong signatures with this prefix to check that we verify (spec §1.4). */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * Verifies a WeChat Pay response or notification over `ts\nnonce\nbody\n` with the raw body.
 * `keyFor(serial)` returns the platform certificate or public key for that serial (PUB_KEY_ID_... or a cert serial).
 * verifyWechatpaySignature({timestamp:'1722850421',...}, '{"code_url":...}', 1722850421, keyFor) → {ok: true, serial: 'PUB_KEY_ID_...'}
 */
export function verifyWechatpaySignature(
  h: WechatpayHeaders,
  rawBody: string,
  nowSeconds: number,
  keyFor: (serial: string) => KeyObject | undefined,
  maxSkewSeconds = MAX_CLOCK_SKEW_SECONDS,
): VerifyResult {
  if (!h.timestamp || !h.nonce || !h.serial || !h.signature) return { ok: false, reason: 'missing_headers', serial: h.serial };
  const ts = Number(h.timestamp);
  if (!/^\d{1,12}$/.test(h.timestamp) || Math.abs(nowSeconds - ts) > maxSkewSeconds)
    return { ok: false, reason: 'stale_timestamp', serial: h.serial };
  if (h.signature.startsWith(SIGNTEST_PREFIX)) return { ok: false, reason: 'signtest_probe', serial: h.serial };
  const key = keyFor(h.serial);
  if (!key) return { ok: false, reason: 'unknown_serial', serial: h.serial };
  if (!verifySha256Rsa(responseMessage(h.timestamp, h.nonce, rawBody), h.signature, key))
    return { ok: false, reason: 'bad_signature', serial: h.serial };
  return { ok: true, serial: h.serial };
}
