import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AesGcmError, decryptResource, encryptResource, loadPublicKey, verifyWechatpaySignature, type WechatpayHeaders } from '../../src';

// Negative cases beyond vectors.test.ts, on the published response vector (spec §15.4).
const vectors = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'wxpay-apiv3.vectors.json'), 'utf8'));
const v = vectors.verify[0];
const pub = loadPublicKey(vectors.keys[v.key]);
const h: WechatpayHeaders = {
  timestamp: v.headers['Wechatpay-Timestamp'],
  nonce: v.headers['Wechatpay-Nonce'],
  serial: v.headers['Wechatpay-Serial'],
  signature: v.headers['Wechatpay-Signature'],
};
const keyFor = (s: string) => (s === h.serial ? pub : undefined);
const now = Number(h.timestamp);
const reason = (r: ReturnType<typeof verifyWechatpaySignature>) => (r.ok ? 'ok' : r.reason);

test('Each missing signature header is refused as missing_headers', () => {
  for (const k of ['timestamp', 'nonce', 'serial', 'signature'] as const)
    assert.equal(reason(verifyWechatpaySignature({ ...h, [k]: undefined }, v.body, now, keyFor)), 'missing_headers', k);
});

test('The 300 s window holds in both directions and only for decimal timestamps', () => {
  assert.equal(reason(verifyWechatpaySignature(h, v.body, now + 300, keyFor)), 'ok');
  assert.equal(reason(verifyWechatpaySignature(h, v.body, now - 300, keyFor)), 'ok');
  assert.equal(reason(verifyWechatpaySignature(h, v.body, now - 301, keyFor)), 'stale_timestamp', 'a timestamp from the future');
  assert.equal(reason(verifyWechatpaySignature({ ...h, timestamp: `${h.timestamp}.0` }, v.body, now, keyFor)), 'stale_timestamp');
  assert.equal(reason(verifyWechatpaySignature({ ...h, timestamp: '0x66B0' }, v.body, now, keyFor)), 'stale_timestamp');
});

test('A tampered nonce, a re-serialised body, a garbage signature and a probe are all refused', () => {
  assert.equal(reason(verifyWechatpaySignature({ ...h, nonce: h.nonce + 'x' }, v.body, now, keyFor)), 'bad_signature');
  assert.equal(reason(verifyWechatpaySignature(h, JSON.stringify(JSON.parse(v.body), null, 1), now, keyFor)), 'bad_signature');
  assert.equal(reason(verifyWechatpaySignature({ ...h, signature: '!!not base64!!' }, v.body, now, keyFor)), 'bad_signature');
  assert.equal(reason(verifyWechatpaySignature({ ...h, signature: 'WECHATPAY/SIGNTEST/' }, v.body, now, () => pub)), 'signtest_probe');
});

test('AES-GCM refuses a tampered ciphertext, a wrong AAD or nonce, and keys that are not 32 bytes, without leaking the key', () => {
  const key = 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb';
  const r = encryptResource('{"out_trade_no":"1"}', key, 'transaction');
  const flipped = Buffer.from(r.ciphertext, 'base64');
  flipped[0] ^= 1;
  assert.throws(() => decryptResource({ ...r, ciphertext: flipped.toString('base64') }, key), AesGcmError);
  assert.throws(() => decryptResource({ ...r, associated_data: 'certificate' }, key), AesGcmError);
  assert.throws(() => decryptResource({ ...r, nonce: 'AAAAAAAAAAAA' }, key), AesGcmError);
  assert.throws(() => decryptResource({ ...r, ciphertext: 'AAAA' }, key), /shorter than the GCM tag/);
  assert.throws(() => decryptResource(r, 'testAPIv3Key0000'), /32 bytes, got 16/);
  assert.throws(() => encryptResource('x', Buffer.alloc(31)), /32 bytes, got 31/);
  assert.throws(
    () => decryptResource(r, 'b'.repeat(32)),
    (e: unknown) => e instanceof AesGcmError && !e.message.includes('b'.repeat(32)),
  );
});
