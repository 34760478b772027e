import type { KeyObject } from 'node:crypto';
import {
  AesGcmError,
  decryptResource,
  KeyError,
  loadCertificate,
  pickWechatpayHeaders,
  verifyWechatpaySignature,
  type CertificateInfo,
} from '../crypto';
import type { ServiceProviderCredentials } from '../credentials';
import { WxpayApiError, WxpayDecryptionError, WxpayMalformedError, WxpaySignatureError, type WxpayErrorBody } from '../errors';
import type { CertificatesResponse } from '../resources/types';
import type { WxpayTransport } from '../transport';

export const CERTIFICATES_PATH = '/v3/certificates';

/**
 * Downloads, decrypts and checks the platform certificates of one service provider.
 *
 * Each `encrypt_certificate` is AEAD_AES_256_GCM-decrypted with the APIv3 key; the certificate's own
 * serial must equal `serial_no`, and expired ones are dropped. The answer itself is verified like
 * any other, with a key we already trust or, on first contact, with one of the certificates it
 * carries — what wechatpay-go's downloader and wechatpay-java's auto-certificate config do. That
 * bootstrap is sound because only someone holding our APIv3 key can produce certificates that
 * authenticate under AES-GCM, and the channel is TLS to WeChat Pay's host.
 */
export async function fetchPlatformCertificates(
  transport: WxpayTransport,
  sp: ServiceProviderCredentials,
  nowMs: number,
  knownKey: (serial: string) => KeyObject | undefined,
): Promise<CertificateInfo[]> {
  const headers: Record<string, string> = sp.verification.mode === 'public_key' ? { 'Wechatpay-Serial': sp.verification.publicKeyId } : {};
  const raw = await transport.exchange(sp, { method: 'GET', path: CERTIFICATES_PATH, body: '', headers, idempotent: true });
  const text = raw.body.toString('utf8');
  const requestId = [raw.headers['request-id']].flat()[0];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  // e.g. 404 RESOURCE_NOT_EXISTS for an account on the public-key scheme (spec §2.1).
  if (raw.status !== 200) throw new WxpayApiError(raw.status, (parsed ?? {}) as WxpayErrorBody, requestId, false);
  const list = (parsed as CertificatesResponse | undefined)?.data;
  if (!Array.isArray(list)) throw new WxpayMalformedError('certificate list without data[]', requestId);

  const fresh = new Map<string, CertificateInfo>();
  for (const item of list) {
    let pem: string;
    try {
      pem = decryptResource(item.encrypt_certificate, sp.apiV3Key);
    } catch (e) {
      if (e instanceof AesGcmError)
        throw new WxpayDecryptionError(`platform certificate ${item.serial_no} did not decrypt: check the APIv3 key of ${sp.spMchid}`, {
          cause: e,
        });
      throw e;
    }
    let cert: CertificateInfo;
    try {
      cert = loadCertificate(pem, `platform certificate ${item.serial_no}`);
    } catch (e) {
      if (e instanceof KeyError) throw new WxpayMalformedError(e.message, requestId, { cause: e });
      throw e;
    }
    if (cert.serialNo !== String(item.serial_no).toUpperCase())
      throw new WxpayMalformedError(`platform certificate serial ${cert.serialNo} does not match serial_no ${item.serial_no}`, requestId);
    if (cert.notAfter.getTime() <= nowMs) continue;
    fresh.set(cert.serialNo, cert);
  }

  const keyFor = (serial: string) => knownKey(serial) ?? usable(fresh.get(serial), nowMs)?.publicKey;
  const verified = verifyWechatpaySignature(pickWechatpayHeaders(raw.headers), text, Math.floor(nowMs / 1000), keyFor);
  if (!verified.ok) throw new WxpaySignatureError(verified.reason, verified.serial, requestId);
  return [...fresh.values()];
}

/** The certificate when it is within its validity at `nowMs`. */
export function usable(cert: CertificateInfo | undefined, nowMs: number): CertificateInfo | undefined {
  return cert && cert.notBefore.getTime() <= nowMs && nowMs < cert.notAfter.getTime() ? cert : undefined;
}
