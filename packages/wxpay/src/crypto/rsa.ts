import { createSign, createVerify, KeyObject, privateDecrypt, publicEncrypt, constants } from 'node:crypto';

/** Base64 SHA256withRSA (PKCS#1 v1.5). signSha256Rsa(paySignMessage(...), docKey) → "mI35pfNEQV6777ke/1T+..." (spec §15.1). */
export function signSha256Rsa(message: string, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

/** True when `signatureB64` is a valid SHA256withRSA signature of `message`; false (never throws) on any malformed input. */
export function verifySha256Rsa(message: string, signatureB64: string, publicKey: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKey, signatureB64, 'base64');
  } catch {
    return false;
  }
}

/** RSA-OAEP (SHA-1, MGF1-SHA-1) encryption of a sensitive field, Base64 (spec §10.1). At most 214 bytes of plaintext. */
export function rsaOaepEncrypt(plaintext: string, publicKey: KeyObject): string {
  const data = Buffer.from(plaintext, 'utf8');
  if (data.length > 214) throw new RangeError('RSA-OAEP plaintext is over 214 bytes');
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, data).toString('base64');
}

/** RSA-OAEP (SHA-1, MGF1-SHA-1) decryption. rsaOaepDecrypt("Qqsluo7R...", javaSdkKey) → "plaintext" (spec §15.5). */
export function rsaOaepDecrypt(ciphertextB64: string, privateKey: KeyObject): string {
  return privateDecrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(ciphertextB64, 'base64'),
  ).toString('utf8');
}
