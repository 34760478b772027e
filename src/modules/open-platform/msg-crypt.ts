import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/*
 * WXBizMsgCrypt, the open platform's push crypto (spec wave3 §1.3), pure: no I/O, no config. Every
 * refusal is a MsgCryptError carrying the official sample's code (-40001 signature, -40004 key,
 * -40005 AppID, -40007 decryption, -40008 buffer, -40010 base64), so the route can answer 400 with it.
 * Unlike the official sample, easywechat and WxJava, a bad pad byte is refused (not read as "no
 * padding") and the trailing AppID is always checked.
 */

/** Why a push was refused, with WXBizMsgCrypt's code (null for checks the sample does not make, such as a stale timestamp). */
export class MsgCryptError extends Error {
  constructor(
    readonly wxCode: number | null,
    readonly check: string,
    message: string,
  ) {
    super(message);
    this.name = 'MsgCryptError';
  }
}

/** Lowercase hex SHA-1 of the sorted parts joined: `sha1Sorted('spamtest', '1409735669', '1320562132')` → `16120ec1…`. */
export function sha1Sorted(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** The 32-byte AES key of an EncodingAESKey: `aesKeyOf('abcdefg…789ABCDEFG')` → 32 bytes starting `69 b7 1d 79`. */
export function aesKeyOf(encodingAesKey: string): Buffer {
  const key = /^[A-Za-z0-9]{43}$/.test(encodingAesKey) ? Buffer.from(`${encodingAesKey}=`, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new MsgCryptError(-40004, 'encoding_aes_key', 'the EncodingAESKey must be 43 letters or digits');
  return key;
}

/** True when `given` is the SHA-1 of the sorted parts, compared in constant time (a malformed value is simply false). */
export function signatureMatches(given: string, ...parts: string[]): boolean {
  if (!/^[0-9a-fA-F]{40}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), Buffer.from(sha1Sorted(...parts), 'hex'));
}

/**
 * Decrypts one `Encrypt` value with `key` and returns the message, after checking the PKCS#7 pad
 * (1-32 bytes, all equal), the 4-byte length against what is left, and the trailing AppID.
 * Vector A: key of `abcdefg…ABCDEFG`, appid `wxb11529c136998cb6` → `我是中文abcd123`.
 */
export function decryptMessage(key: Buffer, encrypt: string, appid: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypt) || encrypt.length % 4 !== 0)
    throw new MsgCryptError(-40010, 'encrypt', 'Encrypt is not base64');
  const cipher = Buffer.from(encrypt, 'base64');
  if (cipher.length === 0 || cipher.length % 16 !== 0)
    throw new MsgCryptError(-40007, 'decrypt', 'Encrypt is not a whole number of AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  // Padding is PKCS#7 to 32-byte blocks (pad values up to 32), which Node's 16-byte unpadding refuses.
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(cipher), decipher.final()]);
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > 32 || pad > plain.length || plain.subarray(plain.length - pad).some((b) => b !== pad))
    throw new MsgCryptError(-40007, 'padding', 'the decrypted message is not padded as WXBizMsgCrypt pads it');
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < 20) throw new MsgCryptError(-40008, 'buffer', 'the decrypted message is too short');
  const length = body.readUInt32BE(16);
  if (length > body.length - 20) throw new MsgCryptError(-40008, 'buffer', 'the message length runs past the end of the buffer');
  const trailing = body.subarray(20 + length);
  if (!trailing.equals(Buffer.from(appid, 'utf8'))) throw new MsgCryptError(-40005, 'appid', 'the message was encrypted for another AppID');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(20, 20 + length));
  } catch {
    throw new MsgCryptError(-40008, 'buffer', 'the message is not UTF-8');
  }
}

/** One push as it arrives: the query parameters and the `Encrypt` value of its body. */
export interface PushEnvelope {
  timestamp: string;
  nonce: string;
  msgSignature: string;
  /** The plain `signature` query parameter, when sent (checked too). */
  signature?: string;
  encrypt: string;
}

/** What checking a push needs: the component's token, its keys (current first, then the previous one during a rotation), its AppID. */
export interface PushSecrets {
  token: string;
  keys: Buffer[];
  appid: string;
}

/** How far a push's timestamp may be from now (replays of an old push are refused). */
export const MAX_PUSH_SKEW_SECONDS = 300;

/**
 * Checks and opens one push: a fresh timestamp, `msg_signature` (and `signature` when sent) in
 * constant time, then decryption with the current key or, during a rotation, the previous one.
 * Answers the message and which key opened it (0 = current).
 */
export function openPush(p: PushEnvelope, s: PushSecrets, nowSeconds: number): { message: string; keyIndex: number } {
  if (!/^\d{1,12}$/.test(p.timestamp) || Math.abs(nowSeconds - Number(p.timestamp)) > MAX_PUSH_SKEW_SECONDS)
    throw new MsgCryptError(null, 'timestamp', `timestamp is missing or more than ${MAX_PUSH_SKEW_SECONDS} s from now (a replayed push?)`);
  if (!signatureMatches(p.msgSignature, s.token, p.timestamp, p.nonce, p.encrypt))
    throw new MsgCryptError(-40001, 'msg_signature', 'msg_signature does not match');
  if (p.signature !== undefined && !signatureMatches(p.signature, s.token, p.timestamp, p.nonce))
    throw new MsgCryptError(-40001, 'signature', 'signature does not match');
  let first: unknown;
  for (const [keyIndex, key] of s.keys.entries()) {
    try {
      return { message: decryptMessage(key, p.encrypt, s.appid), keyIndex };
    } catch (e) {
      first ??= e;
    }
  }
  throw first ?? new MsgCryptError(-40004, 'encoding_aes_key', 'no EncodingAESKey is configured');
}
