import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadPrivateKey,
  loadPublicKey,
  signSha256Rsa,
  requestMessage,
  verifyWechatpaySignature,
  decryptResource,
  encryptResource,
  rsaOaepDecrypt,
  loadCertificate,
  AesGcmError,
  KeyError,
  paySignMessage,
} from '../../src';
import { generateKeyPairSync } from 'node:crypto';

// Published test vectors, copied from shared/vectors/wxpay-apiv3.json into the project's fixtures.
const vectors = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'wxpay-apiv3.vectors.json'), 'utf8'));
const key = (name: string) => vectors.keys[name] as string;

test('Every published signature vector is reproduced byte for byte', () => {
  for (const v of vectors.sign) {
    const pk = loadPrivateKey(key(v.key));
    const message = v.method ? requestMessage(v.method, v.url, v.timestamp, v.nonce, v.body) : v.message;
    assert.equal(message, v.message, v.name);
    assert.equal(signSha256Rsa(message, pk), v.signature, v.name);
  }
});

test('The paySign message builder matches the official vector', () => {
  const [appId, ts, nonce, pkg] = vectors.sign[0].message.split('\n');
  assert.equal(paySignMessage(appId, ts, nonce, pkg), vectors.sign[0].message);
});

test('The published response verifies; tampered body, wrong serial, stale time and SIGNTEST are refused', () => {
  const v = vectors.verify[0];
  const pub = loadPublicKey(key(v.key));
  const h = {
    timestamp: v.headers['Wechatpay-Timestamp'],
    nonce: v.headers['Wechatpay-Nonce'],
    serial: v.headers['Wechatpay-Serial'],
    signature: v.headers['Wechatpay-Signature'],
  };
  const keyFor = (s: string) => (s === h.serial ? pub : undefined);
  const now = Number(h.timestamp);
  assert.deepEqual(verifyWechatpaySignature(h, v.body, now, keyFor), { ok: true, serial: h.serial });
  assert.equal((verifyWechatpaySignature(h, v.body + ' ', now, keyFor) as { reason: string }).reason, 'bad_signature');
  assert.equal(
    (verifyWechatpaySignature({ ...h, serial: 'PUB_KEY_ID_0000' }, v.body, now, keyFor) as { reason: string }).reason,
    'unknown_serial',
  );
  assert.equal((verifyWechatpaySignature(h, v.body, now + 301, keyFor) as { reason: string }).reason, 'stale_timestamp');
  assert.equal(
    (verifyWechatpaySignature({ ...h, signature: 'WECHATPAY/SIGNTEST/' + h.signature }, v.body, now, keyFor) as { reason: string }).reason,
    'signtest_probe',
  );
});

test('AES-GCM vectors decrypt; the certificate serial matches; wrong and 16-byte keys are refused', () => {
  const [msg, cert, short] = vectors.aead_aes_256_gcm;
  assert.equal(decryptResource(msg, msg.apiv3_key), msg.plaintext);
  const info = loadCertificate(decryptResource(cert, cert.apiv3_key));
  assert.equal(info.serialNo, cert.expect_serial_no);
  assert.throws(() => decryptResource(msg, 'b'.repeat(32)), AesGcmError);
  assert.throws(() => decryptResource(short, short.apiv3_key), /32 bytes/);
  const round = encryptResource('hello', msg.apiv3_key, 'transaction');
  assert.equal(decryptResource(round, msg.apiv3_key), 'hello');
});

test('The RSA-OAEP vector decrypts with SHA-1/MGF1-SHA-1', () => {
  const v = vectors.rsa_oaep[0];
  assert.equal(rsaOaepDecrypt(v.ciphertext, loadPrivateKey(key(v.key))), v.plaintext);
});

test('A bad PEM or a key under 2048 bits is refused naming the credential', () => {
  assert.throws(
    () => loadPrivateKey('nope', 'merchant_private_key'),
    (e: unknown) => e instanceof KeyError && e.credential === 'merchant_private_key',
  );
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  assert.throws(() => loadPrivateKey(small, 'merchant_private_key'), /at least 2048 bits/);
});
