import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/*
 * WXBizMsgCrypt as WeChat's push server uses it (spec wave3 §1.3): SHA-1 over the sorted strings,
 * AES-256-CBC with the IV taken from the key's first 16 bytes, PKCS#7 padding to 32-byte blocks,
 * plaintext = random(16) ‖ len(4, big-endian bytes of the UTF-8 message) ‖ message ‖ appid.
 * The simulator's own implementation, independent of partnerpay's (both are held to the published
 * vectors), so a shared mistake cannot pass unnoticed.
 */

/** Lowercase hex SHA-1 of the sorted parts joined: `sha1Sorted('pamtest', '1409304348', 'xxxxxx', encA)` → `82c962d3...`. */
export function sha1Sorted(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** The 32-byte AES key of a 43-character EncodingAESKey (Base64 of key + "="). */
export function aesKeyOf(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey) || key.length !== 32) throw new Error('EncodingAESKey must be 43 letters or digits');
  return key;
}

/** Encrypts `message` for `appid` (the `Encrypt` value); `random` defaults to 16 fresh bytes. */
export function encryptMessage(encodingAesKey: string, appid: string, message: string, random: Buffer = randomBytes(16)): string {
  const key = aesKeyOf(encodingAesKey);
  const msg = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length);
  const plain = Buffer.concat([random, length, msg, Buffer.from(appid, 'utf8')]);
  // K = 32: a plaintext already a multiple of 32 gets a whole block of 0x20.
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

/** Decrypts an `Encrypt` value (the simulator reads nothing encrypted from partnerpay; kept for its tests and tools). */
export function decryptMessage(encodingAesKey: string, encrypt: string): { random: Buffer; message: string; appid: string } {
  const key = aesKeyOf(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const body = plain.subarray(0, plain.length - plain[plain.length - 1]);
  const length = body.readUInt32BE(16);
  return {
    random: body.subarray(0, 16),
    message: body.subarray(20, 20 + length).toString('utf8'),
    appid: body.subarray(20 + length).toString('utf8'),
  };
}

/** `<xml>` with one child per field: strings in CDATA (a `]]>` inside is split across two sections), numbers as text. */
export function pushXml(fields: Record<string, string | number>): string {
  const cdata = (v: string) => `<![CDATA[${v.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
  const children = Object.entries(fields).map(([k, v]) => `<${k}>${typeof v === 'number' ? String(v) : cdata(v)}</${k}>`);
  return `<xml>${children.join('')}</xml>`;
}

/** The query string and body WeChat POSTs to a component's 授权事件接收URL for one message. */
export function encryptedPush(p: {
  token: string;
  encodingAesKey: string;
  appid: string;
  message: string;
  timestamp: number;
  nonce: string;
  random?: Buffer;
}): { query: Record<string, string>; body: string } {
  const encrypt = encryptMessage(p.encodingAesKey, p.appid, p.message, p.random);
  const timestamp = String(p.timestamp);
  return {
    query: {
      signature: sha1Sorted(p.token, timestamp, p.nonce),
      timestamp,
      nonce: p.nonce,
      encrypt_type: 'aes',
      msg_signature: sha1Sorted(p.token, timestamp, p.nonce, encrypt),
    },
    body: pushXml({ AppId: p.appid, Encrypt: encrypt }),
  };
}
