import { rsaOaepEncrypt } from './crypto';
import type { PlatformKeys } from './client-port';
import type { ServiceProviderCredentials } from './credentials';

/** Plaintexts encrypted for one request, plus the header that must go with them. */
export interface EncryptedFields<K extends string> {
  /** Base64 RSA-OAEP ciphertexts by the same names. */
  fields: Record<K, string>;
  /** Put these on the WxpayCall (`headers`): WeChat Pay needs to know which key encrypted the fields. */
  headers: { 'Wechatpay-Serial': string };
}

/**
 * RSA-OAEP (SHA-1/MGF1-SHA-1) encrypts sensitive fields (names, ID numbers, bank accounts; ≤ 214 bytes
 * each) with one platform key — the public key in public-key mode, else the newest platform
 * certificate — and returns the `Wechatpay-Serial` header naming it (spec §10). One key per request.
 * encryptSensitive(keys, sp, { name: '张三' }) → { fields: { name: 'Qqsl...' }, headers: { 'Wechatpay-Serial': 'PUB_KEY_ID_...' } }
 */
export async function encryptSensitive<K extends string>(
  keys: PlatformKeys,
  sp: ServiceProviderCredentials,
  plaintexts: Record<K, string>,
): Promise<EncryptedFields<K>> {
  if (!keys.encryptionKey) throw new Error('this PlatformKeys cannot encrypt sensitive fields');
  const { serial, key } = await keys.encryptionKey(sp);
  const fields = {} as Record<K, string>;
  for (const name of Object.keys(plaintexts) as K[]) fields[name] = rsaOaepEncrypt(plaintexts[name], key);
  return { fields, headers: { 'Wechatpay-Serial': serial } };
}
