import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** An `encrypt-resource` as WeChat Pay sends it (notification resource, encrypted certificate). */
export interface EncryptedResource {
  algorithm?: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

/** Raised when the APIv3 key is not 32 bytes or the ciphertext does not authenticate (almost always the wrong APIv3 key). */
export class AesGcmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AesGcmError';
  }
}

const TAG_LENGTH = 16;

function keyBytes(apiV3Key: string | Buffer): Buffer {
  const key = typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : apiV3Key;
  if (key.length !== 32) throw new AesGcmError(`APIv3 key must be 32 bytes, got ${key.length}`);
  return key;
}

/**
 * AEAD_AES_256_GCM decrypt: decryptResource({ciphertext: "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=", nonce: "uluk4a9R25RW",
 * associated_data: "associatedData"}, "a7cde1ZJ...") → "message".
 */
export function decryptResource(resource: EncryptedResource, apiV3Key: string | Buffer): string {
  const key = keyBytes(apiV3Key);
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < TAG_LENGTH) throw new AesGcmError('ciphertext is shorter than the GCM tag');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_LENGTH)), decipher.final()]).toString('utf8');
  } catch {
    throw new AesGcmError('resource did not decrypt: wrong APIv3 key, nonce or associated_data');
  }
}

/** AEAD_AES_256_GCM encrypt (the simulator's side). A 12-char nonce is generated when none is given. */
export function encryptResource(
  plaintext: string,
  apiV3Key: string | Buffer,
  associatedData = '',
  nonce = randomBytes(9).toString('base64url').slice(0, 12),
): Required<EncryptedResource> {
  const key = keyBytes(apiV3Key);
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: body.toString('base64'), nonce, associated_data: associatedData };
}
