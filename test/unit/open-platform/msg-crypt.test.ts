import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { MsgCryptError, aesKeyOf, decryptMessage, openPush, sha1Sorted } from '../../../src/modules/open-platform/msg-crypt';
import { encryptMessage, encryptedPush } from '@partnerpay/wxpay-simulator';
import { NEGATIVE, VECTORS } from './wxbizmsgcrypt-vectors';

const all = Object.entries(VECTORS);

/** AES-256-CBC of `plain` as WXBizMsgCrypt does it, without any padding of our own (to build broken messages). */
function rawEncrypt(encodingAesKey: string, plain: Buffer): string {
  const key = aesKeyOf(encodingAesKey);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

/** random(16) ‖ len ‖ msg ‖ appid, as the scheme lays it out (before padding). */
function layout(message: string, appid: string, declaredLength = Buffer.byteLength(message)): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(declaredLength);
  return Buffer.concat([Buffer.from('aaaabbbbccccdddd'), len, Buffer.from(message), Buffer.from(appid)]);
}

function refusal(fn: () => unknown): MsgCryptError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MsgCryptError, `expected a MsgCryptError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a refusal');
}

test('When each published vector is decrypted, then partnerpay reads its message and AppID byte for byte', () => {
  for (const [name, v] of all) {
    const message = decryptMessage(aesKeyOf(v.encodingAesKey), v.encrypt, v.appid);
    assert.equal(Buffer.from(message).toString('hex'), Buffer.from(v.message).toString('hex'), `vector ${name}`);
  }
  // Vector A's message counts in bytes: 19 UTF-8 bytes for 11 characters.
  assert.equal(Buffer.byteLength(VECTORS.A.message), 19);
});

test('When each published vector is encrypted again with its random prefix, then the simulator writes the same Encrypt byte for byte', () => {
  for (const [name, v] of all) {
    assert.ok(v.random, `vector ${name} names its random prefix`);
    assert.equal(encryptMessage(v.encodingAesKey, v.appid, v.message, Buffer.from(v.random!, 'utf8')), v.encrypt, `vector ${name}`);
  }
});

test('When the published signatures are computed, then msg_signature and signature match', () => {
  for (const [name, v] of all) {
    if (v.msgSignature) assert.equal(sha1Sorted(v.token, v.timestamp, v.nonce, v.encrypt), v.msgSignature, `vector ${name} msg_signature`);
    if (v.signature) assert.equal(sha1Sorted(v.token, v.timestamp, v.nonce), v.signature, `vector ${name} signature`);
  }
  // The simulator builds the same query for vector D's push.
  const d = VECTORS.D;
  const push = encryptedPush({
    token: d.token,
    encodingAesKey: d.encodingAesKey,
    appid: d.appid,
    message: d.message,
    timestamp: Number(d.timestamp),
    nonce: d.nonce,
    random: Buffer.from(d.random!),
  });
  assert.deepEqual(push.query, {
    signature: d.signature,
    timestamp: d.timestamp,
    nonce: d.nonce,
    encrypt_type: 'aes',
    msg_signature: d.msgSignature,
  });
});

test('When a vector arrives as a push at its own time, then openPush checks both signatures and answers the message', () => {
  for (const [name, v] of all.filter(([, x]) => x.msgSignature)) {
    const opened = openPush(
      { timestamp: v.timestamp, nonce: v.nonce, msgSignature: v.msgSignature!, signature: v.signature, encrypt: v.encrypt },
      { token: v.token, keys: [aesKeyOf(v.encodingAesKey)], appid: v.appid },
      Number(v.timestamp),
    );
    assert.deepEqual(opened, { message: v.message, keyIndex: 0 }, `vector ${name}`);
  }
});

test("When the official sample's negative inputs arrive, then -40004 for the key and -40001 for the signature", () => {
  assert.equal(refusal(() => aesKeyOf(NEGATIVE.illegalAesKey)).wxCode, -40004);
  const a = VECTORS.A;
  const e = refusal(() =>
    openPush(
      { timestamp: a.timestamp, nonce: a.nonce, msgSignature: NEGATIVE.wrongMsgSignature, encrypt: a.encrypt },
      { token: a.token, keys: [aesKeyOf(a.encodingAesKey)], appid: a.appid },
      Number(a.timestamp),
    ),
  );
  assert.deepEqual([e.wxCode, e.check], [-40001, 'msg_signature']);
  // A signature of the right shape for other content, and a wrong plain signature, are refused too.
  const other = refusal(() =>
    openPush(
      { timestamp: a.timestamp, nonce: a.nonce, msgSignature: VECTORS.B.msgSignature!, encrypt: a.encrypt },
      { token: a.token, keys: [aesKeyOf(a.encodingAesKey)], appid: a.appid },
      Number(a.timestamp),
    ),
  );
  assert.equal(other.wxCode, -40001);
  const plain = refusal(() =>
    openPush(
      { timestamp: a.timestamp, nonce: a.nonce, msgSignature: a.msgSignature!, signature: 'f'.repeat(40), encrypt: a.encrypt },
      { token: a.token, keys: [aesKeyOf(a.encodingAesKey)], appid: a.appid },
      Number(a.timestamp),
    ),
  );
  assert.deepEqual([plain.wxCode, plain.check], [-40001, 'signature']);
});

test('When a push is replayed more than 300 s later (or from the future), then it is refused before anything is decrypted', () => {
  const d = VECTORS.D;
  const secrets = { token: d.token, keys: [aesKeyOf(d.encodingAesKey)], appid: d.appid };
  const envelope = { timestamp: d.timestamp, nonce: d.nonce, msgSignature: d.msgSignature!, encrypt: d.encrypt };
  assert.equal(openPush(envelope, secrets, Number(d.timestamp) + 300).message, d.message);
  assert.equal(refusal(() => openPush(envelope, secrets, Number(d.timestamp) + 301)).check, 'timestamp');
  assert.equal(refusal(() => openPush(envelope, secrets, Number(d.timestamp) - 301)).check, 'timestamp');
  assert.equal(refusal(() => openPush({ ...envelope, timestamp: 'soon' }, secrets, Number(d.timestamp))).check, 'timestamp');
});

test('When a message was encrypted for another AppID, then -40005 (the check easywechat and WxJava skip)', () => {
  const a = VECTORS.A;
  assert.equal(refusal(() => decryptMessage(aesKeyOf(a.encodingAesKey), a.encrypt, 'wx2c2769f8efd9abc2')).wxCode, -40005);
  // A prefix of the right AppID is not the AppID either.
  assert.equal(refusal(() => decryptMessage(aesKeyOf(a.encodingAesKey), a.encrypt, 'wxb11529c136998cb')).wxCode, -40005);
});

test('When the padding is wrong (0, above 32, or uneven), then -40007 rather than "no padding"', () => {
  const key = VECTORS.A.encodingAesKey;
  const body = layout('hello', VECTORS.A.appid);
  const padTo = (b: Buffer, bytes: number[]) => Buffer.concat([b, Buffer.from(bytes)]);
  const fill = 32 - (body.length % 32);
  const cases: Array<[string, Buffer]> = [
    ['pad byte 0', padTo(body, [...Array(fill - 1).fill(fill), 0])],
    ['pad byte 33', padTo(body, [...Array(fill - 1).fill(fill), 33])],
    ['uneven pad bytes', padTo(body, [...Array(fill - 1).fill(fill - 1), fill])],
  ];
  for (const [name, plain] of cases) {
    assert.equal(plain.length % 16, 0, name);
    assert.equal(refusal(() => decryptMessage(aesKeyOf(key), rawEncrypt(key, plain), VECTORS.A.appid)).wxCode, -40007, name);
  }
});

test('When the length field runs past the buffer, or the buffer is too short, then -40008', () => {
  const key = VECTORS.A.encodingAesKey;
  const long = layout('hello', VECTORS.A.appid, 5000);
  const padded = Buffer.concat([long, Buffer.alloc(32 - (long.length % 32), 32 - (long.length % 32))]);
  assert.equal(refusal(() => decryptMessage(aesKeyOf(key), rawEncrypt(key, padded), VECTORS.A.appid)).wxCode, -40008);
  const short = Buffer.concat([Buffer.alloc(12, 1), Buffer.alloc(20, 20)]);
  assert.equal(refusal(() => decryptMessage(aesKeyOf(key), rawEncrypt(key, short), VECTORS.A.appid)).wxCode, -40008);
});

test('When Encrypt is not base64 or not whole AES blocks, then -40010 and -40007', () => {
  const key = aesKeyOf(VECTORS.A.encodingAesKey);
  assert.equal(refusal(() => decryptMessage(key, 'not base64!', VECTORS.A.appid)).wxCode, -40010);
  assert.equal(refusal(() => decryptMessage(key, 'AAAA', VECTORS.A.appid)).wxCode, -40007);
});

test('When the plaintext is a multiple of 32 bytes, then a whole block of 0x20 is added and read back', () => {
  const appid = VECTORS.A.appid;
  // random 16 + length 4 + message 26 + AppID 18 = 64 bytes: the padding is a whole 32-byte block.
  const message = 'x'.repeat(64 - 16 - 4 - appid.length);
  const encrypt = encryptMessage(VECTORS.A.encodingAesKey, appid, message, Buffer.from('aaaabbbbccccdddd'));
  assert.equal(Buffer.from(encrypt, 'base64').length, 96, 'one extra block of padding');
  assert.equal(decryptMessage(aesKeyOf(VECTORS.A.encodingAesKey), encrypt, appid), message);
});

test('When the EncodingAESKey was rotated, then a push under the previous key still opens, with keyIndex 1', () => {
  const d = VECTORS.D;
  const rotated = aesKeyOf('ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut');
  const opened = openPush(
    { timestamp: d.timestamp, nonce: d.nonce, msgSignature: d.msgSignature!, encrypt: d.encrypt },
    { token: d.token, keys: [rotated, aesKeyOf(d.encodingAesKey)], appid: d.appid },
    Number(d.timestamp),
  );
  assert.deepEqual(opened, { message: d.message, keyIndex: 1 });
  // Neither key: the current key's refusal is the answer.
  const e = refusal(() =>
    openPush(
      { timestamp: d.timestamp, nonce: d.nonce, msgSignature: d.msgSignature!, encrypt: d.encrypt },
      { token: d.token, keys: [rotated], appid: d.appid },
      Number(d.timestamp),
    ),
  );
  assert.ok([-40007, -40008, -40005].includes(e.wxCode!), String(e.wxCode));
});
